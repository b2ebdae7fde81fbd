import Messages
import Crypto
import Foundation
import Replication
import Submissions
import SyncProtocol

extension Hub {
    /// What vouches for a batch: the replica's signed head of its chain (protocol 4, bundles that
    /// carry one), a signature over the batch alone (older replicas: the hub vouches for what it
    /// accepts, as for a replica that has registered no key yet).
    enum BatchProof {
        case head(SignedPosition, base: [UInt8]?)
        case batch([UInt8]?)
    }

    /// What became of a batch offered to the hub.
    enum Acceptance {
        /// Applied (or already held), with a result per change.
        case applied([ChangeResult])
        /// Nothing applied: the refused changes with their reasons, the rest `held`.
        case refused([ChangeResult], count: Int)
        /// Nothing applied: the batch as a whole failed (its signature), with the code and why.
        case rejected(code: String, message: String)
    }

    /// The one way changes enter the hub: a network push and a bundle import both come here and
    /// meet the same rules, each run once per change: the signature over the batch, the origin,
    /// a held dot's content, the clock and the replica's stamp history, what the replica may see,
    /// then the domain's rules for what the change does (``ChangeAuthorizer``). Every change is
    /// judged before any is applied; the batch is applied whole or not at all.
    func accept(_ changes: [Change], proof: BatchProof, from principal: Principal, signatureRequired: Bool,
                workspace: Workspace, directory: Directory, catalog: CallCatalog, _ s: State) throws -> Acceptance {
        let replica = principal.replica
        let key = try s.tables.publicKey(replica)
        var head: ReplicaStore.StoredHead?
        switch proof {
        case .head(let signed, let base):
            guard let key else {
                return .rejected(code: "no_key", message: Message.hubNoKeySend.text("\(replica.hex)"))
            }
            switch try checkHead(signed, base: base, changes: changes, origin: replica, key: key, s) {
            case .success(let checked): head = checked
            case .failure(let rejection): return .rejected(code: rejection.code, message: rejection.message)
            }
        case .batch(let signature):
            guard !changes.isEmpty, key != nil || signatureRequired else { break }
            guard let key else {
                return .rejected(code: "no_key", message: Message.hubNoKeyBundle.text("\(replica.hex)"))
            }
            guard let signature else {
                return .rejected(code: "unsigned", message: Message.hubUnsigned.text("\(replica.hex)"))
            }
            guard BatchSignature.verify(signature, replica: replica, changes: changes, publicKey: key) else {
                return .rejected(code: "bad_signature", message: Message.hubBadBatchSignature.text("\(replica.hex)"))
            }
        }
        guard !changes.isEmpty else {
            if let head { try s.store.recordHead(head) }
            return .applied([])
        }

        let skew = configuration.maxClockSkewMilliseconds
        let enrolled = try s.tables.enrollment(replica)?.0.created ?? 0
        let drained = try s.tables.lastDrained(replica)
        var authorizer = ChangeAuthorizer(actor: principal.actor, workspace: workspace, directory: directory, catalog: catalog)
        var stamps: [UInt64: Timestamp] = [:]
        var outOfScope: [String: Bool] = [:]
        var weight: [String: Int] = [:]
        var results: [ChangeResult] = []
        var accepted: [CheckedChange] = []
        var refused = 0
        for change in changes {
            switch try judge(change, principal: principal, enrolled: enrolled, drained: drained, skew: skew,
                             stamps: &stamps, outOfScope: &outOfScope, weight: &weight, authorizer: &authorizer, directory: directory, s) {
            case .allowed(let checked):
                accepted.append(checked)
                results.append(ChangeResult(dot: change.dot, status: .accepted))
            case .answered(let result):
                if result.status == .refused { refused += 1 }
                results.append(result)
            }
        }
        if refused > 0 {
            metrics.changes(accepted: 0, refused: refused)
            return .refused(results.enumerated().map { i, r in r.status == .refused ? r : ChangeResult(dot: changes[i].dot, status: .held) }, count: refused)
        }
        // Submissions made before the deadline that arrive after it are accepted, and said so, in
        // the same transaction.
        var receipts: [Edit] = []
        for change in accepted.map(\.change) where change.field == WorkflowField.submission {
            if let call = try authorizer.call(of: change.record) {
                receipts += DeadlineStanding.receipt(of: change, call: call, receivedAt: now, lastContact: drained?.at)
            }
        }
        try s.store.apply(accepted, thenCommit: receipts, author: "hub")
        if let head { try s.store.recordHead(head) } else if case .batch = proof { try vouch(for: replica, made: Set(accepted.map(\.change.dot.seq)), s) }
        metrics.changes(accepted: results.filter { $0.status == .accepted }.count, refused: 0)
        return .applied(results)
    }

    /// What the hub makes of one change: new and allowed, or answered at once (a duplicate, a refusal).
    enum Judgement {
        case allowed(CheckedChange)
        case answered(ChangeResult)
    }

