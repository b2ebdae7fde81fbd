import Messages
import Replication

/// The province's selection (入库) against the call's targets: Anhui picks 10 场景机会 and 10
/// 场景能力, Fujian 10个以上 a year. A target is a guide, not a lock: going past it is warned about,
/// never refused, because the province may decide so.
public struct SelectionProgress: Hashable, Sendable, Codable {
    public struct Form: Hashable, Sendable, Codable {
        public let form: String
        public let attachment: String
        public let title: String
        public let selected: Int
        public let target: Int
        /// The target is a floor (10个以上), not the number to pick.
        public let atLeast: Bool
        /// Selected records that are no longer the revision selected: what was picked changed since.
        public let changedSinceSelection: Int

        /// `below`, `met` or `over` (past an exact target).
        public let state: String

        init(form: String, attachment: String, title: String, selected: Int, target: Int, atLeast: Bool, changedSinceSelection: Int) {
            self.form = form
            self.attachment = attachment
            self.title = title
            self.selected = selected
            self.target = target
            self.atLeast = atLeast
            self.changedSinceSelection = changedSinceSelection
            state = selected < target ? "below" : (selected > target && !atLeast ? "over" : "met")
        }

        /// The warning to give past an exact target, or nil.
        public var warning: String? {
            guard state == "over" else { return nil }
            return Message.pastTarget.text(selected, title, target)
        }
    }

    public let call: String
    public let library: String
    public let basis: String
    public let forms: [Form]
}

/// Why a record may not be selected, beside who may select (``Permission``): a scenario its unit
/// did not agree to publish (是否同意发布及发布有效期: 不同意发布) cannot go into a library that is
/// published. Judged on the record's content, by the province's replica and by the hub.
public enum SelectionRule {
    public static func refusal(_ submission: Submission, form: Form) -> (code: String, reason: String)? {
        for spec in form.fields where spec.type == .publishConsent {
            guard let register = submission.record.fields[spec.key] else { continue }
            if register.isConflict {
                return ("consent_in_conflict", Message.consentInConflict.text(spec.label, submission.id))
            }
            if register.value.text == "不同意" {
                return ("publish_not_agreed", Message.publishNotAgreed.text(submission.id, spec.label))
            }
        }
        return nil
    }
}

extension Workspace {
    /// Progress of the province's selection against the call's targets (nil: the call sets none).
    public func selectionProgress(call callID: String) throws -> SelectionProgress? {
        let call = try call(callID)
        guard let selection = call.selection else { return nil }
        let selected = try submissions(call: call.id, status: .selected)
        let forms = selection.targets.compactMap { target -> SelectionProgress.Form? in
            guard let form = call.form(target.form) else { return nil }
            let picked = selected.filter { $0.form == form.id }
            return SelectionProgress.Form(form: form.id, attachment: form.attachment, title: form.title, selected: picked.count,
                                          target: target.count, atLeast: target.atLeast ?? false,
                                          changedSinceSelection: picked.filter { $0.workflow.decision?.entry.revision != $0.revision }.count)
        }
        return SelectionProgress(call: call.id, library: selection.library, basis: selection.basis, forms: forms)
    }
}
