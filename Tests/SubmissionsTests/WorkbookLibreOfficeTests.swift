import Foundation
import GzipCodec
import Testing
import TestSupport
@testable import Submissions

/// Every table's workbook as LibreOffice reads it (`soffice --headless --convert-to csv`): the
/// title, the header line, the column labels and every cell, as compiled. Tests/run.sh installs
/// LibreOffice (Debian's `libreoffice-calc-nogui`); without it this says so and is skipped.
@Suite(.enabled(if: Office.soffice != nil, "needs LibreOffice (apt-get install libreoffice-calc-nogui; Tests/run.sh installs it)"))
struct WorkbookLibreOfficeTests {
    @Test func libreOfficeReadsEveryWorkbookCellForCell() throws {
        let anhui = try SummaryTableTests.anhuiWorld()
        let (fujian, _) = try SummaryTableTests.fujianWorld()
        let dir = TemporaryDirectory(prefix: "tianbao-xlsx")
        var tables: [(String, CompiledTable)] = []
        for (call, table, unit) in SummaryTableTests.cases {
            let workspace = call == "anhui-2023" ? anhui["ah-province"] : fujian["fj-province"]
            tables.append(("\(call)-\(table)-\(unit ?? "province")", try workspace.compile(call: call, table: table, unit: unit)))
        }
        for (name, table) in tables {
            try Data(TableFormat.xlsx.render(table)).write(to: URL(fileURLWithPath: dir.file("\(name).xlsx")))
        }
        // One LibreOffice run converts them all: starting it is most of the cost.
        let converted = Office.convert(tables.map { dir.file("\($0.0).xlsx") }, to: "csv:Text - txt - csv (StarCalc):44,34,76,1", in: dir.file("out"))
        #expect(converted.status == 0, "\(converted.stderr)")
        for (name, table) in tables {
            let csv = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/\(name).csv")))
            let rows = CSVInjectionTests.parseCSV(Array(csv))
            #expect(rows.first?.first == table.table, "\(name)")
            #expect(rows.dropFirst().first?.first == table.title, "\(name)")
            #expect(rows.dropFirst(2).first?.first == table.header.map { "\($0.label)：\($0.value)" }.joined(separator: "    "), "\(name)")
            #expect(rows.dropFirst(3).first == table.columns, "\(name)")
            let body = Array(rows.dropFirst(4).prefix(table.rows.count))
            // LibreOffice writes a cell's line breaks as it holds them: LF.
            #expect(body == table.rows.map { $0.map { $0.replacingOccurrences(of: "\r\n", with: "\n") } }, "\(name)")
            #expect(rows.contains { $0.first == "内容摘要（SHA-256）：\(table.sha256)" }, "\(name)")
        }
        if let keep = ProcessInfoLite.environment("TIANBAO_KEEP_XLSX") {
            _ = Office.convert(tables.map { dir.file("\($0.0).xlsx") }, to: "pdf", in: keep)
            for (name, _) in tables { try? FileManager.default.copyItem(atPath: dir.file("\(name).xlsx"), toPath: "\(keep)/\(name).xlsx") }
        }
    }
}

/// LibreOffice, run headless with a profile of its own (so a desktop session's does not interfere).
enum Office {
    static let soffice: String? = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func convert(_ files: [String], to filter: String, in outdir: String) -> Subprocess.Result {
        let profile = TemporaryDirectory(prefix: "tianbao-soffice")
        return Subprocess.run(["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore", "--convert-to", filter, "--outdir", outdir] + files,
                              environment: ["HOME": profile.path], timeout: 300, executable: soffice!)
    }
}