    /// One change's hub-level checks, the store's own (once: applying does not run them again), then
    /// the domain's. A `duplicate` when the hub holds exactly it.
    private func judge(_ change: Change, principal: Principal, enrolled: Int64, drained: (at: Int64, seq: UInt64)?, skew: Int64,
                       stamps: inout [UInt64: Timestamp], outOfScope: inout [String: Bool], weight: inout [String: Int],
                       authorizer: inout ChangeAuthorizer,
                       directory: Directory, _ s: State) throws -> Judgement {
        func refuse(_ code: String, _ reason: String) -> Judgement { .answered(ChangeResult(dot: change.dot, status: .refused, code: code, reason: reason)) }
        let replica = principal.replica
        guard change.dot.replica == replica else {
            return refuse("wrong_origin", Message.hubWrongOrigin.text("\(change.dot)", "\(change.dot.replica.hex)", "\(replica.hex)"))
        }
        // A re-sent change is a duplicate, whatever it does; a different change under a held dot
        // means two stores share one replica id.
        if let held = try s.store.change(change.dot) {
            guard held == change else {
                return refuse("dot_reused", Message.hubDotReused.text("\(change.dot)"))
            }
            stamps[change.dot.seq] = change.timestamp
            return .answered(ChangeResult(dot: change.dot, status: .duplicate))
        }
        if try s.tables.isWithdrawn(replica, seq: change.dot.seq) {
            return refuse("withdrawn_dot", Message.hubWithdrawnDot.text("\(change.dot)"))
        }
        // Listed dots name replicas the hub knows: a stranger's id would only cost the hub space.
        for dot in change.supersedes where dot.replica != replicaID && dot.replica != replica {
            guard try s.tables.isEnrolled(dot.replica) else {
                return refuse("bad_supersedes", Message.hubSupersedesUnknown.text("\(change.dot)", "\(dot)"))
            }
        }
        let wall = change.timestamp.wall
        if wall > now + skew {
            return refuse("clock_ahead", Message.hubClockAhead.text("\(change.dot)", "\((wall - now) / 1000)"))
        }
        // Stamps the replica's history makes impossible (PROTOCOL.md 2.3): before it was enrolled,
        // before its last contact with nothing left to push, or not after its previous change.
        if wall < enrolled - skew {
            return refuse("stamp_impossible", Message.hubBeforeEnrolment.text("\(change.dot)", "\(Self.date(wall))", "\(Self.date(enrolled))"))
        }
        if let drained, change.dot.seq > drained.seq, wall < drained.at - skew {
            return refuse("stamp_impossible", Message.hubOlderThanDrained.text("\(change.dot)", "\(Self.date(wall))", "\(Self.date(drained.at))"))
        }
        let previous = try stamps[change.dot.seq - 1] ?? s.store.change(Dot(replica: replica, seq: change.dot.seq - 1))?.timestamp
        if let previous, change.timestamp <= previous {
            return refuse("stamp_impossible", Message.hubNotAfterPrevious.text("\(change.dot)", "\(change.timestamp)", "\(previous)"))
        }
        if let next = try s.store.change(Dot(replica: replica, seq: change.dot.seq + 1))?.timestamp, change.timestamp >= next {
            return refuse("stamp_impossible", Message.hubNotBeforeNext.text("\(change.dot)", "\(change.timestamp)", "\(next)"))
        }
        stamps[change.dot.seq] = change.timestamp

        // A record the replica may not see is answered as one that does not exist. Judged on the
        // hub's state before the batch, once per record.
        if change.collection == Workspace.Collection.submissions {
            let hidden = try outOfScope[change.record] ?? {
                guard let scope = try s.store.record(change.record, only: ReadScope.fields), scope[WorkflowField.unit] != nil else { return false }
                return try !ReadScope.visible(scope, to: principal.actor, directory: directory) && s.tables.grant(replica, change.record) == nil
            }()
            outOfScope[change.record] = hidden
            if hidden {
                let refusal = ChangeAuthorizer.unknownRecord(change.record)
                return refuse(refusal.code, refusal.reason)
            }
        }
        // A submission claiming a time before the deadline is taken after it only within the call's
        // grace period: beyond it, a claim no contact with the hub vouches for is not believed.
        if change.field == WorkflowField.submission, let call = try authorizer.call(of: change.record),
           wall <= call.deadlineEnd, now > call.offlineGraceEnd {
            return refuse("offline_too_late", Message.hubOfflineTooLate.text("\(change.dot)", "\(call.deadline)", "\((now - call.deadlineEnd) / 3_600_000)", "\(call.offlineGraceHours ?? 72)", "\(call.authority)"))
        }
        let checked: CheckedChange
        do { checked = try s.store.check(change) } catch {
            let refusal = ChangeAuthorizer.refusal(for: error)
            return refuse(refusal.code, refusal.reason)
        }
        if let refusal = authorizer.check(checked) { return refuse(refusal.code, refusal.reason) }
        // A record's history is sent whole when it enters a replica's scope: bound it.
        if change.collection == Workspace.Collection.submissions {
            let size = try weight[change.record] ?? {
                let (bytes, count) = try s.store.historySize(of: change.record)
                return bytes + count * 256
            }()
            let added = size + Self.weight(of: change)
            guard added <= configuration.maxRecordHistoryBytes else {
                return refuse("record_too_large", Message.hubRecordTooLarge.text("\(change.record)", "\(added >> 20)", "\(configuration.maxRecordHistoryBytes >> 20)"))
            }
            weight[change.record] = added
        }
        return .allowed(checked)
    }

    static func weight(of change: Change) -> Int {
        let value = switch change.value {
        case .text(let t)?: t.utf8.count
        case .bytes(let b)?: b.count
        default: 8
        }
        return value + 256
    }

    /// A time for a refusal's reason, in UTC.
    static func date(_ milliseconds: Int64) -> String {
        CivilTime.iso8601(milliseconds: milliseconds)
    }
}
