import Messages
import Replication

/// 牵头人项目未完结前不得再次申报: a person leads one unfinished project at a time — across units
/// and across the rounds of the same authority's calls, not only within one hospital's round.
///
/// The rule's fields name the person: the first is the name, the others ways to reach them
/// (手机号码, 电子邮箱). Two records name the same person when the names match and any way to
/// reach them matches — another mobile number alone does not make another person — or when every
/// way to reach them matches (a name typed differently). A namesake with other contacts is
/// another person: 张伟 is not one man.
public enum LeaderRule {
    public struct Person: Hashable, Sendable {
        public let name: String
        public let contacts: [String]

        public func isSame(as other: Person) -> Bool {
            let mine = Set(contacts.filter { !$0.isEmpty })
            let theirs = Set(other.contacts.filter { !$0.isEmpty })
            if name == other.name && !mine.isDisjoint(with: theirs) { return true }
            return !mine.isEmpty && contacts == other.contacts
        }
    }

    /// The statuses in which a record is a project not finished: applied for (returned ones too,
    /// which come back), recommended, or selected and not yet marked 完结. A record not selected
    /// (未入选) is no project.
    static let unfinished: Set<Status> = [.submitted, .returned, .recommended, .selected]

    /// The person `fields` name in `submission`, or nil when the name is not given.
    public static func person(_ submission: Submission, fields: [String]) -> Person? {
        person(fields: fields) { submission.value($0)?.text }
    }

    /// The person `fields` name, each field's text given by `value`.
    public static func person(fields: [String], value: (String) -> String?) -> Person? {
        guard let nameKey = fields.first else { return nil }
        let name = normalized(value(nameKey) ?? "")
        guard !name.isEmpty else { return nil }
        return Person(name: name, contacts: fields.dropFirst().map { normalized(value($0) ?? "").lowercased() })
    }

    /// Without spaces of any width, so "黄 志强" and "黄志强" are one name.
    static func normalized(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// The unfinished project of a record among `others` whose leader is `person`: records of
    /// any call by the same authority that has this rule, other than `excluding`.
    public static func unfinishedProject(of person: Person, excluding id: String, authority: String, among others: [Submission],
                                         calls: (String) -> CallTemplate?) -> Submission? {
        others.first { other in
            guard other.id != id, unfinished.contains(other.status), !other.workflow.isConcluded,
                  let call = calls(other.call), call.authority == authority,
                  let rule = call.rules.first(where: { $0.kind == .onePerPerson && $0.form == other.form }),
                  let theirs = Self.person(other, fields: rule.fields ?? []) else { return false }
            return theirs.isSame(as: person)
        }
    }

    /// The problem with submitting `submission` under `rule`, or nil.
    public static func issue(_ submission: Submission, rule: RuleSpec, form: Form, call: CallTemplate, others: [Submission],
                             calls: (String) -> CallTemplate?) -> FieldIssue? {
        let keys = rule.fields ?? []
        guard let person = person(submission, fields: keys),
              let other = unfinishedProject(of: person, excluding: submission.id, authority: call.authority, among: others, calls: calls) else { return nil }
        let title = calls(other.call)?.form(other.form).map { otherForm in
            otherForm.fields.first { $0.type == .text && $0.key.hasSuffix("name") }.flatMap { other.value($0.key)?.text }
        } ?? nil
        let round = other.call == call.id ? "" : Message.ofRound.text(other.call)
        return FieldIssue(rule: keys.compactMap { k in form.fields.first { $0.key == k }?.name }.joined(separator: "/"),
                          Message.issueLeads.text(submission.value(keys[0])?.text ?? person.name, title ?? other.id, round, other.status.chinese),
                          expected: Message.issueLeadsExpected.text(rule.basis))
    }
}
