import Messages
import Replication

/// Everything that must hold before a record is submitted: each field, then the call's rules.
/// All problems are reported at once.
public enum SubmitRules {
    /// The problems with `submission` under `call`, given the other records (`others`) for
    /// cross-record rules. Empty when it may be submitted.
    /// `today`, the day of submission in the call's offset, bounds dated declarations.
    /// `others` are the records of every call this replica holds, `calls` finds their templates:
    /// a leader's unfinished project may be of an earlier round.
    public static func issues(_ submission: Submission, form: Form, call: CallTemplate, others: [Submission], today: SimpleDate? = nil,
                              calls: ((String) -> CallTemplate?)? = nil) -> [FieldIssue] {
        let calls = calls ?? { $0 == call.id ? call : nil }
        var issues: [FieldIssue] = []
        for spec in form.fields {
            if spec.type.isSet {
                let elements = submission.elements(spec.key)
                if spec.required && elements.isEmpty {
                    issues.append(FieldIssue(spec, Message.issueEmpty.text(), expected: Message.issueChooseOne.text((spec.options ?? []).joined(separator: " / "))))
                }
                issues += elements.compactMap { FieldCodec.check(element: $0, spec) }
            } else {
                let value = submission.value(spec.key)
                if spec.required && (value == nil || value == .null || value?.text?.isEmpty == true) {
                    issues.append(FieldIssue(spec, Message.issueEmpty.text(), expected: Message.issueFillIn.text(spec.hint.map { "（\($0)）" } ?? "")))
                } else if let value, let issue = FieldCodec.check(value, spec) {
                    issues.append(issue)
                }
            }
            if submission.record.fields[spec.key]?.isConflict == true {
                issues.append(FieldIssue(spec, Message.issueConflict.text(), expected: Message.issueResolveFirst.text()))
            }
        }
        for rule in call.rules where rule.form == form.id {
            issues += check(rule, submission, form: form, call: call, others: others, today: today, calls: calls)
        }
        return issues
    }

    static func check(_ rule: RuleSpec, _ submission: Submission, form: Form, call: CallTemplate, others: [Submission], today: SimpleDate?,
                      calls: (String) -> CallTemplate?) -> [FieldIssue] {
        switch rule.kind {
        case .mustBe:
            guard let key = rule.field, let spec = form.fields.first(where: { $0.key == key }), let wanted = rule.value,
                  let value = submission.value(key), value != .null else { return [] }
            return FieldCodec.display(value, spec) == wanted ? [] : [FieldIssue(spec, Message.issueIs.text(FieldCodec.display(value, spec)), expected: "\(wanted)（\(rule.basis)）")]
        case .dateWithin:
            guard let key = rule.field, let spec = form.fields.first(where: { $0.key == key }),
                  let text = submission.value(key)?.text, let date = SimpleDate(text) else { return [] }
            if let issued = SimpleDate(call.issued), date < issued {
                return [FieldIssue(spec, Message.issueBeforeCall.text(text, call.issued), expected: Message.issueSignedDay.text(rule.basis))]
            }
            if let today, today < date {
                return [FieldIssue(spec, Message.issueAfterToday.text(text, today), expected: Message.issueSignedByToday.text(rule.basis))]
            }
            return []
        case .periodEndsBy:
            guard let key = rule.field, let spec = form.fields.first(where: { $0.key == key }),
                  let latest = rule.latest.flatMap({ YearMonth($0) }),
                  let text = submission.value(key)?.text, case .success(let period) = Period.parse(text) else { return [] }
            return period.end > latest
                ? [FieldIssue(spec, Message.issueEnds.text(period.end.chinese), expected: Message.issueNoLaterThan.text(latest.chinese, rule.basis))] : []
        case .requiredWhen:
            guard let key = rule.field, let spec = form.fields.first(where: { $0.key == key }),
                  let when = rule.whenField, let value = rule.whenValue else { return [] }
            let holds = submission.elements(when).contains(.text(value)) || submission.value(when) == .text(value)
            let empty = (submission.value(key)?.text ?? "").isEmpty
            return holds && empty ? [FieldIssue(spec, Message.issueEmptyWhile.text(value), expected: Message.issueSayWhy.text(rule.basis))] : []
        case .onePerPerson:
            return LeaderRule.issue(submission, rule: rule, form: form, call: call, others: others, calls: calls).map { [$0] } ?? []
        }
    }
}
