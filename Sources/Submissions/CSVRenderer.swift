/// CSV for scripts (RFC 4180): one row of column labels, then one row per record — nothing
/// above or below, so `csv.DictReader` and friends read it as it is. UTF-8 without a byte-order
/// mark (which would become part of the first label), CRLF line ends. People get the `.xlsx`,
/// which carries the title, header and footer lines and the checks.
enum CSVRenderer {
    static func render(_ table: CompiledTable) -> [UInt8] {
        let lines = [table.columns] + table.rows
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(64) { $0 + $1.reduce(4) { $0 + $1.utf8.count + 3 } })
        for line in lines {
            for (i, field) in line.enumerated() {
                if i > 0 { out.append(0x2C) }
                append(field, to: &out)
            }
            out.append(0x0D)
            out.append(0x0A)
        }
        return out
    }

    /// Appends a field, quoted when it holds a comma, a quote or a line break (its quotes doubled).
    static func append(_ field: String, to out: inout [UInt8]) {
        var field = neutralized(field)
        field.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(0x22)
            for b in bytes {
                if b == 0x22 { out.append(0x22) }
                out.append(b)
            }
            out.append(0x22)
        }
    }

    /// The cell as a spreadsheet must show it: Excel and WPS run a cell that begins with `=`, `+`,
    /// `-` or `@` (or a tab or CR before one) as a formula, so a 项目名称 like `=HYPERLINK(…)` would
    /// act on the official who opens the file. A leading `'` makes it text (OWASP's advice).
    /// Only the CSV changes: the table, its hash and every other format keep the value verbatim.
    static func neutralized(_ field: String) -> String {
        guard let first = field.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first) else {
            return field
        }
        return "'" + field
    }
}
