import Messages
import Replication
import Submissions

/// `submit`, `recommend`, `return`, `select`, `reject`, `delete`: each checked by the domain's
/// permission function before anything is written.
enum WorkflowCommands {
    static var all: [Command] { [submit, recommend, returnCommand, select, reject, conclude, delete] }

    static let id = Argument("id", help: "The record's id.")

    static func step(_ name: String, _ abstract: String, options: [Option] = [],
                     _ body: @escaping @Sendable (Workspace, String, Invocation) throws -> String) -> Command {
        Command(name, abstract: abstract, arguments: [id], options: options) { inv in
            let workspace = try ReplicaDirectory(inv).workspace(inv)
            let id = try inv.required("id")
            let message = try body(workspace, id, inv)
            if inv.flag("json") {
                try JSONOut.print(inv.io, BulkStep.report(.submit, named: [(id, nil, nil)],
                                                          dryRun: false, written: true, selection: nil, workspace))
            } else if inv.io.isTerminal {
                inv.io.print(message)
            }
            return 0
        }
    }

    static let submit = step("submit", "Submit a record (or resubmit it after a return); every rule must hold.") { w, id, _ in
        try w.submit(id)
        return Message.submitted.text(id)
    }

    static let recommend = review(.recommend, "recommend", "Recommend submitted records of your city's units, with 审核意见.",
                                  Option("opinion", value: "TEXT", help: "审核意见 (required).", required: true)) { Message.recommended.text($0) }

    static let returnCommand = review(.return, "return", "Return submitted records to their units for revision, with 理由.",
                                      Option("reason", value: "TEXT", help: "理由 (required).", required: true)) { Message.returned.text($0) }

    static let select = review(.select, "select", "Select records into the provincial library (入库); province only.",
                               Option("note", value: "TEXT", help: "A note with the decision.")) { Message.selected.text($0) }

    static let reject = review(.reject, "reject", "Decide not to select records; province only.",
                               Option("note", value: "TEXT", help: "A note with the decision.")) { Message.rejected.text($0) }

    static let conclude = review(.conclude, "conclude", "Mark a selected project 完结 (finished); province only: its leader may then lead another.",
                                 Option("note", value: "TEXT", help: "A note, e.g. the acceptance (验收) it passed.")) { Message.concluded.text($0) }

    /// A city's or the province's step, on one record or many at once (BulkStep).
    static func review(_ step: WorkflowEntry.Action, _ name: String, _ abstract: String, _ text: Option,
                       done: @escaping @Sendable (String) -> String) -> Command {
        Command(name, abstract: abstract,
                discussion: "Give several ids, or --all (with --call and --form to narrow it) for every record this step applies to, or --ids-from FILE; --dry-run shows what would happen and writes nothing. Many records are written at once or not at all.",
                arguments: [Argument("id", help: "The records' ids.", optional: true, repeating: true)],
                options: [text] + BulkStep.options) { inv in
            let workspace = try ReplicaDirectory(inv).workspace(inv)
            let ids = inv.argumentList("id")
            let value = inv.option(text.name)
            guard ids.count == 1, !BulkStep.asked(inv) else {
                return try BulkStep.run(step, workspace, ids: ids, text: value, inv)
            }
            let id = ids[0]
            switch step {
            case .recommend: try workspace.recommend(id, opinion: value ?? "")
            case .return: try workspace.returnForRevision(id, reason: value ?? "")
            case .select: try workspace.select(id, note: value)
            case .reject: try workspace.reject(id, note: value)
            case .submit: try workspace.submit(id)
            case .conclude: try workspace.conclude(id, note: value)
            }
            let progress = step == .select ? try workspace.selectionProgress(call: workspace.submission(id).call) : nil
            BulkStep.warn(progress, inv)
            if inv.flag("json") {
                try JSONOut.print(inv.io, BulkStep.report(step, named: [(id, nil, nil)],
                                                          dryRun: false, written: true, selection: progress, workspace))
            } else if inv.io.isTerminal {
                inv.io.print(done(id))
            }
            return 0
        }
    }

    static let delete = Command("delete", abstract: "Delete a record of your unit.", arguments: [id]) { inv in
        try ReplicaDirectory(inv).workspace(inv).delete(try inv.required("id"))
        if inv.flag("json") { try JSONOut.print(inv.io, DeletedJSON(id: try inv.required("id"), deleted: true)) }
        return 0
    }

    /// What `delete --json` prints: the record is gone from this replica's lists.
    struct DeletedJSON: Encodable {
        let id: String
        let deleted: Bool
    }
}
