import Crypto
import Foundation
import Replication
import SyncProtocol
import Testing
import TestSupport

/// What may be written, at every door (`--set`, `@file`, `--from`, the arguments themselves,
/// templates, bundles; sync is HubTests' HostileValuesHubTests): what a person can type is stored
/// verbatim and compiled safely; characters no one types (control characters, direction
/// overrides, invalid UTF-8) are refused with the field and the character named, and nothing of
/// the attempt is written. The rule itself is `TextRule`.
@Suite struct HostileValuesTests {
    static let typed = [
        "'; DROP TABLE records;--",
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://example.invalid\",\"点我\")",
        "+86 591 8783 2310",
        "-1+1",
        "@SUM(A1:A9)",
        "项目|名称 \\*强调* `代码`",
        "😀 智慧医疗 \"引号\" & 符号 ​零宽",
        String(repeating: "长", count: 100),
    ]

    static func leader(_ i: Int) -> [String] {
        ["--set", "项目负责人=负责人\(i)", "--set", "项目负责人手机号码=139\(String(format: "%08d", i))"]
    }

    @Test func whatAPersonCanTypeIsStoredVerbatimAndCompiledSafely() throws {
        let w = try CLIWorld()
        try w.replica("h", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let summary = "第一段\t制表符\r\nWindows 换行\n" + String(repeating: "很长的简介。", count: 300)
        try summary.write(toFile: w.dir.file("summary.txt"), atomically: true, encoding: .utf8)
        var ids: [String] = []
        for (i, value) in Self.typed.enumerated() {
            // A value that begins with @ is written @@ on the command line (a single @ names a file).
            let typed = value.hasPrefix("@") ? "@" + value : value
            let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=\(typed)", "--set", "项目简介=@\(w.dir.file("summary.txt"))"]
                                 + CLIWorkflowTests.application + Self.leader(i), in: "h").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try w.check(["submit", id], in: "h")
            ids.append(id)
        }
        try w.check(["sync"], in: "h")
        try w.check(["sync"], in: "city")
        for id in ids { try w.check(["recommend", id, "--opinion", "<b>同意</b>=1+1"], in: "city") }
        try w.check(["sync"], in: "city")

        // Stored and shown verbatim, on the unit's replica and the city's.
        for (id, value) in zip(ids, Self.typed) {
            for name in ["h", "city"] {
                let shown = try JSONSerialization.jsonObject(with: Data(w.check(["show", id, "--json"], in: name).stdout.utf8)) as! [String: Any]
                let fields = shown["fields"] as! [String: String]
                #expect(fields["项目名称"] == value, "\(name): \(fields["项目名称"] ?? "nil")")
                // Line breaks come back as LF, whatever system wrote them; nothing else changes.
                #expect(fields["项目简介"] == summary.replacingOccurrences(of: "\r\n", with: "\n"), "\(name): the long text came back changed")
            }
        }

        // A spreadsheet opening the CSV runs no formula: every cell that would start one is quoted with '.
        let csv = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--format", "csv"], in: "city").stdout
        let cells = Self.csvCells(csv)
        for value in Self.typed {
            let expected = ["=", "+", "-", "@"].contains(where: value.hasPrefix) ? "'" + value : value
            #expect(cells.contains(expected), "the CSV lacks the cell \(expected)")
        }
        #expect(!cells.contains { ["=", "+", "-", "@"].contains(where: $0.hasPrefix) }, "a CSV cell starts a formula")
        // The HTML table shows markup as text and runs nothing.
        let html = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--format", "html"], in: "city").stdout
        #expect(!html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<b>同意"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "\(html.prefix(2_000))")
        // Markdown keeps its columns: a | in a value is escaped.
        let md = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--format", "md"], in: "city").stdout
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("|") }
        let columns = Set(rows.map { Self.unescapedPipes($0) })
        #expect(columns.count == 1, "markdown rows have different column counts: \(columns)")
        #expect(md.contains("\\<script>alert('x')\\</script>\\<img src=x") && !md.contains(" <script>"), "\(md)")
        // The hub compiles the same table from the same records (its digest, as stamping compares).
        let hub = try w.check(["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"]).stdout
        let city = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout
        #expect(CLIWorkflowTests.sha(hub) != nil && CLIWorkflowTests.sha(hub) == CLIWorkflowTests.sha(city))
    }

    @Test func charactersNoOneTypesAreRefusedAtEveryDoorAndNothingIsWritten() throws {
        let w = try CLIWorld()
        try w.replica("h", org: "fz-first", role: "hospital")
        let before = try w.check(["list", "--json"], in: "h").stdout

        // --set
        for (bad, code) in [("\u{1}", "U+0001"), ("\r不合格", "line break"), ("\u{1B}[31m红", "U+001B"), ("\u{7F}", "U+007F"), ("\u{85}", "U+0085"),
                            ("abc\u{202E}txt.exe", "U+202E"), ("\u{2066}隔离", "U+2066")] {
            let result = w.run("h", ["new", "fujian-2027", "application", "--set", "项目名称=项目\(bad)名称"])
            #expect(result.status == 65, "\(code): exit \(result.status)")
            let named = Subprocess.speaksChinese
                ? result.stderr.contains("项目名称 ") && result.stderr.contains(code == "line break" ? "含有换行" : "含有控制字符 \(code)") || result.stderr.contains("含有 \(code)")
                : result.stderr.contains("项目名称 contains \(code)") || result.stderr.contains("项目名称 has a \(code)")
            #expect(named, "\(result.stderr)")
        }
        // @file: a NUL, and bytes that are not UTF-8.
        try Data([0xE9, 0xA1, 0xB9, 0x00, 0x41]).write(to: URL(fileURLWithPath: w.dir.file("nul.txt")))
        let nul = w.run("h", ["new", "fujian-2027", "application", "--set", "项目简介=@\(w.dir.file("nul.txt"))"])
        #expect(nul.status == 65 && nul.stderr.contains(say("项目简介 contains U+0000", "项目简介 在第 2 个字符处含有控制字符 U+0000")), "\(nul.stderr)")
        try Data([0xCF, 0xEE, 0xC4, 0xBF]).write(to: URL(fileURLWithPath: w.dir.file("gbk.txt")))   // 项目 in GBK
        let gbk = w.run("h", ["new", "fujian-2027", "application", "--set", "项目简介=@\(w.dir.file("gbk.txt"))"])
        #expect(gbk.status == 65 && gbk.stderr.contains(say("is not UTF-8 text", "不是 UTF-8 文本")), "\(gbk.stderr)")
        // --from
        try "{\"项目名称\":\"a\\u0000b\"}".write(toFile: w.dir.file("values.json"), atomically: true, encoding: .utf8)
        let from = w.run("h", ["new", "fujian-2027", "application", "--from", w.dir.file("values.json")])
        #expect(from.status == 65 && from.stderr.contains(say("项目名称 contains U+0000", "项目名称 在第 2 个字符处含有控制字符 U+0000")), "\(from.stderr)")
        // An argument that is not UTF-8 (a GBK terminal), through a shell because Process takes Strings.
        let raw = Subprocess.run(["-c", "exec \"$0\" new fujian-2027 application --set \"项目名称=$(printf '\\317\\356')\" --dir \"$1\"",
                                  Subprocess.tianbao, w.dir.file("h")], executable: "/bin/sh")
        #expect(raw.status == 64 && raw.stderr.contains(say("argument 5 is not UTF-8 text", "第 5 个参数不是 UTF-8 文本")), "\(raw.status) \(raw.stderr)")
        // --from in GBK.
        try Data([0x7B, 0x22] + [0xCF, 0xEE, 0xC4, 0xBF] + Array("\":\"x\"}".utf8)).write(to: URL(fileURLWithPath: w.dir.file("gbk.json")))
        let fromGBK = w.run("h", ["new", "fujian-2027", "application", "--from", w.dir.file("gbk.json")])
        #expect(fromGBK.status == 65 && fromGBK.stderr.contains(say("gbk.json is not UTF-8 text", "gbk.json 不是 UTF-8 文本")), "\(fromGBK.stderr)")
        // The editor's name from a GBK environment.
        let envGBK = Subprocess.run(["-c", "TIANBAO_USER=\"$(printf '\\325\\305')\" exec \"$0\" new fujian-2027 application --set 项目名称=名 --dir \"$1\"",
                                     Subprocess.tianbao, w.dir.file("h")], executable: "/bin/sh")
        #expect(envGBK.status == 64 && envGBK.stderr.contains(say("TIANBAO_USER is not UTF-8 text", "环境变量 TIANBAO_USER 不是 UTF-8 文本")), "\(envGBK.status) \(envGBK.stderr)")
        // One character over the field's length, and far over it.
        for length in [101, 30_000] {
            let long = w.run("h", ["new", "fujian-2027", "application", "--set", "项目名称=" + String(repeating: "长", count: length)])
            #expect(long.status == 65 && long.stderr.contains(say("项目名称 has \(length) characters — at most 100", "项目名称 有 \(length) 个字 — 不超过 100 字")), "\(long.stderr.prefix(300))")
        }
        try String(repeating: "很长。", count: 700_000).write(toFile: w.dir.file("huge.txt"), atomically: true, encoding: .utf8)   // 6 MiB
        let huge = w.run("h", ["new", "fujian-2027", "application", "--set", "项目简介=@\(w.dir.file("huge.txt"))"])
        #expect(huge.status == 65 && huge.stderr.contains(say("项目简介 has 2100000 characters", "项目简介 有 2100000 个字")), "\(huge.stderr.prefix(300))")
        #expect(try w.check(["list", "--json"], in: "h").stdout == before, "a refused value left something behind")

        // Workflow text (stored inside a JSON entry) and the editor's name are held to the same rule.
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=审核测试", "--set", "项目简介=简介"] + CLIWorkflowTests.application, in: "h").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let name = w.run("h", ["edit", id, "--set", "项目简介=简介", "--as", "张\u{1B}[2J三"])
        #expect(name.status == 64 && name.stderr.contains(say("--as or $TIANBAO_USER) contains U+001B", "（--as 或 $TIANBAO_USER）在第 2 个字符处含有控制字符 U+001B")), "\(name.stderr)")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try w.check(["submit", id], in: "h")
        try w.check(["sync"], in: "h")
        try w.check(["sync"], in: "city")
        let opinion = w.run("city", ["recommend", id, "--opinion", "同意\u{7}推荐"])
        #expect(opinion.status == 65 && opinion.stderr.contains(say("审核意见 contains U+0007", "审核意见 在第 3 个字符处含有控制字符 U+0007")), "\(opinion.stderr)")
        let reason = w.run("city", ["return", id, "--reason", "\u{202E}请补充"])
        #expect(reason.status == 65 && reason.stderr.contains(say("理由 contains U+202E", "理由 在第 1 个字符处含有 U+202E")), "\(reason.stderr)")
        #expect(try w.check(["show", id, "--json"], in: "city").stdout.contains("\"status\" : \"submitted\""))
    }

    @Test func aTemplateWithADirectionOverrideOrAControlCharacterIsNotPublished() throws {
        let w = try CLIWorld()
        let template = try CLIWorld.nextRound()
        for (bad, code, expectedPath) in [("\u{202E}", "U+202E", ".label"), ("\\u0000", "U+0000", say("title contains U+0000", "title 处的文字在第 1 个字符处含有控制字符 U+0000"))] {
            let altered = bad == "\u{202E}"
                ? template.replacingOccurrences(of: "\"项目名称\"", with: "\"项目\(bad)名称\"")
                : template.replacingOccurrences(of: "\"title\":\"", with: "\"title\":\"\(bad)")
            #expect(altered != template)
            try altered.write(toFile: w.dir.file("bad.json"), atomically: true, encoding: .utf8)
            let result = w.run(nil, ["hub", "publish", "--db", w.hubDB, w.dir.file("bad.json")])
            #expect(result.status != 0, "\(code) was published")
            #expect(result.stderr.contains(code), "\(result.stderr)")
            #expect(result.stderr.contains(expectedPath), "\(result.stderr)")
        }
    }

    @Test func aTemplateSavedWithABOMLoadsAndOneNotInUTF8IsRefused() throws {
        let w = try CLIWorld()
        let template = try CLIWorld.nextRound().replacingOccurrences(of: "fujian-2027", with: "fujian-2028")
        try Data([0xEF, 0xBB, 0xBF] + Array(template.utf8)).write(to: URL(fileURLWithPath: w.dir.file("bom.json")))
        try w.check(["hub", "publish", "--db", w.hubDB, w.dir.file("bom.json")])
        let gbk = Array(template.utf8).map { $0 == 0xE5 ? 0xB8 : $0 }   // what a GBK editor's bytes look like to UTF-8
        try Data(gbk).write(to: URL(fileURLWithPath: w.dir.file("gbk.json")))
        let refused = w.run(nil, ["hub", "publish", "--db", w.hubDB, w.dir.file("gbk.json")])
        #expect(refused.status == 65 && refused.stderr.contains("not JSON"), "\(refused.status) \(refused.stderr)")
    }

    @Test func aSignedBundleCarryingAControlCharacterIsRefusedWhole() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        try w.check(["sync"], in: "a")
        try w.check(["sync"], in: "b")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=同事的草稿"], in: "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        let contents = try ChangeBundle.decode(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("a.bundle")))))
        var changes = contents.changes
        let i = try #require(changes.firstIndex { $0.value?.text == "同事的草稿" })
        changes[i].value = .text("同事\u{0}的\u{202E}草稿")
        let key = Hex.decode(try String(contentsOfFile: w.dir.file("a/signing.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        try Data(try ChangeBundle.encode(replica: contents.replica, changes: changes, privateKey: key)).write(to: URL(fileURLWithPath: w.dir.file("bad.bundle")))
        let atHub = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("bad.bundle")])
        #expect(atHub.status == 65 && atHub.stderr.contains("U+0000"), "\(atHub.status) \(atHub.stderr)")
        let atPeer = w.run("b", ["bundle", "import", w.dir.file("bad.bundle")])
        #expect(atPeer.status == 65 && atPeer.stderr.contains("U+0000"), "\(atPeer.status) \(atPeer.stderr)")
        // Bytes that are not UTF-8, under a checksum made to match: refused as well.
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("a.bundle"))))
        let trailerStart = original.dropLast().lastIndex(of: 0x0A)! + 1
        let batch = Array(original[..<trailerStart])
        let garbled = batch.map { $0 == 0xE5 ? 0xFF : $0 }
        let trailer = String(decoding: original[trailerStart...], as: UTF8.self).replacingOccurrences(of: SHA256.hex(batch), with: SHA256.hex(garbled))
        try Data(garbled + Array(trailer.utf8)).write(to: URL(fileURLWithPath: w.dir.file("garbled.bundle")))
        let notUTF8 = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("garbled.bundle")])
        #expect(notUTF8.status == 65, "\(notUTF8.status) \(notUTF8.stderr)")
        #expect(w.run("b", ["bundle", "import", w.dir.file("garbled.bundle")]).status == 65)
        #expect(w.run("b", ["show", id]).status == 66, "part of a refused bundle was applied")
        #expect(try Bulk.changeCount(hub: w.hubDB, origin: w.dir.file("a/replica.sqlite")).hub == 0)
    }

    // MARK: Reading outputs

    /// The cells of a CSV file (RFC 4180 quoting), every row's together.
    static func csvCells(_ text: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, previous: Character?
        for c in text.replacingOccurrences(of: "\u{FEFF}", with: "") {
            if quoted {
                if c == "\"" { quoted = false } else { cell.append(c) }
            } else if c == "\"" {
                if previous == "\"" { cell.append("\"") }
                quoted = true
            } else if c == "," || c == "\n" || c == "\r\n" {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(c)
            }
            previous = c
        }
        if !cell.isEmpty { cells.append(cell) }
        return cells
    }

    static func unescapedPipes(_ row: Substring) -> Int {
        var count = 0, escaped = false
        for c in row {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "|" { count += 1 }
        }
        return count
    }
}
