import Foundation
import GzipCodec
import Testing
@testable import Submissions

/// A cell a spreadsheet would run as a formula is written as text in the CSV, and only there.
@Suite struct CSVInjectionTests {
    static let dangerous = [
        "=HYPERLINK(\"http://evil.example/x\",\"详情\")",
        "=cmd|' /C calc'!A0",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ]

    /// Fujian's 附件2 with one row per dangerous 项目名称.
    static func table(_ names: [String]) throws -> CompiledTable {
        let call = try #require(CallCatalog.builtIn.first { $0.id == "fujian-2026" })
        let spec = try #require(call.table("附件2"))
        let rows = names.enumerated().map { ["\($0.offset + 1)", "福州市第一医院", $0.element, "基层能力提升方向"] }
        return CompiledTable(call: call, spec: spec, unit: "fj-fuzhou", header: [], rows: rows, footer: [],
                             records: names.indices.map { SummaryTableTests.id($0 + 1) }, revisions: [], versionVector: "")
    }

    @Test func formulaCellsAreWrittenAsTextInTheCSV() throws {
        let table = try Self.table(Self.dangerous)
        let cells = Self.parseCSV(TableFormat.csv.render(table))
        let names = cells.filter { $0.count == 4 && $0[1] == "福州市第一医院" }.map { $0[2] }
        #expect(names == Self.dangerous.map { "'" + $0 })
        // Harmless cells are untouched, and so is a cell with the characters later on.
        let plain = try Self.table(["县域影像智能辅助诊断", "AI=影像+病理", "“智慧病房”-一期"])
        #expect(Self.parseCSV(TableFormat.csv.render(plain)).filter { $0.count == 4 }.dropFirst().map { $0[2] }
                == ["县域影像智能辅助诊断", "AI=影像+病理", "“智慧病房”-一期"])
    }

    @Test func theTableItsHashAndTheJSONKeepTheValueVerbatim() throws {
        let table = try Self.table(Self.dangerous)
        #expect(table.rows.map { $0[2] } == Self.dangerous)
        // The hash is of the values as entered: the same table with neutralised values differs.
        let digested = String(decoding: CompiledTable.contentDigestInput(
            call: table.call, table: table.table, title: table.title, unit: table.unit, header: table.header, columns: table.columns,
            rows: table.rows, footer: table.footer, note: table.note, records: table.records), as: UTF8.self)
        #expect(digested.contains("\"=cmd|' /C calc'!A0\""))
        #expect(!digested.contains("'="))
        #expect(try Self.table(Self.dangerous.map { "'" + $0 }).sha256 != table.sha256)
        // The workbook prints that same hash, and holds every value as text: no cell of it is a formula.
        let parts = try ZipArchive.read(TableFormat.xlsx.render(table))
        let sheet = String(decoding: try #require(parts.first { $0.path == "xl/worksheets/sheet1.xml" }).bytes, as: UTF8.self)
        #expect(sheet.contains("内容摘要（SHA-256）：\(table.sha256)"))
        #expect(!sheet.contains("<f>") && !sheet.contains("<f "))
        #expect(sheet.contains("<t xml:space=\"preserve\">=cmd|' /C calc'!A0</t>"))
        // JSON, Markdown and HTML carry the value as it is.
        let json = try JSONDecoder().decode(CompiledTable.self, from: Data(TableFormat.json.render(table)))
        #expect(json.rows == table.rows)
        #expect(json.sha256 == table.sha256)
        for format in [TableFormat.md, .html] {
            let text = String(decoding: format.render(table), as: UTF8.self)
            #expect(!text.contains("'=") && !text.contains("'+") && !text.contains("'@"), "\(format)")
        }
    }

    /// RFC 4180 as the renderer writes it (CRLF line ends, quoted fields with doubled quotes), or as
    /// LibreOffice does (LF); a BOM, if any, skipped.
    static func parseCSV(_ bytes: [UInt8]) -> [[String]] {
        let text = String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let c = pending {
            pending = scalars.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = scalars.next() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if (c == "\r" && pending == "\n") || c == "\n" {
                if c == "\r" { pending = scalars.next() }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return rows
    }
}
