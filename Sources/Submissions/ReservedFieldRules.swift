import Messages
import Replication

/// What may be written into a form record's reserved fields (names beginning with `_`): its
/// identity once, at creation; each workflow entry in its own field, naming its real writer.
/// Judged on the change's content, so a raw client cannot write a review "by" another city.
public enum ReservedFieldRules {
    public static func check(_ change: Change, actor: Actor) -> Decision {
        guard RetireRule.isReserved(change.field) else { return .allowed }
        func refuse(_ reason: String) -> Decision { .refused(code: "malformed_entry", reason: "\(change.field): \(reason)") }
        if change.field.hasPrefix(ReplicaStore.fileFieldPrefix), change.collection == Workspace.Collection.submissions {
            guard change.op == .set else { return refuse(Message.rfFileRegister.text(change.op.rawValue)) }
            return Attachment.problem(field: change.field, value: change.value).map { .refused(code: "bad_file", reason: "\(change.field): \($0)") } ?? .allowed
        }
        guard change.collection == Workspace.Collection.submissions, WorkflowField.all.contains(change.field) else {
            return .refused(code: "unknown_field", reason: Message.rfUnknownField.text(change.field, change.collection, WorkflowField.all.sorted().joined(separator: ", ")))
        }
        guard change.op == .set else { return refuse(Message.rfRegister.text(change.op.rawValue)) }
        switch change.field {
        case WorkflowField.received, WorkflowField.contact:
            return .refused(code: "hub_only", reason: Message.rfHubOnly.text(change.field))
        case WorkflowField.unit, WorkflowField.call, WorkflowField.form:
            guard case .text(let text)? = change.value, !text.isEmpty else { return refuse(Message.rfText.text()) }
            return .allowed
        case WorkflowField.template:
            guard case .int? = change.value else { return refuse(Message.rfInteger.text()) }
            return .allowed
        case WorkflowField.partners:
            return JointRecord.isWellFormed(change.value) ? .allowed : refuse(Message.rfPartners.text())
        default:
            break
        }
        guard let entry = WorkflowEntry(change.value) else {
            return refuse(Message.rfEntry.text())
        }
        let fits: Bool = switch change.field {
        case WorkflowField.submission: entry.action == .submit
        case WorkflowField.review: entry.action == .recommend || entry.action == .return
        case WorkflowField.concluded: entry.action == .conclude
        default: entry.action == .select || entry.action == .reject
        }
        guard fits else { return refuse(Message.rfMisplaced.text(entry.action.rawValue, change.field)) }
        guard entry.by == actor.org else {
            return .refused(code: "wrong_author", reason: Message.rfWrongAuthor.text(change.field, entry.by, actor.org))
        }
        return .allowed
    }
}
