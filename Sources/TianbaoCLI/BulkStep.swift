import Foundation
import Replication
import Submissions

/// A review step on many records in one command (`recommend --all`, `select ID ID …`,
/// `--ids-from FILE`), with a dry run: at province scale a step is taken on a hundred records, and
/// the official sees what will happen before it does. Written at once or not at all.
enum BulkStep {
    static let options: [Option] = [
        Option("all", help: "Every record on this replica the step applies to (in the status it moves on from, of a unit you may act for)."),
        Option("call", value: "CALL", help: "With --all: only records of this call."),
        Option("form", value: "FORM", help: "With --all: only records of this form (its id, 附件 label or title)."),
        Option("ids-from", value: "FILE", help: "Read ids from FILE ('-': standard input), one per line; a line not starting with a record id (a heading of 'tianbao list') is skipped."),
        Option("dry-run", help: "Show what would happen to each record; write nothing."),
    ]

    static func asked(_ inv: Invocation) -> Bool {
        inv.flag("all") || inv.option("ids-from") != nil || inv.flag("dry-run")
    }

    struct Report: Encodable {
        let step: String
        let dryRun: Bool
        let written: Bool
        let records: [StepOutcome]
        let selection: SelectionProgress?
    }

    static func run(_ step: WorkflowEntry.Action, _ workspace: Workspace, ids given: [String], text: String?, _ inv: Invocation) throws -> Int32 {
        var ids = given
        if let file = inv.option("ids-from") { ids += try readIDs(file, inv) }
        if inv.flag("all") {
            let (callID, formIDs) = try Names.callAndForms(inv, workspace)
            ids += try workspace.candidates(for: step, call: callID, form: nil).filter { id in
                formIDs.map { forms in (try? workspace.submission(id).form).map(forms.contains) ?? false } ?? true
            }
        } else if inv.option("call") != nil || inv.option("form") != nil {
            throw CLIFailure("--call and --form narrow --all", hint: "add --all, or name the records", code: .usage)
        }
        guard !ids.isEmpty else {
            if inv.flag("all") {
                if inv.io.isTerminal || inv.flag("dry-run") { inv.io.print("No record on this replica to \(step.rawValue).") }
                if inv.flag("json") { try JSONOut.print(inv.io, Report(step: step.rawValue, dryRun: inv.flag("dry-run"), written: false, records: [], selection: nil)) }
                return 0
            }
            throw CLIFailure("no record named", hint: "give ids, --ids-from FILE, or --all", code: .usage)
        }
        let dryRun = inv.flag("dry-run")
        let (outcomes, written) = try workspace.take(step, ids: ids, text: text, dryRun: dryRun)
        let refused = outcomes.filter { !$0.allowed }
        var progress: SelectionProgress?
        if step == .select, let first = outcomes.first, let call = try? workspace.submission(first.id).call {
            progress = try workspace.selectionProgress(call: call)
        }
        if written { warn(progress, inv) }
        if inv.flag("json") {
            try JSONOut.print(inv.io, Report(step: step.rawValue, dryRun: dryRun, written: written, records: outcomes, selection: progress))
        } else if dryRun || !refused.isEmpty || inv.io.isTerminal {
            let directory = try workspace.directory()
            for outcome in outcomes {
                let unit = directory[outcome.unit]?.name ?? outcome.unit
                let from = outcome.status?.chinese ?? "—"
                if let reason = outcome.reason {
                    (dryRun ? inv.io.print : inv.io.error)("  ✗ \(outcome.id)  \(unit)  \(from): \(reason.replacingOccurrences(of: "\n", with: "; "))")
                } else if dryRun || inv.io.isTerminal {
                    inv.io.print("  \(dryRun ? "would \(step.rawValue)" : "✓ \(step.rawValue)")  \(outcome.id)  \(unit)  \(from)")
                }
            }
            let allowed = outcomes.count - refused.count
            if dryRun {
                inv.io.print("Dry run: \(allowed) of \(outcomes.count) records would be \(past(step))\(refused.isEmpty ? "" : "; \(refused.count) refused, so the real run would write nothing until they are left out"). Nothing was written.")
            } else if written, inv.io.isTerminal {
                inv.io.print("\(allowed) records \(past(step)). They reach the hub with your next 'tianbao sync'.")
            }
        }
        guard refused.isEmpty else {
            if dryRun { return ExitCode.data.rawValue }
            throw CLIFailure("\(refused.count) of \(outcomes.count) records may not be \(past(step)); nothing was written",
                             hint: "leave those records out (or fix them) and run the command again; --dry-run shows each", code: .data)
        }
        return 0
    }

    static func past(_ step: WorkflowEntry.Action) -> String {
        switch step {
        case .recommend: "recommended"
        case .return: "returned"
        case .select: "selected (入库)"
        case .reject: "rejected"
        case .submit: "submitted"
        case .conclude: "marked 完结"
        }
    }

    /// Past an exact target, a warning: the province decides, the notice says how many.
    static func warn(_ progress: SelectionProgress?, _ inv: Invocation) {
        for form in progress?.forms ?? [] {
            if let warning = form.warning { inv.io.error("Warning: \(warning) (\(progress?.basis ?? ""))") }
        }
    }

    static func readIDs(_ file: String, _ inv: Invocation) throws -> [String] {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                throw CLIFailure("cannot read \(file)", hint: "check the path", code: .noInput)
            }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure("\(file) is not UTF-8 text", hint: "save it as UTF-8, one record id per line", code: .data)
        }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).first.map(String.init) ?? ""
            return RecordID.isValid(first) ? first : nil
        }
    }
}
