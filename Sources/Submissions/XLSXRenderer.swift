import GzipCodec

/// The table as an Excel workbook (Office Open XML, ECMA-376) that WPS, Excel and LibreOffice open
/// alike, laid out like the notice's attachment: the attachment label, the title across the
/// table, the header line, ruled columns with the labels repeated on every printed page, the
/// footer, the note and the lines the hub checks before stamping; A4 landscape, one page wide.
///
/// Cells are inline strings: nothing in the file is a formula, so a value such as `=HYPERLINK(…)`
/// stays text. The same table gives the same bytes (``ZipArchive`` stores, and dates nothing).
enum XLSXRenderer {
    static func render(_ table: CompiledTable) -> [UInt8] {
        ZipArchive.write([
            .init("[Content_Types].xml", Array(contentTypes.utf8)),
            .init("_rels/.rels", Array(rootRelationships.utf8)),
            .init("xl/workbook.xml", Array(workbook(table).utf8)),
            .init("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8)),
            .init("xl/styles.xml", Array(styles.utf8)),
            .init("xl/worksheets/sheet1.xml", Array(sheet(table).utf8)),
        ])
    }

    /// Cell styles, by their index in `styles.xml`'s `cellXfs`.
    enum Style: Int {
        case plain = 0, attachment, title, line, columnLabel, cell, number, provenance, note
    }

    /// The row of column labels, repeated at the top of every printed page.
    static let labelRow = 4

    static func sheet(_ table: CompiledTable) -> String {
        let width = max(1, table.columns.count)
        let last = column(width - 1)
        var rows: [String] = []
        var merges: [String] = []
        func row(_ cells: [(String, Style)], height: Double? = nil) {
            let r = rows.count + 1
            let attributes = height.map { " ht=\"\($0)\" customHeight=\"1\"" } ?? ""
            rows.append("<row r=\"\(r)\"\(attributes)>" + cells.enumerated().map { i, cell in
                "<c r=\"\(column(i))\(r)\" s=\"\(cell.1.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(cell.0))</t></is></c>"
            }.joined() + "</row>")
        }
        /// One line of text across the whole width.
        func line(_ text: String, _ style: Style, height: Double? = nil) {
            row([(text, style)] + Array(repeating: ("", style), count: width - 1), height: height)
            if width > 1 { merges.append("A\(rows.count):\(last)\(rows.count)") }
        }
        let widths = columnWidths(table)
        /// Tall enough for the most lines a cell of the row wraps into: no application can be
        /// relied on to fit wrapped rows when it opens a file.
        func height(_ values: [String]) -> Double {
            let lines = values.enumerated().map { i, value in
                Self.lines(value, width: i < widths.count ? widths[i] : 10)
            }.max() ?? 1
            return Double(max(1, lines)) * 14.25 + 4
        }
        row([(table.table, .attachment)])
        line(table.title, .title, height: 36)
        line(table.header.map { "\($0.label)：\($0.value)" }.joined(separator: "    "), .line)
        row(table.columns.map { ($0, .columnLabel) }, height: height(table.columns))
        for values in table.rows {
            row(values.enumerated().map { i, value in (value, i == 0 && table.columns.first == "序号" ? .number : .cell) }, height: height(values))
        }
        if table.rows.isEmpty { line("（无）", .cell) }
        if !table.footer.isEmpty { line(table.footer.map { "\($0.label)：\($0.value)" }.joined(separator: "    "), .line) }
        if let note = table.note { line(note, .note) }
        for provenance in table.provenance { line("\(provenance.label)：\(provenance.value)", .provenance) }

        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>\
        <dimension ref="A1:\(last)\(rows.count)"/>\
        <sheetViews><sheetView workbookViewId="0"><pane ySplit="\(labelRow)" topLeftCell="A\(labelRow + 1)" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
        <sheetFormatPr defaultRowHeight="15"/>\
        <cols>\(widths.enumerated().map { "<col min=\"\($0.offset + 1)\" max=\"\($0.offset + 1)\" width=\"\($0.element)\" customWidth=\"1\"/>" }.joined())</cols>\
        <sheetData>\(rows.joined())</sheetData>\
        \(merges.isEmpty ? "" : "<mergeCells count=\"\(merges.count)\">" + merges.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>")\
        <printOptions horizontalCentered="1"/>\
        <pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>\
        <pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>\
        <headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>\
        </worksheet>

        """
    }

    /// A width per column, in characters: the widest line of its label and values (a Chinese
    /// character counts two), at least 6, at most 40 — longer text wraps. A table narrower than an
    /// A4 landscape page is widened in proportion to fill it (about 125 characters of 11-point
    /// text between the margins); a wider one is shrunk to fit by the print setup.
    static func columnWidths(_ table: CompiledTable) -> [Int] {
        let natural = table.columns.indices.map { i in
            let texts = [table.columns[i]] + table.rows.compactMap { i < $0.count ? $0[i] : nil }
            let widest = texts.flatMap { $0.split(separator: "\n") }.map { line in
                line.unicodeScalars.reduce(0) { $0 + ($1.value < 0x2E80 ? 1 : 2) }
            }.max() ?? 0
            return min(40, max(6, widest + 2))
        }
        let total = natural.reduce(0, +)
        guard total > 0 else { return natural }
        if total < pageWidth { return natural.map { $0 * pageWidth / total } }
        // Too wide: the widest columns are narrowed first (their text wraps into taller rows) until
        // the table is at most a third wider than the page, so the print setup's shrinking to one
        // page wide keeps the text at about 8 points or more.
        let limit = pageWidth * 4 / 3
        var cap = natural.max() ?? 0
        while cap > 8 && natural.reduce(0, { $0 + min($1, cap) }) > limit { cap -= 1 }
        return natural.map { min($0, cap) }
    }

    /// The lines `text` takes in a column `width` characters wide (a Chinese character counts
    /// two; a little is left for the cell's padding).
    static func lines(_ text: String, width: Int) -> Int {
        let room = max(2, width - 1)
        return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { sum, line in
            let used = line.unicodeScalars.reduce(0) { $0 + ($1.value < 0x2E80 ? 1 : 2) }
            return sum + max(1, (used + room - 1) / room)
        }
    }

    /// Characters of 11-point text across an A4 landscape page between 0.5-inch margins.
    static let pageWidth = 125

    static func workbook(_ table: CompiledTable) -> String {
        let name = sheetName(table.table)
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="\(escape(name))" sheetId="1" r:id="rId1"/></sheets>\
        <definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'\(escape(name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")))'!$\(labelRow):$\(labelRow)</definedName></definedNames>\
        </workbook>

        """
    }

    /// A sheet's name may not hold `[]:*?/\` and is at most 31 characters.
    static func sheetName(_ text: String) -> String {
        let cleaned = String(text.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    /// Column letters: 0 → A, 25 → Z, 26 → AA.
    static func column(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }

    /// Text as XML 1.0 allows it: markup escaped, and the control characters XML cannot carry
    /// (all below U+0020 but tab, line feed and carriage return) dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let contentTypes = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
    <Default Extension="xml" ContentType="application/xml"/>\
    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
    <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
    <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
    </Types>

    """

    static let rootRelationships = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
    </Relationships>

    """

    static let workbookRelationships = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
    <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
    </Relationships>

    """

    /// Fonts as the notices print: 宋体 for text, 黑体 for the attachment label and column labels,
    /// a large 黑体 title (方正小标宋 is not on most machines), small grey text for the checks.
    static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
    <fonts count="5">\
    <font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>\
    <font><sz val="14"/><name val="黑体"/><family val="3"/><charset val="134"/></font>\
    <font><sz val="18"/><name val="黑体"/><family val="3"/><charset val="134"/></font>\
    <font><sz val="11"/><name val="黑体"/><family val="3"/><charset val="134"/></font>\
    <font><sz val="8"/><color rgb="FF444444"/><name val="宋体"/><family val="3"/><charset val="134"/></font>\
    </fonts>\
    <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
    <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
    <border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>\
    <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
    <cellXfs count="9">\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
    <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
    <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="left" vertical="center"/></xf>\
    <xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="left" vertical="top" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="left" vertical="top" wrapText="1"/></xf>\
    </cellXfs>\
    <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
    </styleSheet>

    """
}
