import Foundation
import Testing
import TestSupport

/// The hub's dashboard as officials open it: a city's login sees its own units only, a hospital's
/// token sees nothing, no page carries a token, and Debian's chromium renders it (headless:
/// the text it shows, and screenshots; `TIANBAO_KEEP_SCREENSHOTS=DIR` keeps them to look at).
@Suite struct DashboardTests {
    static let curl = "/usr/bin/curl"
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A province with two cities: 福州's hospital submitted and its city recommended and had its
    /// table stamped; 厦门's hospital submitted too. Tokens for a province viewer, a city viewer
    /// and a hospital.
    static func province() throws -> (CLIWorld, province: String, city: String, hospital: String) {
        let w = try CLIWorld()
        try w.replica("fz", org: "fz-first", role: "hospital")
        try w.replica("xm", org: "xm-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        for (replica, name, leader, phone, code) in [("fz", "县域影像智能辅助诊断", "黄志强", "13905910001", "91350100M000100Y43"),
                                                     ("xm", "海岛远程心电", "林海", "13905920001", "91350200M000200Y40")] {
            let application = CLIWorkflowTests.application.map { $0.hasPrefix("项目负责人=") ? "项目负责人=\(leader)" : $0 }
                .map { $0.hasPrefix("项目负责人手机号码=") ? "项目负责人手机号码=\(phone)" : $0 }
            let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=\(name)", "--set", "项目简介=面向基层。",
                                  "--set", "统一社会信用代码=\(code)"] + application, in: replica)
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try w.check(["submit", id], in: replica)
            try w.check(["sync"], in: replica)
        }
        try w.check(["sync"], in: "city")
        try w.check(["recommend", "--all", "--opinion", "同意推荐。"], in: "city")
        try w.check(["sync"], in: "city")
        let hash = try #require(CLIWorkflowTests.sha(try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout))
        let stamped = w.run(nil, ["hub", "stamp", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--hash", hash], environment: ["TIANBAO_USER": "规划处 李明"])
        #expect(stamped.status == 0, "\(stamped.stderr)")
        func token(_ org: String, _ role: String, _ label: String) throws -> String {
            let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", org, "--role", role, "--label", label, "--json"]).stdout
            return try #require((try JSONSerialization.jsonObject(with: Data(enrolled.utf8)) as? [String: Any])?["token"] as? String)
        }
        return (w, try token("fj-province", "province", "规划处 李明"), try token("fj-fuzhou", "city", "陈明（福州）"), try token("fz-first", "hospital", "信息科"))
    }

    /// The page as curl gets it: status line and headers, then the body.
    static func get(_ w: CLIWorld, _ arguments: [String]) -> (status: Int, head: String, body: String) {
        let result = Subprocess.run(["-sS", "-D", "-", w.url + "/dashboard"] + arguments, timeout: 60, executable: curl)
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let status = parts.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, parts.first ?? "", parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func secret(_ token: String) -> String { String(token.split(separator: ".").last ?? "") }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: DashboardTests.curl), "needs curl"))
    func eachLoginSeesWhatItMayAndNoPageShowsAToken() throws {
        let (w, province, city, hospital) = try Self.province()

        let anonymous = Self.get(w, [])
        #expect(anonymous.status == 401 && anonymous.head.contains("WWW-Authenticate: Basic realm=\"Tianbao\""), "\(anonymous.head)")
        #expect(anonymous.body.contains("令牌即密码") && !anonymous.body.contains("福州"), "a login page, and nothing else")

        // The province, by HTTP Basic (as a browser logs in) and by a Bearer header (as a script does).
        let whole = Self.get(w, ["-u", "李明:\(province)"])
        #expect(whole.status == 200 && whole.head.contains("Content-Type: text/html; charset=utf-8"), "\(whole.head)")
        #expect(whole.head.contains("Cache-Control: no-store") && whole.head.contains("Content-Security-Policy: default-src 'none'"), "\(whole.head)")
        for text in ["省平台看板", "规划处 李明", "福州市卫生健康委员会", "厦门市卫生健康委员会", "福州市第一医院", "厦门市第一医院", "还剩",
                     "已盖章的汇总表", "fujian-2027", "入库进度", "各副本最后联系情况"] {
            #expect(whole.body.contains(text), "the province's page lacks \(text)")
        }
        let scripted = Self.get(w, ["-H", "Authorization: Bearer \(province)"])
        #expect(scripted.status == 200 && scripted.body.contains("厦门市第一医院"))

        // A city commission: its own unit and its hospitals, no other city's, no province-wide stamp.
        let own = Self.get(w, ["-u", "x:\(city)"])
        #expect(own.status == 200)
        #expect(own.body.contains("福州市卫生健康委员会") && own.body.contains("福州市第一医院") && own.body.contains("仅显示 福州市卫生健康委员会"))
        #expect(!own.body.contains("厦门") && !own.body.contains("入库进度"), "a city sees only its own units")

        // A hospital's token: nothing but why.
        let refused = Self.get(w, ["-u", "x:\(hospital)"])
        #expect(refused.status == 403 && refused.body.contains("仅供省卫健委和设区市卫健委"))
        #expect(!refused.body.contains("福州市第一医院") && !refused.body.contains("县域"), "a hospital sees nothing")

        // A token revoked, or wrong: a login again.
        #expect(Self.get(w, ["-u", "x:\(province)x"]).status == 401)

        for page in [anonymous.body, whole.body, own.body, refused.body] {
            for token in [province, city, hospital] { #expect(!page.contains(Self.secret(token)), "a page shows a token") }
        }
        #expect(Self.get(w, ["-X", "POST"]).status == 405)
    }

    @Test(.enabled(if: DashboardTests.chromium != nil, "needs chromium (apt-get install chromium; Tests/run.sh installs it)"))
    func chromiumRendersItInChinese() throws {
        let (w, province, city, _) = try Self.province()
        let dir = TemporaryDirectory()
        let keep = ProcessInfo.processInfo.environment["TIANBAO_KEEP_SCREENSHOTS"]
        func browse(_ token: String, _ arguments: [String]) -> Subprocess.Result {
            // The browser logs in by HTTP Basic, the credentials given as a browser takes them; the
            // address the hub sees is /dashboard alone.
            let (user, secret) = (String(token.split(separator: ".")[0]), Self.secret(token))
            let address = w.url.replacingOccurrences(of: "http://", with: "http://\(user):\(secret)@") + "/dashboard"
            return Subprocess.run(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--lang=zh-CN"] + arguments + [address],
                                  environment: ["HOME": dir.path], timeout: 120, executable: Self.chromium!)
        }
        let text = browse(province, ["--dump-dom"]).stdout
        #expect(text.contains("省平台看板") && text.contains("福州市第一医院") && text.contains("厦门市第一医院"), "\(text.prefix(600))")
        let cityText = browse(city, ["--dump-dom"]).stdout
        #expect(cityText.contains("福州市第一医院") && !cityText.contains("厦门"), "\(cityText.prefix(600))")
        for (name, token) in [("dashboard-province", province), ("dashboard-city", city)] {
            let shot = dir.file("\(name).png")
            let result = browse(token, ["--window-size=1280,1800", "--screenshot=\(shot)"])
            let png = FileManager.default.contents(atPath: shot) ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "\(name): \(png.count) bytes; \(result.stderr.suffix(300))")
            if let keep { try? FileManager.default.copyItem(atPath: shot, toPath: keep + "/\(name).png") }
        }
        // The access log names the viewer's replica, never a token.
        let log = w.stopHub()?.stderr ?? ""
        #expect(log.contains("GET /dashboard") && !log.contains(Self.secret(province)) && !log.contains(Self.secret(city)), "\(log.suffix(500))")
    }
}
