import Replication

/// Judges raw changes by what they do, with the domain's rules: the hub on every push and bundle,
/// a replica on a colleague's bundle. Each change is judged against the store's state plus the
/// changes of the same batch before it, and one batch is judged before any of it is applied.
///
/// What a change does is more than the field it names: it retires what it lists in `supersedes`
/// (only what it may, ``RetireRule``, and each listed dot the store holds must be one of those),
/// and identity fields fix a record's owner for ever.
public struct ChangeAuthorizer {
    public let actor: Actor
    let workspace: Workspace
    let directory: Directory
    let catalog: CallCatalog
    /// Identity written earlier in this batch, by record.
    private var batchIdentity: [String: [String: FieldValue]] = [:]
    /// Changes judged earlier in this batch, so a later one may supersede them.
    private var batch: [Dot: Change] = [:]

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

    /// `nil` when `change` (one the store does not hold) is allowed; the refusal otherwise.
    public mutating func check(_ change: Change) -> Refusal? {
        do { try judge(change) } catch let refusal as Refusal { return refusal } catch {
            return Refusal(code: "internal", reason: "the change could not be judged: \(error)")
        }
        batch[change.dot] = change
        if WorkflowField.identity.contains(change.field), let value = change.value {
            batchIdentity[change.record, default: [:]][change.field] = value
        }
        return nil
    }

    private func judge(_ change: Change) throws {
        do { try change.validate() } catch { throw Refusal(code: "malformed", reason: error.description) }
        guard Workspace.Collection.all.contains(change.collection) else {
            throw Refusal(code: "unknown_collection", reason: "collection '\(change.collection)' does not exist here")
        }
        try require(ReservedFieldRules.check(change, actor: actor))
        try checkSupersedes(change)

        guard change.collection == Workspace.Collection.submissions else {
            return try require(Permission.check(actor, Action.of(change, existing: nil),
                                                on: Permission.Target(unit: nil, status: nil, madeAt: change.timestamp.wall, call: nil),
                                                directory: directory))
        }
        let state = try workspace.store.record(change.record)
        let identity = batchIdentity[change.record] ?? [:]
        if WorkflowField.identity.contains(change.field) {
            // Written once, by the changes that create the record: never again, not even with the same value.
            if state?.fields[change.field] != nil || identity[change.field] != nil {
                throw Refusal(code: "identity_fixed", reason: "record \(change.record)'s \(change.field.dropFirst()) was fixed when it was created; create a new record instead")
            }
        }
        // The record's owner and call: as stored, as set earlier in this batch, or set by this change.
        func fixed(_ field: String) -> String? {
            state?[field]?.text ?? identity[field]?.text ?? (change.field == field ? change.value?.text : nil)
        }
        guard let unitCode = fixed(WorkflowField.unit) else { throw Self.unknownRecord(change.record) }
        let existing = state.flatMap(Submission.init)
        let callID = fixed(WorkflowField.call)
        let action = Action.of(change, existing: existing)
        let everRecommended = (action == .select || action == .reject) ? try workspace.everRecommended(change.record) : false
        let target = Permission.Target(unit: directory[unitCode], status: existing?.status, everRecommended: everRecommended,
                                       madeAt: change.timestamp.wall, call: callID.flatMap { catalog[$0] })
        try require(Permission.check(actor, action, on: target, directory: directory))
    }

    /// A listed dot the store (or this batch) holds must be of the same record and one the change
    /// may retire. A dot not held yet is harmless: the merge rule retires it on arrival only if
    /// this change may.
    private func checkSupersedes(_ change: Change) throws {
        for dot in change.supersedes {
            guard let listed = try batch[dot] ?? workspace.store.change(dot) else { continue }
            guard listed.record == change.record else {
                throw Refusal(code: "bad_supersedes", reason: "change \(change.dot) lists \(dot), which belongs to another record")
            }
            guard RetireRule.retires(change.op, change.field, entry: listed.op, listed.field) else {
                let what = listed.op == .delete ? "a delete" : "\(listed.op.rawValue) of \(listed.field)"
                throw Refusal(code: "bad_supersedes", reason: "change \(change.dot) (\(change.op.rawValue)\(change.field.isEmpty ? "" : " of \(change.field)")) lists \(dot) (\(what)), which it may not retire: a change retires only entries of its own field (a delete: tombstones and unreserved fields; a restore: tombstones)")
            }
        }
    }

    private func require(_ decision: Decision) throws {
        if case .refused(let code, let reason) = decision { throw Refusal(code: code, reason: reason) }
    }

    /// One answer for a record that does not exist and one the writer may not see, so a refusal
    /// never tells whose a record is.
    public static func unknownRecord(_ id: String) -> Refusal {
        Refusal(code: "unknown_record", reason: "record \(id) is not one this replica can see, and this batch does not create it; push a record's first changes with it")
    }
}
