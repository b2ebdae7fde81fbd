/// The formats a compiled table prints in.
public enum TableFormat: String, CaseIterable, Sendable {
    case csv, md, html, json

    /// Renders `table`; equal tables give equal bytes.
    public func render(_ table: CompiledTable) -> [UInt8] {
        switch self {
        case .csv: CSVRenderer.render(table)
        case .md: Array(MarkdownRenderer.render(table).utf8)
        case .html: Array(HTMLRenderer.render(table).utf8)
        case .json: JSONRenderer.render(table)
        }
    }
}
