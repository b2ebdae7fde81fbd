import Messages
import Crypto
import Replication
import Synchronization
import SyncProtocol

/// The hub's side of the change chains (PROTOCOL.md 2.11): it verifies the head a replica signs
/// over what it pushes, signs heads of its own changes, vouches with its own key for history its
/// origin never signed, and proves to each replica the changes it sends.
extension Hub {
    /// Where `origin`'s chain stands at the hub: its last head's position and hash (the genesis
    /// hash at 0 before any).
    func chainTip(_ origin: ReplicaID, _ s: State) throws -> (seq: UInt64, hash: [UInt8]) {
        if let last = try s.store.head(of: origin, before: .max) { return (last.seq, last.hash) }
        return (0, ChangeChain.genesis(origin))
    }

    /// The leaf at `seq` from what the hub holds: the change's, a withdrawn position's, or `nil`
    /// when the hub holds neither (a hole).
    func heldLeaf(_ origin: ReplicaID, _ seq: UInt64, _ s: State) throws -> [UInt8]? {
        let dot = Dot(replica: origin, seq: seq)
        if let change = try s.store.change(dot) { return ChangeChain.leaf(change) }
        if try s.tables.isWithdrawn(origin, seq: seq) { return ChangeChain.withdrawnLeaf(dot) }
        return nil
    }

    /// Checks the head a replica signed over a push or a bundle, before anything of it is judged:
    /// from the hub's last head of that replica, through the positions the batch brings (or the hub
    /// holds, or were withdrawn), to the signed position. Returns the head to store once the batch
    /// is applied (`nil` when the batch brings nothing beyond what the hub holds), or why not.
    /// `withdrawing`: positions the same request withdraws, not yet recorded as withdrawn.
    func checkHead(_ signed: SignedPosition, base claimedBase: [UInt8]?, changes: [Change], origin: ReplicaID, key: [UInt8],
                   withdrawing: Set<UInt64> = [], _ s: State) throws -> Result<ReplicaStore.StoredHead?, Rejection> {
        let tip = try chainTip(origin, s)
        let pushed = Dictionary(changes.map { ($0.dot.seq, $0) }, uniquingKeysWith: { a, _ in a })
        let highest = changes.map(\.dot.seq).max() ?? 0
        guard signed.seq >= highest else {
            return .failure(Rejection(code: "bad_head", message: Message.hubHeadBehind.text("\(signed.seq)", "\(origin.hex)", "\(highest)")))
        }
        if let claimedBase, signed.seq > tip.seq {
            // A bundle says what it was made on: the hub's chain must agree.
            let first = changes.map(\.dot.seq).min() ?? signed.seq
            if first == tip.seq + 1, claimedBase != tip.hash {
                return .failure(Rejection(code: "bad_head", message: Message.hubHistoryDiffers.text("\(origin.hex)")))
            }
        }
        guard signed.seq > tip.seq else {
            // Nothing new to sign: every position the batch carries is one the hub signed before and
            // holds (the same change is a duplicate; another is judged as a reused dot, 2.9). A
            // position it does not hold cannot be filled by a batch whose head proves nothing.
            for change in changes where try heldLeaf(origin, change.dot.seq, s) == nil {
                return .failure(Rejection(code: "bad_head", message: Message.hubWithinSigned.text("\(change.dot)", "\(origin.hex)", "\(tip.seq)")))
            }
            return .success(nil)
        }
        var hash = tip.hash
        for seq in (tip.seq + 1)...signed.seq {
            let leaf: [UInt8]
            if let change = pushed[seq] {
                leaf = ChangeChain.leaf(change)
            } else if withdrawing.contains(seq) {
                leaf = ChangeChain.withdrawnLeaf(Dot(replica: origin, seq: seq))
            } else if let held = try heldLeaf(origin, seq, s) {
                leaf = held
            } else {
                return .failure(Rejection(code: "bad_head", message: Message.hubHeadCovers.text("\(origin.hex)", "\(seq)", "\(tip.seq + 1)")))
            }
            hash = ChangeChain.step(hash, leaf)
        }
        let head = ChangeChain.Head(origin: origin, seq: signed.seq, hash: hash, signer: origin, signature: signed.signature)
        guard head.verifies(with: key) else {
            return .failure(Rejection(code: "bad_signature", message: Message.hubHeadSignature.text("\(origin.hex)")))
        }
        return .success(ReplicaStore.StoredHead(origin: origin, seq: signed.seq, hash: hash, signer: origin, signature: signed.signature))
    }

    /// Why a batch is refused as a whole.
    struct Rejection: Error {
        let code: String
        let message: String
    }

