import Replication
import SQLite
import Submissions

/// `submit`, `recommend`, `return`, `select`, `reject`, `delete`: each checked by the domain's
/// permission function before anything is written.
enum WorkflowCommands {
    static var all: [Command] { [submit, recommend, returnCommand, select, reject, delete] }

    static let id = Argument("id", help: "The record's id.")

    static func step(_ name: String, _ abstract: String, options: [Option] = [],
                     _ body: @escaping @Sendable (Workspace, String, Invocation) throws -> String) -> Command {
        Command(name, abstract: abstract, arguments: [id], options: options) { inv in
            let workspace = try ReplicaDirectory(inv).workspace(inv)
            let id = inv.argument("id")!
            let message = try body(workspace, id, inv)
            let status = try workspace.submission(id).status
            if inv.flag("json") { try JSONOut.print(inv.io, ["id": id, "status": status.rawValue]) } else if inv.io.isTerminal { inv.io.print(message) }
            return 0
        }
    }

    static let submit = step("submit", "Submit a record (or resubmit it after a return); every rule must hold.") { w, id, _ in
        try w.submit(id)
        return "Submitted \(id). It reaches the hub with your next 'tianbao sync'."
    }

    static let recommend = step("recommend", "Recommend a submitted record of your city's units, with 审核意见.",
                                options: [Option("opinion", value: "TEXT", help: "审核意见 (required).", required: true)]) { w, id, inv in
        try w.recommend(id, opinion: inv.option("opinion")!)
        return "Recommended \(id)."
    }

    static let returnCommand = step("return", "Return a submitted record to its unit for revision, with 理由.",
                                    options: [Option("reason", value: "TEXT", help: "理由 (required).", required: true)]) { w, id, inv in
        try w.returnForRevision(id, reason: inv.option("reason")!)
        return "Returned \(id) for revision."
    }

    static let select = step("select", "Select a record into the provincial library (入库); province only.",
                             options: [Option("note", value: "TEXT", help: "A note with the decision.")]) { w, id, inv in
        try w.select(id, note: inv.option("note"))
        return "Selected \(id) (入库)."
    }

    static let reject = step("reject", "Decide not to select a record; province only.",
                             options: [Option("note", value: "TEXT", help: "A note with the decision.")]) { w, id, inv in
        try w.reject(id, note: inv.option("note"))
        return "Not selected: \(id)."
    }

    static let delete = Command("delete", abstract: "Delete a record of your unit.", arguments: [id]) { inv in
        try ReplicaDirectory(inv).workspace(inv).delete(inv.argument("id")!)
        return 0
    }
}

/// `conflicts` and `resolve`.
enum ConflictCommands {
    static var all: [Command] { [conflicts, resolve, restore] }

    static let conflicts = Command("conflicts", abstract: "List concurrent edits waiting for a person: record, field, every value with who and when.") { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        var rows: [[String: String]] = []
        for conflict in try workspace.store.conflicts() {
            let submission = try? workspace.submission(conflict.record)
            let form = submission.flatMap { try? Render.template(workspace, $0).1 }
            switch conflict.kind {
            case .field(let key):
                let spec = form?.fields.first { $0.key == key }
                let name = Render.fieldName(key, form: form)
                if !inv.flag("json") { inv.io.print("\(conflict.record)  \(name)") }
                for (n, version) in conflict.versions.enumerated() {
                    let shown = spec.map { FieldCodec.display(version.value, $0) } ?? Render.short(version.value)
                    if inv.flag("json") {
                        rows.append(["record": conflict.record, "field": name, "pick": "\(n + 1)", "value": shown,
                                     "author": version.author ?? "", "time": Format.time(version.timestamp.wall), "replica": version.dot.replica.hex])
                    } else {
                        inv.io.print("  [\(n + 1)]\(n == 0 ? "*" : " ") \(shown)   — \(version.author ?? "?"), \(Format.time(version.timestamp.wall)), @\(version.dot.replica.hex.prefix(8))")
                    }
                }
            case .deleteWhileEdited:
                if inv.flag("json") {
                    rows.append(["record": conflict.record, "field": "", "pick": "", "value": "deleted while edited", "author": conflict.versions.first?.author ?? "", "time": "", "replica": ""])
                } else {
                    inv.io.print("\(conflict.record)  deleted by \(conflict.versions.first?.author ?? "?") while edited elsewhere — 'tianbao restore ID' keeps it, 'tianbao delete ID' confirms")
                }
            }
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, rows)
        } else if try workspace.store.conflicts().isEmpty {
            inv.io.print("No conflicts.")
        }
        return 0
    }

    static let resolve = Command(
        "resolve", abstract: "Settle a conflict: keep one of the values (--pick N, as numbered by 'conflicts') or write a new one.",
        arguments: [Argument("id", help: "The record's id."), Argument("field", help: "The field, by its label or key.")],
        options: [Option("pick", value: "N", help: "Keep value N."), Option("value", value: "V", help: "Write this value instead.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let id = inv.argument("id")!, name = inv.argument("field")!
        let submission = try workspace.submission(id)
        let (_, form) = try Render.template(workspace, submission)
        guard let spec = form.field(name) else { throw DomainError.unknownField(name, form: form.title, known: form.fields.map(\.name)) }
        let value: String
        switch (inv.option("pick"), inv.option("value")) {
        case (let pick?, nil):
            let versions = submission.record.fields[spec.key]?.versions ?? []
            guard let n = Int(pick), (1...max(versions.count, 1)).contains(n), n <= versions.count else {
                throw UsageError("--pick must be 1 to \(versions.count) (see 'tianbao conflicts')", path: inv.path)
            }
            value = storedInput(versions[n - 1].value, spec)
        case (nil, let text?):
            value = text
        default:
            throw UsageError("give exactly one of --pick N or --value V", path: inv.path)
        }
        try workspace.edit(id, values: [(spec.key, value)])
        if inv.io.isTerminal { inv.io.print("Resolved \(spec.name) of \(id).") }
        return 0
    }

    /// A stored value as input that parses back to it.
    static func storedInput(_ value: FieldValue, _ spec: FieldSpec) -> String {
        if value == .null { return "" }
        guard let text = value.text else { return value.description }
        if spec.type == .publishConsent, text.hasPrefix("同意|") { return "同意 " + text.dropFirst(3) }
        return text
    }
}

extension ConflictCommands {
    static let restore = Command("restore", abstract: "Keep a record that was deleted while someone edited it.",
                                 arguments: [Argument("id", help: "The record's id.")]) { inv in
        try ReplicaDirectory(inv).workspace(inv).restore(inv.argument("id")!)
        return 0
    }
}
