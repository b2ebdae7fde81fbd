import Messages
import Foundation
import Replication

/// Judges raw changes by what they do, with the domain's rules: the hub on every push and bundle,
/// a replica on a colleague's bundle. Each change is judged against the store's state plus the
/// changes of the same batch before it, and one batch is judged before any of it is applied.
///
/// What a change does is more than the field it names: it retires what it lists in `supersedes`
/// (only what it may, ``RetireRule``, and each listed dot of the record must be one of those),
/// identity fields fix a record's owner and call for ever, and they come before anything else.
public struct ChangeAuthorizer {
    public let actor: Actor
    let workspace: Workspace
    let directory: Directory
    let catalog: CallCatalog
    /// Each record's reserved fields as the store holds them, read once per batch.
    private var stored: [String: RecordState?] = [:]
    /// Identity (and partners) written earlier in this batch, by record.
    private var batchIdentity: [String: [String: FieldValue]] = [:]
    /// Records submitted earlier in this batch.
    private var batchSubmitted: Set<String> = []
    /// The province's decisions earlier in this batch, by record: a 完结 may follow its selection.
    private var batchDecisions: [String: WorkflowEntry.Action] = [:]
    /// Changes judged earlier in this batch, so a later one may supersede them.
    private var batch: [Dot: Change] = [:]
    /// Each record's files named, as the batch leaves them so far (``checkFileCount(_:)``).
    private var fileFields: [String: Set<String>] = [:]
    /// Every form record the store holds, read once per batch when a submission needs the
    /// leader rule (``checkLeader(_:call:form:)``).
    private var allSubmissions: [Submission]?
    /// The leaders of the records submitted earlier in this batch.
    private var batchLeaders: [(record: String, authority: String, person: LeaderRule.Person)] = []

    public init(actor: Actor, workspace: Workspace, directory: Directory, catalog: CallCatalog) {
        self.actor = actor
        self.workspace = workspace
        self.directory = directory
        self.catalog = catalog
    }

    public struct Refusal: Error, Equatable, Sendable {
        public let code: String
        public let reason: String
    }

    /// What a change the store's own check refused (``ReplicaStore/check(_:)``) is told.
    public static func refusal(for error: ReplicationError) -> Refusal {
        if case .unknownCollection(let name, _) = error {
            return Refusal(code: "unknown_collection", reason: Message.caCollection.text(name))
        }
        return Refusal(code: "malformed", reason: error.description)
    }

    /// `nil` when `change` (one the store does not hold, already checked by it) is allowed; the
    /// refusal otherwise.
    public mutating func check(_ checked: CheckedChange) -> Refusal? {
        let change = checked.change
        do { try judge(change) } catch let refusal as Refusal { return refusal } catch {
            return Refusal(code: "internal", reason: Message.caInternal.text("\(error)"))
        }
        batch[change.dot] = change
        if WorkflowField.identity.contains(change.field) || change.field == WorkflowField.partners, let value = change.value {
            batchIdentity[change.record, default: [:]][change.field] = value
        }
        if change.field == WorkflowField.submission { batchSubmitted.insert(change.record) }
        if change.field == WorkflowField.decision, let entry = WorkflowEntry(change.value) { batchDecisions[change.record] = entry.action }
        return nil
    }

    /// The call a record answers, as stored or as created earlier in this batch.
    public mutating func call(of record: String) throws -> CallTemplate? {
        let text = try state(record)?[WorkflowField.call]?.text ?? batchIdentity[record]?[WorkflowField.call]?.text
        return text.flatMap { catalog[$0] }
    }

    private mutating func state(_ record: String) throws -> RecordState? {
        if let known = stored[record] { return known }
        let state = try workspace.store.record(record, only: Array(WorkflowField.all))
        stored[record] = state
        return state
    }

