import Messages
import Replication
import Submissions

/// `conflicts`, `resolve` and `restore`.
enum ConflictCommands {
    static var all: [Command] { [conflicts, resolve, restore] }

    static let conflicts = Command("conflicts", abstract: "List concurrent edits waiting for a person: record, field, every value with who and when.") { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        var rows: [ConflictJSON] = []
        for conflict in try workspace.store.conflicts() {
            let submission = try? workspace.submission(conflict.record)
            let form = submission.flatMap { try? workspace.template(of: $0).1 }
            switch conflict.kind {
            case .field(let key):
                let spec = form?.fields.first { $0.key == key }
                let name = Render.fieldName(key, form: form)
                if !inv.flag("json") { inv.io.print("\(conflict.record)  \(name)") }
                var versions: [ConflictJSON.Version] = []
                for (n, version) in conflict.versions.enumerated() {
                    let shown = spec.map { FieldCodec.display(version.value, $0) } ?? Render.short(version.value)
                    versions.append(.init(pick: n + 1, value: shown, author: version.author, time: ISOTime.string(version.timestamp.wall),
                                          replica: version.dot.replica.hex))
                    if !inv.flag("json") {
                        inv.io.print("  [\(n + 1)]\(n == 0 ? "*" : " ") \(shown)   — \(version.author ?? "?"), \(Format.time(version.timestamp.wall)), @\(version.dot.replica.hex.prefix(8))")
                    }
                }
                rows.append(ConflictJSON(record: conflict.record, kind: "field", field: name, versions: versions))
            case .deleteWhileEdited:
                if inv.flag("json") {
                    rows.append(ConflictJSON(record: conflict.record, kind: "deletedWhileEdited", field: nil, versions: conflict.versions.enumerated().map { n, version in
                        .init(pick: n + 1, value: nil, author: version.author, time: ISOTime.string(version.timestamp.wall), replica: version.dot.replica.hex)
                    }))
                } else {
                    inv.io.print(Message.deletedWhileEdited.text(conflict.record, conflict.versions.first?.author ?? "?"))
                }
            }
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, rows)
        } else if try workspace.store.conflicts().isEmpty {
            inv.io.print(Message.noConflicts.text())
        }
        return 0
    }

    static let resolve = Command(
        "resolve", abstract: "Settle a conflict: keep one of the values (--pick N, as numbered by 'conflicts') or write a new one.",
        arguments: [Argument("id", help: "The record's id."), Argument("field", help: "The field, by its label or key.")],
        options: [Option("pick", value: "N", help: "Keep value N."), Option("value", value: "V", help: "Write this value instead.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let id = try inv.required("id"), name = try inv.required("field")
        let submission = try workspace.submission(id)
        let (_, form) = try workspace.template(of: submission)
        guard let spec = form.field(name) else { throw DomainError.unknownField(name, form: form.title, known: form.fields.map(\.name)) }
        let value: String
        switch (inv.option("pick"), inv.option("value")) {
        case (let pick?, nil):
            let versions = submission.record.fields[spec.key]?.versions ?? []
            guard let n = Int(pick), (1...max(versions.count, 1)).contains(n), n <= versions.count else {
                throw UsageError(Message.usagePick.text(versions.count), path: inv.path)
            }
            value = storedInput(versions[n - 1].value, spec)
        case (nil, let text?):
            value = text
        default:
            throw UsageError(Message.usagePickOrValue.text(), path: inv.path)
        }
        try workspace.edit(id, values: [(spec.key, value)])
        if inv.flag("json") {
            try JSONOut.print(inv.io, try JSONOut.record(id, workspace))
        } else if inv.io.isTerminal { inv.io.print(Message.resolved.text(spec.name, id)) }
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
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        try workspace.restore(try inv.required("id"))
        if inv.flag("json") { try JSONOut.print(inv.io, try JSONOut.record(try inv.required("id"), workspace)) }
        return 0
    }
}
