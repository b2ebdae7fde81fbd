import Submissions
import Foundation
import GzipCodec
import Testing
import TestSupport

/// The product as its users run it: the binary, temporary folders, a hub on a loopback port.
@Suite(.serialized) struct CLIWorkflowTests {
    static let application: [String] = [
        "单位简介=三级甲等综合医院，国家区域医疗中心建设单位。", "单位联系人=陈丽", "单位联系人手机号码=13905910002",
        "单位联系人电子邮箱=chenli@fzsdyyy.cn", "项目负责人=黄志强", "项目负责人手机号码=13905910001",
        "项目负责人电子邮箱=huangzq@fzsdyyy.cn", "团队简介=影像科与信息中心骨干。", "应用场景方向=基层能力提升方向、高水平诊疗能力方向",
        "研发进展=内部立项阶段", "培育周期=2026年12月-2028年6月", "项目推进计划=2027年试点，2028年推广。", "申报意见=是", "日期=2026-11-20",
    ].flatMap { ["--set", $0] }

    @Test func aProjectTravelsFromHospitalToCityToProvince() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try w.replica("province", org: "fj-province", role: "province")
        #expect(try w.check(["calls"], in: "hospital").stdout.contains("fujian-2027"))

        // Drafting works with the hub gone.
        #expect(w.stopHub()?.status == 0)
        try "面向县域医共体的影像智能辅助诊断。\n第二段：数据安全措施。".write(toFile: w.dir.file("summary.txt"), atomically: true, encoding: .utf8)
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=县域影像智能辅助诊断", "--set", "项目简介=@\(w.dir.file("summary.txt"))"] + Self.application, in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)
        let invalid = w.run("hospital", ["edit", id, "--set", "统一社会信用代码=91350100M000100Y44"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr == say("Error: 统一社会信用代码 has a wrong check character (expected '3') — the unit's 18-character 统一社会信用代码 as printed on its licence — see 'tianbao validate \(id)'\n",
                                     "错误：统一社会信用代码 校验码有误（应为 '3'） — 营业执照或登记证书上的 18 位统一社会信用代码 — 用 'tianbao validate \(id)' 查看\n"))
        #expect(w.run("hospital", ["validate", id]).stdout == say("Ready to submit: every rule holds.\n", "可以提交：各项规则均已满足。\n"))
        try w.check(["submit", id], in: "hospital")
        // Cron is told 75 in silence while the hub was reached lately; after --quiet-hours, loudly.
        let offline = w.run("hospital", ["sync", "--budget", "1"])
        #expect(offline.status == 75 && offline.stderr.isEmpty, "\(offline.stderr)")
        let long = w.run("hospital", ["sync", "--budget", "1", "--quiet-hours", "0"])
        #expect(long.status == 75 && long.stderr.contains(say("hub unavailable", "省平台不可达")) && long.stderr.contains(say("the hub has not been reached since", "以来一直未能连上省平台")), "\(long.stderr)")
        try w.startHub()

        // The hub is back: the city receives the submission and recommends it.
        #expect(try w.check(["sync"], in: "hospital").stdout.isEmpty)   // quiet for cron
        try w.check(["sync"], in: "city")
        #expect(try w.check(["list", "--status", "submitted"], in: "city").stdout.contains("县域影像智能辅助诊断"))
        let show = try w.check(["show", id], in: "city").stdout
        #expect(show.contains("项目简介: |\n  面向县域医共体的影像智能辅助诊断。\n  第二段：数据安全措施。"))
        let hospitalRecommends = w.run("hospital", ["recommend", id, "--opinion", "自荐"])
        #expect(hospitalRecommends.status == 77)
        #expect(hospitalRecommends.stderr.hasPrefix(say("Error: only a city commission (设区市卫健委) recommends or returns", "错误：只有设区市卫健委能推荐或退回")))
        try w.check(["recommend", id, "--opinion", "同意推荐。"], in: "city")
        let table = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--format", "csv"], in: "city").stdout
        #expect(table == "序号,项目申报单位,项目名称,应用领域\r\n1,福州市第一医院,县域影像智能辅助诊断,基层能力提升方向、高水平诊疗能力方向\r\n")
        // The workbook for people: named by --out's extension; never written to a terminal or a pipe.
        try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--out", w.dir.file("附件2.xlsx")], in: "city")
        let workbook = try ZipArchive.read(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("附件2.xlsx")))))
        let sheet = String(decoding: workbook.first { $0.path == "xl/worksheets/sheet1.xml" }?.bytes ?? [], as: UTF8.self)
        #expect(sheet.contains("县域影像智能辅助诊断") && sheet.contains("<pageSetup paperSize=\"9\" orientation=\"landscape\""))
        // The 申请表 as the notice prints it, to sign and stamp.
        try w.check(["print", id, "--out", w.dir.file("申请表.html")], in: "city")
        let form = try String(contentsOfFile: w.dir.file("申请表.html"), encoding: .utf8)
        #expect(form.contains("<h1>福建省“人工智能+医疗卫生”应用场景研发项目申请表</h1>") && form.contains("县域影像智能辅助诊断")
                && form.contains("同意推荐：同意推荐。") && form.contains("（申请表一式三份"))
        let toPipe = w.run("city", ["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--format", "xlsx"])
        #expect(toPipe.status == 64 && toPipe.stderr.contains(say("give --out FILE.xlsx", "请用 --out FILE.xlsx")), "\(toPipe.stderr)")
        try w.check(["sync"], in: "city")

        // The province selects; everyone sees it.
        try w.check(["sync"], in: "province")
        #expect(w.run("city", ["select", id]).status == 77)
        try w.check(["select", id, "--note", "入库"], in: "province")
        try w.check(["sync"], in: "province")
        try w.check(["sync"], in: "hospital")
        let json = try w.check(["show", id, "--json"], in: "hospital").stdout
        #expect(json.contains("\"status\" : \"selected\""))
        let log = try w.check(["log", id], in: "hospital").stdout
        #expect(log.contains("项目名称 = 县域影像智能辅助诊断"))
        #expect(log.contains("遴选 = select「入库」 by fj-province"))
        // The hub's own table of the city's records carries the same hash as the city's.
        let cityHash = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout
        let hubHash = try w.check(["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"]).stdout
        #expect(Self.sha(cityHash) == Self.sha(hubHash))
        #expect(Self.sha(cityHash)?.count == 64)
        // And the same one-line identity of what it was compiled from.
        let sources = { (json: String) in (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["sources"] as? String }
        #expect(sources(cityHash) == sources(hubHash) && sources(cityHash)?.hasPrefix("1 条记录 · ") == true, "\(String(describing: sources(cityHash)))")
        let status = try w.check(["status"], in: "hospital").stdout
        #expect(status.contains(say("Refused   none", "被拒      无")) && status.contains(say("Pending   0 local changes", "待发送    0 条本地修改")))
    }

    static func sha(_ json: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["sha256"] as? String
    }

    @Test func aConflictMadeOnTwoReplicasIsListedAndResolved() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=初稿"], in: "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "a")
        try w.check(["sync"], in: "b")
        try w.check(["edit", id, "--set", "项目名称=智能导诊", "--as", "陈丽"], in: "a")
        try w.check(["edit", id, "--set", "项目名称=智能分诊", "--as", "王强"], in: "b")
        for name in ["a", "b", "a"] { try w.check(["sync"], in: name) }
        let conflicts = try w.check(["conflicts"], in: "a").stdout
        #expect(conflicts.contains("\(id)  项目名称"))
        #expect(conflicts.contains("智能导诊   — 陈丽"))
        #expect(conflicts.contains("智能分诊   — 王强"))
        let listed = try w.check(["conflicts", "--json"], in: "b").stdout
        #expect(listed.contains("\"pick\" : 2"))
        #expect(w.run("a", ["resolve", id, "项目名称"]).status == 64)
        try w.check(["resolve", id, "项目名称", "--pick", "2"], in: "a")
        try w.check(["sync"], in: "a")
        try w.check(["sync"], in: "b")
        #expect(try w.check(["conflicts"], in: "b").stdout == say("No conflicts.\n", "没有冲突。\n"))
        let shown = try w.check(["show", id, "--json"], in: "b").stdout
        #expect(shown.contains("\"项目名称\" : \"智能导诊\"") || shown.contains("\"项目名称\" : \"智能分诊\""))
    }

    @Test func aBundleCarriesAnOfflineHospitalsWorkToTheHub() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=离网医院的项目", "--set", "项目简介=院内网络不通外网。"] + Self.application, in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["submit", id], in: "hospital")
        try w.check(["bundle", "export", "--out", w.dir.file("usb.bundle")], in: "hospital")
        try w.check(["hub", "import", "--db", w.hubDB, w.dir.file("usb.bundle")])
        try w.check(["hub", "import", "--db", w.hubDB, w.dir.file("usb.bundle")])   // twice changes nothing
        try w.check(["sync"], in: "city")
        #expect(try w.check(["list", "--json"], in: "city").stdout.contains("离网医院的项目"))
        // A damaged bundle is refused whole.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: w.dir.file("usb.bundle")))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: w.dir.file("bad.bundle")))
        let bad = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("bad.bundle")])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains(say("checksum does not match", "校验和不符")))
        // The hospital learns at its next sync that the hub has everything: nothing is pushed twice.
        let report = try w.check(["sync", "--json"], in: "hospital").stdout
        #expect(report.contains("\"pushed\" : 0"))
    }

    @Test func aReplicaImportsABundleAndImportingTwiceChangesNothing() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=同事的草稿"], in: "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        let first = try w.check(["bundle", "import", w.dir.file("a.bundle"), "--json"], in: "b").stdout
        #expect(first.contains("\"duplicates\" : 0"))
        let second = try w.check(["bundle", "import", w.dir.file("a.bundle"), "--json"], in: "b").stdout
        #expect(second.contains("\"applied\" : 0"))
        #expect(try w.check(["show", id, "--json"], in: "b").stdout.contains("同事的草稿"))
        // A bundle cut short is refused whole.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: w.dir.file("a.bundle")))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: w.dir.file("cut.bundle")))
        let cut = w.run("b", ["bundle", "import", w.dir.file("cut.bundle")])
        #expect(cut.status == 65)
        #expect(cut.stderr.contains(say("cut short", "不完整")))
    }

    @Test func overlappingSyncsDoNotRunTogether() throws {
        let w = try CLIWorld()
        let folder = try w.replica("hospital", org: "fz-first", role: "hospital")
        let fd = open(folder + "/sync.lock", O_CREAT | O_RDWR, 0o600)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)   // as a sync in progress holds it
        let second = w.run("hospital", ["sync"])
        #expect(second.status == 75 && second.stderr.isEmpty, "another sync at work is cron's 'try later', in silence")
        flock(fd, LOCK_UN)
        #expect(w.run("hospital", ["sync"]).status == 0)
    }

    @Test func aKilledSyncLosesNothingAndTheNextOneFinishes() throws {
        let w = try CLIWorld()
        let folder = try w.replica("hospital", org: "fz-first", role: "hospital")
        // Many drafts, written straight into the replica's store.
        try Bulk.drafts(in: folder + "/replica.sqlite", count: 400)
        let running = Subprocess.start(["sync", "--dir", folder])
        usleep(300_000)
        _ = running.stop(SIGKILL)
        let next = w.run("hospital", ["sync", "--json"])
        #expect(next.status == 0, "\(next.stderr)")
        let hubCount = try Bulk.changeCount(hub: w.hubDB, origin: folder + "/replica.sqlite")
        #expect(hubCount.hub == hubCount.local)
        #expect(hubCount.local > 4_000)
        let again = try w.check(["sync", "--json"], in: "hospital").stdout
        #expect(again.contains("\"pushed\" : 0"))
    }

    @Test func theHubIsBackedUpWhileItServes() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=备份前"], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try w.check(["hub", "backup", "--db", w.hubDB, "--out", w.dir.file("backup.sqlite")])
        let copy = try w.check(["hub", "replicas", "--db", w.dir.file("backup.sqlite"), "--json"]).stdout
        #expect(copy.contains("\"org\" : \"fz-first\""))
        let records = try Bulk.changeCount(hub: w.dir.file("backup.sqlite"), origin: w.dir.file("hospital/replica.sqlite"))
        #expect(records.hub == records.local && records.local > 0)
    }
}

