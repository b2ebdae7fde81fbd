import Messages
import Foundation
import Replication
import Submissions
import SyncClient

/// `calls`, `new`, `edit`, `show`, `list`, `validate`, `log`.
enum DraftCommands {
    static var all: [Command] { [calls, new, edit, show, list, validate, log] }

    static let setOption = Option("set", short: "s", value: "字段=值", help: "A field by its label (or key) and its value; several choices are separated by 、 (or , ;); '@file.txt' reads the value from a file, '@@…' writes a value that begins with @. Every value is checked first: one that does not fit writes none.", repeating: true)

    static let calls = Command("calls", abstract: "List the calls this replica knows, with their forms and tables.") { inv in
        let catalog = try ReplicaDirectory(inv).workspace(inv).catalog()
        if inv.flag("json") {
            try JSONOut.print(inv.io, catalog.all.map { CallJSON($0) })
            return 0
        }
        for call in catalog.all {
            inv.io.print(Message.callLine.text(call.id, call.documentNumber, call.title, call.authority, call.deadline, call.version))
            for form in call.forms { inv.io.print(Message.callForm.text(form.id, form.attachment, form.title)) }
            for table in call.tables { inv.io.print(Message.callTable.text(table.id, table.title)) }
        }
        return 0
    }

    static let new = Command(
        "new", abstract: "Start a draft of a form; prints the new record's id.",
        discussion: "Example: tianbao new fujian-2026 application --set 项目名称=县域影像智能辅助诊断 --set 项目简介=@summary.txt",
        arguments: [Argument("call", help: "The call, e.g. fujian-2026 (see 'tianbao calls')."),
                    Argument("form", help: "The form, e.g. application, or its attachment label (附件1).")],
        options: [setOption, Option("from", value: "FILE.json", help: "Values from a JSON object of field → value.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let values = try Values.from(file: inv.option("from")) + Values.parse(inv.optionList("set"), inv)
        let id = try workspace.create(call: try inv.required("call"), form: try inv.required("form"), values: values)
        if inv.flag("json") { try JSONOut.print(inv.io, try JSONOut.record(id, workspace)) } else { inv.io.print(id) }
        return 0
    }

    static let edit = Command(
        "edit", abstract: "Change a record's answers; with no --set, opens $EDITOR on the record as a document.",
        arguments: [Argument("id", help: "The record's id.")],
        options: [setOption, Option("from", value: "FILE.json", help: "Values from a JSON object of field → value.")]
    ) { inv in
        let id = try inv.required("id")
        var values = try Values.from(file: inv.option("from")) + Values.parse(inv.optionList("set"), inv)
        if values.isEmpty { try EditorSession.requireAnEditor(inv.environment, id: id) }
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        if values.isEmpty {
            values = try EditorSession.run(workspace: workspace, id: id, environment: inv.environment)
            if values.isEmpty {
                inv.io.error(Message.noChanges.text())
                if inv.flag("json") { try JSONOut.print(inv.io, try JSONOut.record(id, workspace)) }
                return 0
            }
        }
        try workspace.edit(id, values: values)
        if inv.flag("json") {
            try JSONOut.print(inv.io, try JSONOut.record(id, workspace))
        } else if inv.io.isTerminal { inv.io.print((values.count == 1 ? Message.savedOne : Message.savedMany).text(values.count, id)) }
        return 0
    }

    static let show = Command("show", abstract: "Show a record: its answers, its workflow and any conflicts.",
                              arguments: [Argument("id", help: "The record's id.")]) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let submission = try workspace.submission(try inv.required("id"))
        let (call, form) = try workspace.template(of: submission)
        let files = try workspace.attachments(submission.id)
        if inv.flag("json") {
            try JSONOut.print(inv.io, RecordJSON.detailed(submission, form: form, call: call, own: workspace.actor.org,
                                                          standing: try workspace.deadlineStanding(submission.id), files: files))
        } else {
            inv.io.write(Render.document(submission, form: form, call: call, standing: try workspace.deadlineStanding(submission.id), files: files))
        }
        return 0
    }

    static let list = Command(
        "list", abstract: "List the form records on this replica.",
        options: [Option("call", value: "CALL", help: "Only this call."), Option("form", value: "FORM", help: "Only this form."),
                  Option("status", value: "STATUS", help: "Only this status: draft, submitted, returned, recommended, selected, notSelected.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let status = try inv.choice("status", as: Status.self) { text in Status.allCases.first { $0.chinese == text } }
        let (callID, formIDs) = try Names.callAndForms(inv, workspace)
        let own = workspace.actor.org
        if inv.flag("json") {
            let rows = try workspace.submissions(call: callID, status: status).filter { formIDs?.contains($0.form) ?? true }
            try JSONOut.print(inv.io, try rows.map { RecordJSON($0, form: try workspace.template(of: $0).1, own: own) })
            return 0
        }
        // One line per record as the records stream by, each form's template looked up once: a
        // province replica lists ten thousand records without holding them all.
        var forms: [String: (attachment: String, titleKey: String)] = [:]
        var mine = "", theirs = ""
        var counts = (mine: 0, theirs: 0)
        try workspace.forEachSubmission(call: callID, status: status) { s in
            guard formIDs?.contains(s.form) ?? true else { return }
            let formKey = s.call + "\u{1F}" + s.form
            let form: (attachment: String, titleKey: String)
            if let known = forms[formKey] { form = known } else {
                let template = try workspace.template(of: s).1
                form = (template.attachment, Render.titleKey(of: template))
                forms[formKey] = form
            }
            let conflicts = s.conflictingFields.count
            let flag = conflicts == 0 ? "" : "  [\(conflicts) conflict\(conflicts == 1 ? "" : "s")]"
            let line = "\(s.id)  \(s.call) \(form.attachment)  \(s.status.chinese)  \(s.unit)  \(s.value(form.titleKey)?.text ?? Render.untitled)\(flag)\n"
            // A hospital's list is one list, in id order.
            if s.unit == own || workspace.actor.role == .hospital { mine += line; counts.mine += 1 } else { theirs += line; counts.theirs += 1 }
        }
        if counts.mine + counts.theirs == 0 {
            inv.io.print(Message.noRecords.text())
        } else if counts.mine == 0 || counts.theirs == 0 {
            inv.io.write(mine + theirs)
        } else {
            // A commission's own records apart from what its units (or, for the province, everyone) sent it.
            inv.io.write(Message.listOwn.text(counts.mine) + "\n" + mine
                         + (workspace.actor.role == .city ? Message.listCityUnits : Message.listAllUnits).text(counts.theirs) + "\n" + theirs)
        }
        return 0
    }

    static let validate = Command("validate", abstract: "Check a record against every rule of its form and call, as submitting would.",
                                  arguments: [Argument("id", help: "The record's id.")]) { inv in
        let issues = try ReplicaDirectory(inv).workspace(inv).issues(try inv.required("id"))
        if inv.flag("json") {
            let shown = issues.map { ["field": $0.name, "key": $0.key, "problem": $0.problem, "expected": $0.expected] }
            if issues.isEmpty { try JSONOut.print(inv.io, shown); return 0 }
            throw CLIFailure(issues.map(\.description).joined(separator: "; "), hint: Message.hintValidate.text(try inv.required("id")), code: .data,
                             symbol: "invalid", result: shown)
        } else if issues.isEmpty {
            inv.io.print(Message.readyToSubmit.text())
        } else {
            for issue in issues { inv.io.print("✗ \(issue)") }
        }
        return issues.isEmpty ? 0 : ExitCode.data.rawValue
    }

    static let log = Command("log", abstract: "Show a record's history: who changed what, when, on which replica.",
                             arguments: [Argument("id", help: "The record's id.")]) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let id = try inv.required("id")
        let history = try workspace.store.history(of: id)
        guard !history.isEmpty else { throw CLIFailure(Message.noRecord.text(id), hint: Message.noRecordHint.text(), code: .noInput) }
        let template = (try? workspace.submission(id)).flatMap { try? workspace.template(of: $0) }
        let form = template?.1
        let offset = template?.0.utcOffsetHours ?? 8
        let directory = try workspace.directory()
        let hub = try SyncState(workspace.store).hubReplica()
        // Who made each change: the identity the hub enrolled for its replica (published with the
        // replica's key), not the name typed with --as, which is shown beside it as a note.
        func who(_ c: Change) -> (identity: String, unit: String, typed: String?) {
            if c.dot.replica == hub { return ("hub", directory.province?.name ?? "", c.author == "hub" ? nil : c.author) }
            let key = try? workspace.publishedKey(c.dot.replica)
            let identity = key.map { $0.label ?? "(\($0.role.rawValue) replica)" } ?? "(not yet known here)"
            let unit = key.map { directory[$0.org]?.name ?? $0.org } ?? ""
            return (identity, unit, c.author == identity ? nil : c.author)
        }
        func what(_ c: Change) -> String {
            let value = c.value.map { Render.short($0, field: c.field, offsetHours: offset) } ?? ""
            switch c.op {
            case .set: return "\(Render.fieldName(c.field, form: form)) = \(value)"
            case .add: return "\(Render.fieldName(c.field, form: form)) + \(value)"
            case .remove: return "\(Render.fieldName(c.field, form: form)) − \(value)"
            case .delete: return Message.historyDeleted.text()
            case .restore: return Message.historyRestored.text()
            }
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, history.map { c in
                let (identity, unit, typed) = who(c)
                return HistoryJSON(time: ISOTime.string(c.timestamp.wall, offsetHours: offset), enrolled: identity, unit: unit, typed: typed,
                                   replica: c.dot.replica.hex, dot: c.dot.description, field: Render.fieldName(c.field, form: form), op: c.op.rawValue,
                                   value: c.value.map { Render.short($0, field: c.field, offsetHours: offset) })
            })
            return 0
        }
        for c in history {
            let (identity, unit, typed) = who(c)
            let by = unit.isEmpty ? identity : "\(identity)（\(unit)）"
            inv.io.print("\(Format.time(c.timestamp.wall, offsetHours: offset))  \(by)  @\(c.dot.replica.hex.prefix(8))  \(what(c))\(typed.map { "  " + Message.typedAs.text($0) } ?? "")")
        }
        return 0
    }
}

/// `字段=值` pairs from the command line and from files.
enum Values {
    static func parse(_ pairs: [String], _ inv: Invocation) throws -> [(String, String)] {
        try pairs.map { pair in
            guard let equals = pair.firstIndex(of: "=") else {
                throw UsageError(Message.usageSet.text(pair), path: inv.path)
            }
            let name = String(pair[..<equals])
            var value = String(pair[pair.index(after: equals)...])
            if value.hasPrefix("@@") {
                value.removeFirst()   // @@ writes a value that begins with @
            } else if value.hasPrefix("@") {
                let file = String(value.dropFirst())
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIFailure(Message.cannotReadFor.text(file, name), hint: Message.hintCheckPath.text(), code: .noInput)
                }
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw CLIFailure(Message.valueNotUTF8.text(file, name), hint: Message.saveAsUTF8.text(), code: .data)
                }
                value = text.hasSuffix("\n") ? String(text.dropLast()) : text
            }
            return (name, value)
        }
    }

    static func from(file: String?) throws -> [(String, String)] {
        guard let file else { return [] }
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure(Message.cannotRead.text(file), code: .noInput) }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw CLIFailure(Message.notUTF8.text(file), hint: Message.saveAsUTF8.text(), code: .data)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIFailure(Message.notFieldObject.text(file), hint: Message.notFieldObjectHint.text(), code: .data)
        }
        return object.keys.sorted().map { key in
            let value = object[key]!
            if let list = value as? [Any] { return (key, list.map { "\($0)" }.joined(separator: "、")) }
            return (key, "\(value)")
        }
    }

}
