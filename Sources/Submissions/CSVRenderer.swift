/// CSV as Excel and WPS open it: UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting.
/// The layout follows the notice: title, header line, column labels, rows, footer lines.
enum CSVRenderer {
    static func render(_ table: CompiledTable) -> [UInt8] {
        var lines: [[String]] = []
        lines.append(["\(table.table) \(table.title)"])
        if !table.header.isEmpty { lines.append(table.header.map { "\($0.label)：\($0.value)" }) }
        lines.append(table.columns)
        lines += table.rows
        if !table.footer.isEmpty { lines.append(table.footer.map { "\($0.label)：\($0.value)" }) }
        if let note = table.note { lines.append([note]) }
        for line in table.provenance { lines.append(["\(line.label)：\(line.value)"]) }
        let text = lines.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// Quotes a field when it holds a comma, a quote or a line break; doubles its quotes.
    static func quote(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        var out = "\""
        for c in field.unicodeScalars {
            if c == "\"" { out.append("\"\"") } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}