    private mutating func judge(_ change: Change) throws {
        guard change.collection != Workspace.Collection.replicas else {
            throw Refusal(code: "hub_only", reason: Message.caKeys.text())
        }
        // A published template reaches every replica: it must load there, or it would vanish silently.
        if change.collection == Workspace.Collection.calls && change.field == "template" {
            guard let text = change.value?.text else { throw Refusal(code: "bad_template", reason: Message.caTemplate.text()) }
            do { _ = try CallTemplate.decode(Data(text.utf8)) } catch { throw Refusal(code: "bad_template", reason: "\(error)") }
        }
        // Form records have ids made offline (UUIDv7); organisations and calls derive theirs from
        // their code (UUIDv8): a form record can never squat on an organisation's id.
        let version = RecordID.version(change.record)
        guard (change.collection == Workspace.Collection.submissions) == (version == 7) else {
            throw Refusal(code: "bad_record_id", reason: change.collection == Workspace.Collection.submissions
                          ? Message.caRecordIDv7.text(change.record) : Message.caRecordIDv8.text(change.record, change.collection))
        }
        let state = try state(change.record)
        if let state, state.collection != change.collection { throw Self.unknownRecord(change.record) }
        try require(ReservedFieldRules.check(change, actor: actor))
        try checkSupersedes(change)
        try checkFileCount(change)

        guard change.collection == Workspace.Collection.submissions else {
            return try require(Permission.check(actor, Action.of(change, existing: nil),
                                                on: Permission.Target(unit: nil, status: nil, madeAt: change.timestamp.wall, call: nil),
                                                directory: directory))
        }
        let identity = batchIdentity[change.record] ?? [:]
        func fixed(_ field: String) -> FieldValue? { state?[field] ?? identity[field] }
        if WorkflowField.identity.contains(change.field) {
            // Written once, by the changes that create the record: never again, not even with the same value.
            if fixed(change.field) != nil {
                throw Refusal(code: "identity_fixed", reason: Message.caIdentityFixed.text(change.record, change.field.dropFirst()))
            }
        } else if let missing = WorkflowField.identity.sorted().first(where: { fixed($0) == nil }) {
            // Identity comes first, so every later change is judged with the record's owner and call.
            if fixed(WorkflowField.unit) == nil { throw Self.unknownRecord(change.record) }
            throw Refusal(code: "identity_first", reason: Message.caIdentityFirst.text(change.record, missing, WorkflowField.identity.sorted().joined(separator: ", ")))
        }
        guard let unitCode = (fixed(WorkflowField.unit) ?? (change.field == WorkflowField.unit ? change.value : nil))?.text else {
            throw Self.unknownRecord(change.record)
        }
        // A record's form must be one its unit files (Fujian's 申请表: 医疗卫生机构, not a city).
        if change.field == WorkflowField.form, let formID = change.value?.text, let unit = directory[unitCode],
           let callID = (fixed(WorkflowField.call) ?? (change.field == WorkflowField.call ? change.value : nil))?.text,
           let form = catalog[callID]?.form(formID), let applicants = form.applicants, !applicants.contains(unit.kind) {
            throw Refusal(code: "not_an_applicant", reason: Workspace.notAnApplicant(unit, form: form, applicants: applicants))
        }
        // A 统一社会信用代码 is the unit's own (the hub holds every unit's registration).
        if let callID = (fixed(WorkflowField.call) ?? (change.field == WorkflowField.call ? change.value : nil))?.text,
           let formID = (fixed(WorkflowField.form) ?? (change.field == WorkflowField.form ? change.value : nil))?.text,
           let spec = catalog[callID]?.form(formID)?.fields.first(where: { $0.key == change.field }), spec.type == .uscc,
           let code = change.value?.text, !code.isEmpty, let problem = directory.usccProblem(code, unit: unitCode) {
            throw Refusal(code: "uscc_not_own", reason: Message.usccNotOwn.text(spec.label, problem))
        }
        let existing = state.flatMap(Submission.init)
        let callID = (fixed(WorkflowField.call) ?? (change.field == WorkflowField.call ? change.value : nil))?.text
        let action = Action.of(change, existing: existing)
        let everRecommended = (action == .select || action == .reject) ? try workspace.everRecommended(change.record) : false
        let everSubmitted = action == .delete ? try batchSubmitted.contains(change.record) || workspace.everSubmitted(change.record) : false
        if change.field == WorkflowField.partners,
           let problem = JointRecord.problem(JointRecord.partners(change.value), owner: unitCode, directory: directory) {
            throw Refusal(code: "bad_partner", reason: "\(WorkflowField.partners): \(problem)")
        }
        // The record as this batch leaves it so far: a submission or decision earlier in the batch
        // counts, so an answer changed after it (to a leader already busy, say) is frozen as it is
        // once stored.
        var status = existing?.status
        if batchSubmitted.contains(change.record), status == nil || status == .draft || status == .returned { status = .submitted }
        if let decision = batchDecisions[change.record] { status = decision == .select ? .selected : .notSelected }
        var target = Permission.Target(unit: directory[unitCode], status: status, everRecommended: everRecommended,
                                       everSubmitted: everSubmitted, madeAt: change.timestamp.wall, call: callID.flatMap { catalog[$0] })
        target.partners = JointRecord.partners(fixed(WorkflowField.partners))
        try require(Permission.check(actor, action, on: target, directory: directory))
        if action == .submit, let call = target.call, let formID = fixed(WorkflowField.form)?.text {
            try checkLeader(change, call: call, form: formID)
        }
        // Selecting reads the record's answers (是否同意发布), not only its workflow fields.
        if action == .select, let record = try workspace.store.record(change.record), let submission = Submission(record),
           let form = catalog[submission.call]?.form(submission.form), let refusal = SelectionRule.refusal(submission, form: form) {
            throw Refusal(code: refusal.code, reason: refusal.reason)
        }
    }