/// What a person at a terminal sees while a sync runs: the totals so far and the share done.
@Suite struct TerminalProgressTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) (util-linux) for a terminal"))
    func aSyncAtATerminalShowsTotalsAndAPercentage() throws {
        let w = try CLIWorld()
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("province", org: "fj-province", role: "province")
        _ = try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "fujian-2027", form: "application", count: 40,
                               values: ProvinceWorkCLITests.application)
        try w.check(["sync"], in: "hospital")
        // script(1) gives the sync a terminal, as a person running it by hand has.
        let command = "\(Subprocess.tianbao) sync --dir \(w.dir.file("province"))"
        let result = Subprocess.run(["-qec", command, "/dev/null"], environment: ["TERM": "dumb"], timeout: 120, executable: "/usr/bin/script")
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let said = result.stdout + result.stderr
        #expect(said.contains(say("sync: round trips", "同步：往返")), "\(said)")
        #expect(said.contains("100% "), "the share done, ending at 100%: \(said)")
    }
}

/// `init` again in a replica's folder: the same hub and token finish a set-up whose first sync did
/// not complete (or do nothing harmful once it did); any other replica's folder is left alone.
@Suite struct InitAgainTests {
    @Test func theSameInitFinishesASetUpAndAnotherIsRefused() throws {
        let w = try CLIWorld()
        func token(_ org: String) throws -> String {
            let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", org, "--role", "hospital", "--json"]).stdout
            return try #require((try JSONSerialization.jsonObject(with: Data(enrolled.utf8)) as? [String: Any])?["token"] as? String)
        }
        let mine = try token("fz-first"), other = try token("xm-first")
        let folder = w.dir.file("r")
        try w.check(["init", "--hub", w.url, "--token", mine, "--dir", folder])
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=留着"], in: "r").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // As after a first sync that failed: the folder is there; the same init completes it.
        let again = w.run(nil, ["init", "--hub", w.url, "--token", mine, "--dir", folder])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try w.check(["show", id], in: "r").stdout.contains("留着"), "what the replica held is kept")
        // Another token, or another hub, in the same folder: refused, nothing touched.
        let foreign = w.run(nil, ["init", "--hub", w.url, "--token", other, "--dir", folder])
        #expect(foreign.status == 64 && foreign.stderr.contains(say("already holds a replica", "已有副本")), "\(foreign.stderr)")
        let elsewhere = w.run(nil, ["init", "--hub", "http://127.0.0.1:9", "--token", mine, "--dir", folder])
        #expect(elsewhere.status == 64, "\(elsewhere.stderr)")
        #expect(try w.check(["show", id], in: "r").stdout.contains("留着"))
    }
}
