import Messages
import Foundation
import Replication
import Submissions

/// Records as people read them: the notice's labels, values as the notices print them.
enum Render {
    /// The record's name: its first text field's value.
    static func title(_ s: Submission, form: Form) -> String {
        s.value(titleKey(of: form))?.text ?? untitled
    }

    /// The field ``title(_:form:)`` reads: worked out once per form by a reader of many records.
    static func titleKey(of form: Form) -> String {
        form.fields.first { $0.key.hasSuffix("name") }?.key ?? form.fields.first?.key ?? ""
    }

    static let untitled = "（未命名）"

    static func fieldName(_ key: String, form: Form?) -> String {
        if let spec = form?.fields.first(where: { $0.key == key }) { return spec.name }
        switch key {
        case WorkflowField.submission: return "提交"
        case WorkflowField.review: return "审核"
        case WorkflowField.decision: return "遴选"
        case WorkflowField.concluded: return "完结"
        case WorkflowField.partners: return "联合申报"
        case WorkflowField.received: return "收到时间"
        case WorkflowField.contact: return "最后联系"
        case WorkflowField.call: return "征集"
        case WorkflowField.form: return "表单"
        case WorkflowField.unit: return "单位"
        case WorkflowField.template: return "模板版本"
        default: return key
        }
    }

    static func value(_ s: Submission, _ spec: FieldSpec) -> String {
        spec.type.isSet ? FieldCodec.display(elements: s.elements(spec.key), spec) : FieldCodec.display(s.value(spec.key), spec)
    }

    static func short(_ value: FieldValue, field: String = "", offsetHours: Int = 8) -> String {
        let text: String
        if field == WorkflowField.received || field == WorkflowField.contact, case .int(let ms) = value {
            text = Format.time(ms, offsetHours: offsetHours)
        } else if let entry = WorkflowEntry(value) { text = "\(entry.action.rawValue)\(entry.text.map { "「\($0)」" } ?? "") by \(entry.by)" } else { text = value.description }
        let line = text.replacingOccurrences(of: "\n", with: " ⏎ ")
        return line.count > 60 ? String(line.prefix(60)) + "…" : line
    }

