import Messages
import Foundation
import Submissions

/// How `compile` and `hub compile` write a table: the format asked for, or the one `--out`'s
/// extension names (`附件2.xlsx` is a workbook), else Markdown on a terminal and CSV for scripts.
enum TableOutput {
    static let options = [
        Option("format", value: "xlsx|csv|md|html|json",
               help: "Output format: xlsx to print and file (needs --out), html to print, csv (a flat table for scripts), md, json. Default: --out's extension, else md on a terminal and csv otherwise."),
        Option("out", value: "FILE", help: "Write to FILE instead of standard output."),
    ]

    static func format(_ inv: Invocation) throws -> TableFormat {
        let out = inv.option("out")
        let fromExtension = out.flatMap { TableFormat(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        let name = inv.option("format") ?? (inv.flag("json") ? "json" : fromExtension?.rawValue ?? (inv.io.isTerminal && out == nil ? "md" : "csv"))
        guard let format = TableFormat(rawValue: name) else {
            throw UsageError(Message.usageFormat.text(name), path: inv.path)
        }
        if format == .xlsx && out == nil {
            throw UsageError(Message.usageXLSX.text(), path: inv.path)
        }
        return format
    }

    /// Writes `table` where `inv` says; on a terminal, says what was written.
    static func write(_ table: CompiledTable, _ inv: Invocation) throws {
        let bytes = try format(inv).render(table)
        guard let out = inv.option("out") else {
            inv.io.write(String(decoding: bytes, as: UTF8.self))
            return
        }
        do { try Data(bytes).write(to: URL(fileURLWithPath: out)) } catch {
            throw CLIFailure(Message.cannotWrite.text(out, error.localizedDescription), code: .io)
        }
        if inv.io.isTerminal { inv.io.print(Message.wroteTable.text(out, table.rows.count, table.sha256)) }
    }
}
