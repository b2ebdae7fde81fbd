import Foundation
import GzipCodec
import Testing
import TestSupport

/// The README's first command, kept true: the demo runs to a successful end and leaves its files —
/// under a Chinese locale, so the whole story is told once in Chinese (the release demo in .ci/run
/// tells it in English).
@Suite struct DemoTests {
    @Test func theDemoRunsToASuccessfulEnd() throws {
        let dir = TemporaryDirectory(prefix: "tianbao-demo")
        let script = Subprocess.buildDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/demo.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        process.environment = ["PATH": "/usr/bin:/bin", "TIANBAO_BIN": Subprocess.tianbao, "TIANBAO_DEMO_DIR": dir.file("demo"), "LANG": "zh_CN.UTF-8"]
        let log = dir.file("demo.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("every expectation held"))
        #expect(!output.contains("✗"))
        // The compiled 附件2: a flat CSV for scripts, a workbook for people.
        let csv = try Data(contentsOf: URL(fileURLWithPath: dir.file("demo/fuzhou-附件2-offline.csv")))
        #expect(String(decoding: csv, as: UTF8.self).hasPrefix("序号,项目申报单位,项目名称,应用领域\r\n1,"))
        let workbook = try ZipArchive.read(Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("demo/fuzhou-附件2.xlsx")))))
        let sheet = String(decoding: workbook.first { $0.path == "xl/worksheets/sheet1.xml" }?.bytes ?? [], as: UTF8.self)
        #expect(sheet.contains("福建省“人工智能+医疗卫生”应用场景研发项目推荐汇总表") && sheet.contains("设区市卫健委（盖章）：福州市卫生健康委员会"))
        let html = try String(contentsOfFile: dir.file("demo/fuzhou-附件2.html"), encoding: .utf8)
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<th>序号</th><th>项目申报单位</th><th>项目名称</th><th>应用领域</th>"))
        #expect(html.contains("设区市卫健委联系人：林晓"))
    }
}