    /// Signs, with the hub's key, a head over positions of `origin`'s chain beyond its last head
    /// that the hub itself just took in: `made`, the positions a request accepted or withdrew
    /// without a head of the replica's own (an older build's push, checked by its batch
    /// signature). It stops at the first position not in `made` — a row that appeared in the file
    /// some other way is never vouched for, and stays visible to `hub verify` as inserted.
    /// `made` nil: everything held (the once-only vouching of history from before chains).
    func vouch(for origin: ReplicaID, made: Set<UInt64>?, step: UInt64 = 500, _ s: State) throws {
        var tip = try chainTip(origin, s)
        let held = try origin == replicaID ? s.store.ownSeq : received(origin, s)
        let top = made.map { min(held, $0.max() ?? 0) } ?? held
        while tip.seq < top {
            let end = min(top, tip.seq + step)
            var hash = tip.hash
            for seq in (tip.seq + 1)...end {
                guard made?.contains(seq) ?? true, let leaf = try heldLeaf(origin, seq, s) else { return }
                hash = ChangeChain.step(hash, leaf)
            }
            let head = try ChangeChain.Head.sign(origin: origin, seq: end, hash: hash, signer: replicaID, privateKey: signingKey)
            try s.store.recordHead(ReplicaStore.StoredHead(origin: origin, seq: end, hash: hash, signer: replicaID, signature: head.signature))
            tip = (end, hash)
        }
    }

    /// What the store runs before committing changes the hub made itself: a head of the hub's own
    /// chain over exactly what this transaction made. If the last head is not where the hub's own
    /// changes stood when the transaction began, a change was put into the file in between: the
    /// new ones are left unsigned, so replicas keep them apart and `hub verify` shows the gap.
    static func sealer(hub: ReplicaID, key: [UInt8]) -> (ReplicaStore, UInt64) throws -> Void {
        { store, before in
            let last = try store.head(of: hub, before: .max)
            guard (last?.seq ?? 0) == before else { return }
            var hash = last?.hash ?? ChangeChain.genesis(hub)
            let top = store.ownSeq
            guard top > before else { return }
            for seq in (before + 1)...top {
                guard let change = try store.change(Dot(replica: hub, seq: seq)) else { return }
                hash = ChangeChain.step(hash, ChangeChain.leaf(change))
            }
            let head = try ChangeChain.Head.sign(origin: hub, seq: top, hash: hash, signer: hub, privateKey: key)
            try store.recordHead(ReplicaStore.StoredHead(origin: hub, seq: top, hash: hash, signer: hub, signature: head.signature))
        }
    }

    /// Vouches, with the hub's key, for every origin's history no head covers: for data loaded
    /// straight into the hub's store (benchmarks), never for anything a replica sent.
    public func vouchForUnsignedHistory() throws {
        try state.withLock { s in try s.store.transaction {
            for origin in try s.store.chainOrigins() { try vouch(for: origin, made: nil, s) }
        } }
    }

    /// Once, when a hub made by an older build first opens: vouches for every history it holds,
    /// and says so in the audit trail. The trail's entry, not only the marker in `meta`, is what
    /// keeps it once: a file whose marker and heads were deleted is not vouched for again.
    func vouchForHistoryBeforeChains(_ s: State) throws {
        guard try s.store.meta("hub.chains") == nil, try !s.tables.hasAudit(.chains) else { return }
        try s.store.transaction {
            var origins = 0
            for origin in try s.store.chainOrigins() where try s.store.head(of: origin, before: .max) == nil {
                try vouch(for: origin, made: nil, s)
                origins += 1
            }
            try s.store.setMeta("hub.chains", .integer(1))
            try audit(.chains, "", ["origins", String(origins)], by: "hub", s)
        }
    }

    /// Proofs for the changes of a page (PROTOCOL.md 2.11): for each interval of an origin's chain
    /// that holds a change sent, its base, the leaves of its positions not sent, and its head.
    func proofs(for changes: [Change], _ s: State) throws -> [ChainProof] {
        // Per origin, the positions carried, ascending: one walk over them, interval by interval
        // (a page is mostly runs of one origin, already in order).
        var carried: [ReplicaID: [UInt64]] = [:]
        for change in changes { carried[change.dot.replica, default: []].append(change.dot.seq) }
        var proofs: [ChainProof] = []
        for origin in carried.keys.sorted() {
            var seqs = carried[origin]!
            if zip(seqs, seqs.dropFirst()).contains(where: { $0 >= $1 }) { seqs = Array(Set(seqs)).sorted() }
            var i = 0
            while i < seqs.count {
                guard let head = try s.store.head(of: origin, covering: seqs[i]) else { i += 1; continue }   // unproven: the replica keeps it apart
                let previous = try s.store.head(of: origin, before: head.seq)
                let first = (previous?.seq ?? 0) + 1
                // A head row the file was given beyond anything the hub took in proves nothing, and
                // its interval is not walked (hub verify reports it).
                guard head.seq <= Dot.maxSeq, head.seq - first < ChangeChain.longestInterval else { i += 1; continue }
                var leaves: [[UInt8]?] = []
                for position in first...head.seq {
                    if i < seqs.count && seqs[i] == position { i += 1; continue }
                    leaves.append(try heldLeaf(origin, position, s))
                }
                proofs.append(ChainProof(origin: origin, first: first, seq: head.seq, base: previous?.hash ?? ChangeChain.genesis(origin),
                                         leaves: leaves, signer: head.signer, signature: head.signature))
            }
        }
        return proofs
    }
}
