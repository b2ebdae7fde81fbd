import Replication
import Submissions
import SyncProtocol

/// Judges each change a replica pushes: it must come from that replica, be well formed, and be
/// allowed by the domain's permission function for the replica's organisation and role.
struct PushAuthorizer {
    let replica: ReplicaID
    let actor: Actor
    let workspace: Workspace
    let directory: Directory
    let catalog: CallCatalog
    let now: Int64
    let maxSkewMilliseconds: Int64
    /// Identity fields set earlier in the same batch, by record: a record created in this batch.
    private var batchIdentity: [String: [String: String]] = [:]

    init(replica: ReplicaID, actor: Actor, workspace: Workspace, directory: Directory, catalog: CallCatalog,
         now: Int64, maxSkewMilliseconds: Int64, batch: [Change]) {
        // A record created in this batch: its unit and call, wherever in the batch they are set.
        for change in batch where change.collection == Workspace.Collection.submissions && WorkflowField.identity.contains(change.field) {
            if let text = change.value?.text { batchIdentity[change.record, default: [:]][change.field] = text }
        }
        self.replica = replica
        self.actor = actor
        self.workspace = workspace
        self.directory = directory
        self.catalog = catalog
        self.now = now
        self.maxSkewMilliseconds = maxSkewMilliseconds
    }

    /// `nil` when the change is allowed, or the refusal.
    mutating func check(_ change: Change) -> ChangeResult? {
        func refuse(_ code: String, _ reason: String) -> ChangeResult { ChangeResult(dot: change.dot, status: .refused, code: code, reason: reason) }
        guard change.dot.replica == replica else {
            return refuse("wrong_origin", "change \(change.dot) was made by replica \(change.dot.replica.hex), not by \(replica.hex): a replica pushes only its own changes (use 'tianbao hub import' for a bundle)")
        }
        do { try change.validate() } catch { return refuse("malformed", error.description) }
        guard Workspace.Collection.all.contains(change.collection) else {
            return refuse("unknown_collection", "collection '\(change.collection)' does not exist on this hub")
        }
        if change.timestamp.wall > now + maxSkewMilliseconds {
            return refuse("clock_ahead", "change \(change.dot) is stamped \((change.timestamp.wall - now) / 1000) s ahead of the hub's clock; fix the replica's clock, then edit again")
        }

        if change.collection != Workspace.Collection.submissions {
            let action = Action.of(change, existing: nil)
            return decide(action, Permission.Target(unit: nil, status: nil, madeAt: change.timestamp.wall, call: nil), change)
        }

        let state = (try? workspace.store.record(change.record)).flatMap { $0 }
        let existing = state.flatMap(Submission.init)
        if WorkflowField.identity.contains(change.field), let stored = state?.fields[change.field]?.value,
           let value = change.value, stored != value {
            return refuse("identity_fixed", "a record's \(change.field.dropFirst()) is fixed when it is created")
        }
        // The raw fields, not a complete record: a push split into batches may have brought only
        // the unit so far.
        let unitCode = state?[WorkflowField.unit]?.text ?? batchIdentity[change.record]?[WorkflowField.unit]
        guard let unitCode else {
            return refuse("unknown_record", "record \(change.record) is not on the hub and this batch does not create it; push its first changes with it")
        }
        let callID = state?[WorkflowField.call]?.text ?? batchIdentity[change.record]?[WorkflowField.call]
        let action = Action.of(change, existing: existing)
        let everRecommended = (action == .select || action == .reject) ? ((try? workspace.everRecommended(change.record)) ?? false) : false
        let target = Permission.Target(unit: directory[unitCode], status: existing?.status, everRecommended: everRecommended,
                                       madeAt: change.timestamp.wall, call: callID.flatMap { catalog[$0] })
        return decide(action, target, change)
    }

    private func decide(_ action: Action, _ target: Permission.Target, _ change: Change) -> ChangeResult? {
        switch Permission.check(actor, action, on: target, directory: directory) {
        case .allowed: return nil
        case .refused(let code, let reason): return ChangeResult(dot: change.dot, status: .refused, code: code, reason: reason)
        }
    }
}
