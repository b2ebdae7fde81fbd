import Foundation
import Submissions

/// `compile` and `completeness`.
enum TableCommands {
    static var all: [Command] { [compile, completeness] }

    static let compile = Command(
        "compile", abstract: "Compile a summary table (e.g. 附件2 推荐汇总表) from this replica's records, offline.",
        discussion: "The footer carries the version vector and the table's SHA-256, which the hub recomputes before it is stamped (盖章).",
        arguments: [Argument("call", help: "The call, e.g. fujian-2026."), Argument("table", help: "The table, e.g. 附件2.")],
        options: [Option("unit", value: "ORG", help: "The reporting unit (a city commission or provincial institution); province-wide without it.")]
            + TableOutput.options
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        _ = try TableOutput.format(inv)   // a wrong --format is told before any work
        let table = try workspace.compile(call: try inv.required("call"), table: try inv.required("table"), unit: inv.option("unit"))
        try TableOutput.write(table, inv)
        return 0
    }

    static let completeness = Command(
        "completeness", abstract: "Show each expected unit's counts against its quota, how far it got, and whether it is late.",
        arguments: [Argument("call", help: "The call, e.g. anhui-2023.")]
    ) { inv in
        let report = try ReplicaDirectory(inv).workspace(inv).completeness(call: try inv.required("call"))
        if inv.flag("json") { try JSONOut.print(inv.io, report); return 0 }
        let left = report.millisecondsLeft > 0 ? "\(Format.duration(report.millisecondsLeft)) left" : "deadline passed"
        inv.io.print("\(report.call): deadline \(report.deadline), \(left)")
        for unit in report.units {
            let counts = unit.forms.map { "\($0.attachment) \($0.reported)\($0.quota > 0 ? "/\($0.quota)" : "")" }.joined(separator: "  ")
            let mark = unit.quotaMet ? "✓" : (unit.late ? "✗ late" : "…")
            inv.io.print("  \(mark)  \(unit.name) (\(unit.code))  \(counts)  furthest: \(unit.furthest.rawValue)")
            for o in unit.offline {
                inv.io.print("       offline: \(o.record)  claimed \(Format.time(o.claimed))  last contact \(o.lastContact.map { Format.time($0) } ?? "unknown")  received \(Format.time(o.received))")
            }
        }
        return 0
    }
}