    /// The record as a readable document; `tianbao edit` with no --set opens this in $EDITOR.
    static func document(_ s: Submission, form: Form, call: CallTemplate, standing: DeadlineStanding? = nil, forEditing: Bool = false,
                         files: [Workspace.HeldAttachment] = []) -> String {
        var out = ""
        if forEditing {
            out += "# \(call.id) \(form.attachment) \(form.title) — record \(s.id)\n"
            out += Message.editorInstructions.text() + "\n"
        } else {
            out += "\(form.attachment) \(form.title)\n"
            out += "记录 \(s.id) · \(call.id) · 单位 \(s.unit) · 模板版本 \(s.templateVersion) · 状态 \(s.status.chinese)\n"
            if !s.partners.isEmpty { out += Message.showPartners.text(s.partners.joined(separator: "、"), s.unit) + "\n" }
        }
        var section: String?
        for spec in form.fields {
            if spec.section != section, let next = spec.section {
                out += forEditing ? "\n# \(next)\n" : "\n【\(next)】\n"
                section = next
            }
            let text = value(s, spec)
            if text.contains("\n") {
                out += "\(spec.name): |\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n") + "\n"
            } else {
                out += "\(spec.name): \(text)\n"
            }
            if !forEditing, let register = s.record.fields[spec.key], register.isConflict {
                out += "  ⚠ 冲突: " + register.versions.enumerated().map { "[\($0.offset + 1)] \(FieldCodec.display($0.element.value, spec)) (\($0.element.author ?? "?"))" }.joined(separator: "  ") + "\n"
            }
        }
        guard !forEditing else { return out }
        if !files.isEmpty {
            out += "\n【附件】\n"
            for file in files { out += fileLine(file) + "\n" }
        }
        out += "\n【流程】\n"
        if let sub = s.workflow.submission {
            out += "提交: claimed \(Format.time(sub.at.wall, offsetHours: call.utcOffsetHours)) by \(sub.entry.by), revision \(sub.entry.revision)\n"
            // What the hub vouches for, beside the claim: when it received it, and (for a claim of
            // offline work) the replica's last contact with nothing left to push.
            if case .int(let contact)? = s.value(WorkflowField.contact) { out += Message.showLastContact.text(Format.time(contact, offsetHours: call.utcOffsetHours)) + "\n" }
            if case .int(let received)? = s.value(WorkflowField.received) { out += Message.showReceived.text(Format.time(received, offsetHours: call.utcOffsetHours)) + "\n" }
        }
        if let review = s.workflow.review {
            out += "\(review.entry.action == .recommend ? "推荐（审核意见）" : "退回（理由）"): \(review.entry.text ?? "") — \(review.entry.by), \(Format.time(review.at.wall, offsetHours: call.utcOffsetHours))\n"
        }
        if let decision = s.workflow.decision {
            out += "遴选: \(decision.entry.action == .select ? "入库" : "未入选")\(decision.entry.text.map { "（\($0)）" } ?? "") — \(Format.time(decision.at.wall, offsetHours: call.utcOffsetHours))\n"
            if s.workflow.isConcluded, let concluded = s.workflow.concluded {
                out += "完结: 已完结\(concluded.entry.text.map { "（\($0)）" } ?? "") — \(Format.time(concluded.at.wall, offsetHours: call.utcOffsetHours))\n"
            }
        }
        if case .offlineBeforeDeadline(let received)? = standing {
            out += Message.showOffline.text(Format.time(received, offsetHours: call.utcOffsetHours)) + "\n"
        }
        for note in s.workflow.notes { out += "注意: \(note)\n" }
        out += "当前修订: \(s.revision)\n"
        return out
    }

    /// One attached file: name, size, type, hash, and whether its bytes are on this replica.
    static func fileLine(_ file: Workspace.HeldAttachment) -> String {
        let a = file.attachment
        let here = file.isHere ? "在本机" : file.held > 0 ? "取回中 \(ReplicaStore.megabytes(file.held))（同步以继续）" : "未取回（同步以取回）"
        return "\(a.name)  \(ReplicaStore.megabytes(a.size))  \(a.type)  sha256 \(a.hashHex.prefix(16))…  \(here)"
    }
}

/// `tianbao edit ID` with no --set: the record as a document in $EDITOR, and what changed.
enum EditorSession {
    /// With no editor named and no person at a terminal (cron, a script), vi would wait for ever.
    static func requireAnEditor(_ environment: [String: String], id: String) throws {
        if environment["VISUAL"] == nil && environment["EDITOR"] == nil && isatty(STDIN_FILENO) != 1 {
            throw CLIFailure(Message.editNoTerminal.text(), hint: Message.editNoTerminalHint.text(id), code: .usage)
        }
    }

    static func run(workspace: Workspace, id: String, environment: [String: String]) throws -> [(String, String)] {
        try requireAnEditor(environment, id: id)
        let submission = try workspace.submission(id)
        let (call, form) = try workspace.template(of: submission)
        let original = Render.document(submission, form: form, call: call, forEditing: true)
        let file = NSTemporaryDirectory() + "tianbao-\(id).txt"
        _ = FileManager.default.createFile(atPath: file, contents: Data(original.utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let editor = environment["VISUAL"] ?? environment["EDITOR"] ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "editor", file]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIFailure(Message.editorFailed.text(editor, process.terminationStatus), code: .failure)
        }
        let edited = (try? String(contentsOfFile: file, encoding: .utf8)) ?? original
        let before = parse(original), after = parse(edited)
        return after.filter { name, value in before.first(where: { $0.0 == name })?.1 != value }
    }

    /// `name: value` lines; `name: |` starts a value continued on lines indented two spaces.
    static func parse(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
            if value == "|" {
                var block: [String] = []
                while let next = lines.first, next.hasPrefix("  ") || next.isEmpty {
                    block.append(String(next.dropFirst(min(2, next.count))))
                    lines = lines.dropFirst()
                }
                while block.last == "" { block.removeLast() }
                value = block.joined(separator: "\n")
            }
            out.append((name, value))
        }
        return out
    }
}
