/// The formats a compiled table prints in.
public enum TableFormat: String, CaseIterable, Sendable {
    /// A workbook for people: laid out like the notice, to print, sign and file.
    case xlsx
    /// A flat table for scripts: one row of column labels, then the rows.
    case csv
    case md, html, json

    /// Renders `table`; equal tables give equal bytes.
    public func render(_ table: CompiledTable) -> [UInt8] {
        switch self {
        case .xlsx: XLSXRenderer.render(table)
        case .csv: CSVRenderer.render(table)
        case .md: Array(MarkdownRenderer.render(table).utf8)
        case .html: Array(HTMLRenderer.render(table).utf8)
        case .json: JSONRenderer.render(table)
        }
    }
}
