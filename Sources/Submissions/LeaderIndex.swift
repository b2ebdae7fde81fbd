import Replication

/// The form records that may name a given person as their leader (``LeaderRule``): by name, and
/// by each way to reach them. Two records name the same person only when the names match or a
/// contact does, so the records under a person's name and contacts hold every record that could
/// name them; the rule is then judged on those alone, read fresh from the store, instead of on
/// every record the store holds.
///
/// It maps keys to record ids and nothing else: it may list a record that no longer names the
/// person (the rule, judged on the record itself, sets that right), never miss one that does as
/// long as every record that changed is given to ``update(_:_:calls:)``.
final class LeaderIndex {
    private var byKey: [String: Set<String>] = [:]
    private var keysOf: [String: [String]] = [:]

    /// Indexes `record` (nil when it is gone) under the leader its own call's rule names.
    func update(_ id: String, _ record: RecordState?, calls: (String) -> CallTemplate?) {
        for key in keysOf.removeValue(forKey: id) ?? [] {
            byKey[key]?.remove(id)
            if byKey[key]?.isEmpty == true { byKey[key] = nil }
        }
        guard let record, !record.isDeleted, let submission = Submission(record), let call = calls(submission.call),
              let rule = call.rules.first(where: { $0.kind == .onePerPerson && $0.form == submission.form }),
              let person = LeaderRule.person(submission, fields: rule.fields ?? []) else { return }
        let keys = Self.keys(person)
        keysOf[id] = keys
        for key in keys { byKey[key, default: []].insert(id) }
    }

    /// The records that may name `person`, in id order (the order of ``Workspace/submissions(call:form:status:)``).
    func candidates(for person: LeaderRule.Person) -> [String] {
        var ids = Set<String>()
        for key in Self.keys(person) { ids.formUnion(byKey[key] ?? []) }
        return ids.sorted()
    }

    func removeAll() {
        byKey = [:]
        keysOf = [:]
    }

    private static func keys(_ person: LeaderRule.Person) -> [String] {
        ["n:" + person.name] + Set(person.contacts.filter { !$0.isEmpty }).map { "c:" + $0 }
    }
}
