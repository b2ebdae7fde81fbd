import Messages
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

    /// The step's outcomes in the shape every step prints with --json.
    static func report(_ step: WorkflowEntry.Action, _ outcomes: [StepOutcome], dryRun: Bool, written: Bool,
                       selection: SelectionProgress?, _ workspace: Workspace) -> StepJSON {
        report(step, named: outcomes.map { ($0.id, $0.code, $0.reason) }, dryRun: dryRun, written: written, selection: selection, workspace)
    }

    static func report(_ step: WorkflowEntry.Action, named outcomes: [(id: String, code: String?, reason: String?)], dryRun: Bool, written: Bool,
                       selection: SelectionProgress?, _ workspace: Workspace) -> StepJSON {
        StepJSON(step: step.rawValue, dryRun: dryRun, written: written, records: outcomes.map { outcome in
            StepJSON.Item(id: outcome.id, record: try? JSONOut.record(outcome.id, workspace),
                          refusal: outcome.code.map { RefusalJSON(dot: nil, code: $0, reason: outcome.reason ?? "") })
        }, selection: selection)
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
            throw CLIFailure(Message.bulkNarrowNeedsAll.text(), hint: Message.bulkNarrowHint.text(), code: .usage)
        }
        guard !ids.isEmpty else {
            if inv.flag("all") {
                if inv.flag("json") {
                    try JSONOut.print(inv.io, report(step, [], dryRun: inv.flag("dry-run"), written: false, selection: nil, workspace))
                } else if inv.io.isTerminal || inv.flag("dry-run") {
                    inv.io.print(Message.bulkNothingToDo.text(verb(step)))
                }
                return 0
            }
            throw CLIFailure(Message.bulkNoRecordNamed.text(), hint: Message.bulkNoRecordHint.text(), code: .usage)
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
            let report = report(step, outcomes, dryRun: dryRun, written: written, selection: progress, workspace)
            guard refused.isEmpty else {
                let message = dryRun ? Message.bulkDryRunRefused.text(outcomes.count - refused.count, outcomes.count, past(step), refused.count)
                                     : Message.bulkRefused.text(refused.count, outcomes.count, past(step))
                throw CLIFailure(message, hint: Message.bulkRefusedHint.text(), code: .data, result: report)
            }
            try JSONOut.print(inv.io, report)
        } else if dryRun || !refused.isEmpty || inv.io.isTerminal {
            let directory = try workspace.directory()
            for outcome in outcomes {
                let unit = directory[outcome.unit]?.name ?? outcome.unit
                let from = outcome.status?.chinese ?? "—"
                if let reason = outcome.reason {
                    (dryRun ? inv.io.print : inv.io.error)("  ✗ \(outcome.id)  \(unit)  \(from): \(reason.replacingOccurrences(of: "\n", with: "; "))")
                } else if dryRun || inv.io.isTerminal {
                    inv.io.print("  \((dryRun ? Message.bulkWould : Message.bulkDone).text(verb(step)))  \(outcome.id)  \(unit)  \(from)")
                }
            }
            let allowed = outcomes.count - refused.count
            if dryRun {
                inv.io.print(refused.isEmpty ? Message.bulkDryRunSummary.text(allowed, outcomes.count, past(step))
                             : Message.bulkDryRunRefused.text(allowed, outcomes.count, past(step), refused.count))
            } else if written, inv.io.isTerminal {
                inv.io.print(Message.bulkWritten.text(allowed, past(step)))
            }
        }
        guard refused.isEmpty else {
            if dryRun { return ExitCode.data.rawValue }
            throw CLIFailure(Message.bulkRefused.text(refused.count, outcomes.count, past(step)), hint: Message.bulkRefusedHint.text(), code: .data)
        }
        return 0
    }

    static func past(_ step: WorkflowEntry.Action) -> String {
        switch step {
        case .recommend: Message.pastRecommended.text()
        case .return: Message.pastReturned.text()
        case .select: Message.pastSelected.text()
        case .reject: Message.pastRejected.text()
        case .submit: Message.pastSubmitted.text()
        case .conclude: Message.pastConcluded.text()
        }
    }

    /// The step as a command names it in English (the command's own name), and as a verb in Chinese.
    static func verb(_ step: WorkflowEntry.Action) -> String {
        Language.current == .chinese ? past(step) : step.rawValue
    }

    /// Past an exact target, a warning: the province decides, the notice says how many.
    static func warn(_ progress: SelectionProgress?, _ inv: Invocation) {
        for form in progress?.forms ?? [] {
            if let warning = form.warning { inv.io.error(Message.warning.text("\(warning) (\(progress?.basis ?? ""))")) }
        }
    }

    static func readIDs(_ file: String, _ inv: Invocation) throws -> [String] {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                throw CLIFailure(Message.cannotRead.text(file), hint: Message.hintCheckPath.text(), code: .noInput)
            }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(Message.notUTF8.text(file), hint: Message.idsNotUTF8Hint.text(), code: .data)
        }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).first.map(String.init) ?? ""
            return RecordID.isValid(first) ? first : nil
        }
    }
}