    /// 牵头人项目未完结前不得再次申报, judged where every unit's records are: the hub. The leader is
    /// read as the record stands with this batch's earlier changes, and compared with every
    /// unfinished project of the same authority's calls, of any unit and round, and with the
    /// records submitted earlier in this batch.
    private mutating func checkLeader(_ change: Change, call: CallTemplate, form: String) throws {
        guard let rule = call.rules.first(where: { $0.kind == .onePerPerson && $0.form == form }) else { return }
        var values: [String: String] = [:]
        for key in rule.fields ?? [] {
            let latest = batch.values.filter { $0.record == change.record && $0.field == key && $0.op == .set }.max { $0.timestamp < $1.timestamp }
            values[key] = try latest.map { $0.value?.text ?? "" } ?? workspace.store.record(change.record)?.fields[key]?.value.text
        }
        guard let person = LeaderRule.person(fields: rule.fields ?? [], value: { values[$0] }) else { return }
        let others: [Submission]
        if let candidates = try workspace.leaderCandidates(for: person) {
            others = candidates
        } else {
            if allSubmissions == nil { allSubmissions = try workspace.submissions() }
            others = allSubmissions ?? []
        }
        let refusal = { (what: String) in
            Refusal(code: "leader_has_unfinished_project",
                    reason: Message.leaderHasProject.text(values[rule.fields?.first ?? ""] ?? person.name, what, rule.basis))
        }
        if let other = LeaderRule.unfinishedProject(of: person, excluding: change.record, authority: call.authority,
                                                   among: others, calls: catalog.lookup) {
            // Another unit's record is not named: a refusal tells what rule holds, not whose records exist.
            throw refusal(other.unit == actor.org || actor.role == .province
                          ? Message.leaderRecord.text(other.id, other.call, other.status.chinese)
                          : Message.leaderOtherUnit.text(other.call))
        }
        if let earlier = batchLeaders.first(where: { $0.record != change.record && $0.authority == call.authority && $0.person.isSame(as: person) }) {
            throw refusal(Message.leaderSameBatch.text(earlier.record))
        }
        batchLeaders.append((change.record, call.authority, person))
    }

    /// A listed dot of this record that the store (or this batch) holds must be one the change may
    /// retire; the writer's own dots must be earlier than the change (it saw only those); and two
    /// changes never retire each other. Dots of other records have no effect (PROTOCOL.md 1.3) and
    /// are not looked at, so a refusal never tells whether another record's change exists.
    private func checkSupersedes(_ change: Change) throws {
        for dot in change.supersedes {
            if dot.replica == change.dot.replica && dot.seq >= change.dot.seq {
                throw Refusal(code: "bad_supersedes", reason: Message.caSupersedesLater.text(change.dot, dot))
            }
            guard let listed = try batch[dot] ?? workspace.store.change(dot), listed.record == change.record else { continue }
            guard RetireRule.retires(change.op, change.field, entry: listed.op, listed.field) else {
                let what = listed.op == .delete ? "delete" : "\(listed.op.rawValue) \(listed.field)"
                throw Refusal(code: "bad_supersedes", reason: Message.caSupersedesOther.text(change.dot, "\(change.op.rawValue)\(change.field.isEmpty ? "" : " \(change.field)")", dot, what))
            }
            if listed.supersedes.contains(change.dot) {
                throw Refusal(code: "bad_supersedes", reason: Message.caSupersedesEachOther.text(change.dot, dot))
            }
        }
    }

    /// A record names at most ``Attachment/maxPerRecord`` files at once: counted over what the
    /// store holds and what this batch attached or detached before.
    private mutating func checkFileCount(_ change: Change) throws {
        guard ReplicaStore.fileHash(ofField: change.field) != nil else { return }
        var named = try fileFields[change.record] ?? Set((workspace.store.record(change.record)?.fields ?? [:])
            .filter { $0.key.hasPrefix(ReplicaStore.fileFieldPrefix) && $0.value.value != .null }.keys)
        if let value = change.value, value != .null { named.insert(change.field) } else { named.remove(change.field) }
        guard named.count <= Attachment.maxPerRecord else {
            throw Refusal(code: "too_many_files", reason: Message.tooManyFiles.text(change.record, named.count, Attachment.maxPerRecord))
        }
        fileFields[change.record] = named
    }

    private func require(_ decision: Decision) throws {
        if case .refused(let code, let reason) = decision { throw Refusal(code: code, reason: reason) }
    }

    /// One answer for a record that does not exist and one the writer may not see, so a refusal
    /// never tells whose a record is.
    public static func unknownRecord(_ id: String) -> Refusal {
        Refusal(code: "unknown_record", reason: Message.unknownRecord.text(id))
    }
}
