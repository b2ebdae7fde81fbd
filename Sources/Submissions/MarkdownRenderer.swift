/// A Markdown table for reading in a terminal or a wiki.
enum MarkdownRenderer {
    static func render(_ table: CompiledTable) -> String {
        var out = "# \(table.table) \(table.title)\n\n"
        if !table.header.isEmpty { out += table.header.map { "\($0.label)：\($0.value)" }.joined(separator: "　") + "\n\n" }
        out += "| " + table.columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + table.columns.map { _ in " --- |" }.joined() + "\n"
        for row in table.rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        out += "\n"
        for line in table.footer { out += "\(line.label)：\(line.value)\n\n" }
        if let note = table.note { out += "\(note)\n\n" }
        for line in table.provenance { out += "\(line.label)：`\(line.value)`\n\n" }
        return out
    }

    /// Pipes and line breaks would end the cell: escape them. A `<` or `&` would start HTML in a
    /// viewer that renders it (a 项目名称 of `<img onerror=…>`): backslash-escaped, they are text.
    static func cell(_ text: String) -> String {
        text.replacingAll(["\\"], with: "\\\\").replacingAll(["|"], with: "\\|").replacingAll(["<"], with: "\\<").replacingAll(["&"], with: "\\&")
            .replacingAll(["\r\n", "\n", "\r"], with: "<br>")
    }
}
