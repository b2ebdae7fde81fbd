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
    func checkHead(_ signed: SignedPosition, base claimedBase: [UInt8]?, changes: [Change], origin: ReplicaID, key: [UInt8],
                   _ s: State) throws -> Result<ReplicaStore.StoredHead?, Rejection> {
        let tip = try chainTip(origin, s)
        let pushed = Dictionary(changes.map { ($0.dot.seq, $0) }, uniquingKeysWith: { a, _ in a })
        let highest = changes.map(\.dot.seq).max() ?? 0
        guard signed.seq >= highest else {
            return .failure(Rejection(code: "bad_head", message: "the batch's head is at \(signed.seq) but it carries change \(origin.hex):\(highest); sign the head after the last change sent"))
        }
        if let claimedBase, signed.seq > tip.seq {
            // A bundle says what it was made on: the hub's chain must agree.
            let first = changes.map(\.dot.seq).min() ?? signed.seq
            if first == tip.seq + 1, claimedBase != tip.hash {
                return .failure(Rejection(code: "bad_head", message: "the bundle was made on a history of replica \(origin.hex) that differs from the hub's: two copies of the replica have been at work; enrol a new replica"))
            }
        }
        guard signed.seq > tip.seq else { return .success(nil) }
        var hash = tip.hash
        for seq in (tip.seq + 1)...signed.seq {
            let leaf: [UInt8]
            if let change = pushed[seq] {
                leaf = ChangeChain.leaf(change)
            } else if let held = try heldLeaf(origin, seq, s) {
                leaf = held
            } else {
                return .failure(Rejection(code: "bad_head", message: "the batch's head covers \(origin.hex):\(seq), which the batch does not carry, the hub does not hold and was not withdrawn; send the changes from \(tip.seq + 1) on"))
            }
            hash = ChangeChain.step(hash, leaf)
        }
        let head = ChangeChain.Head(origin: origin, seq: signed.seq, hash: hash, signer: origin, signature: signed.signature)
        guard head.verifies(with: key) else {
            return .failure(Rejection(code: "bad_signature", message: "the batch's signed head does not verify with replica \(origin.hex)'s key: a change was altered, left out or added on the way, or the batch was not made by that replica; nothing was applied"))
        }
        return .success(ReplicaStore.StoredHead(origin: origin, seq: signed.seq, hash: hash, signer: origin, signature: signed.signature))
    }

    /// Why a batch is refused as a whole.
    struct Rejection: Error {
        let code: String
        let message: String
    }

    /// Signs, with the hub's key, a head over `origin`'s history the hub holds beyond its last
    /// head: the hub's own changes as it makes them, and what a replica of an older build pushed
    /// unsigned. Stops at a hole (a position neither held nor withdrawn); `step` bounds an interval.
    func vouch(for origin: ReplicaID, step: UInt64 = 500, _ s: State) throws {
        var tip = try chainTip(origin, s)
        let top = try origin == replicaID ? s.store.ownSeq : received(origin, s)
        while tip.seq < top {
            let end = min(top, tip.seq + step)
            var hash = tip.hash
            for seq in (tip.seq + 1)...end {
                guard let leaf = try heldLeaf(origin, seq, s) else { return }
                hash = ChangeChain.step(hash, leaf)
            }
            let head = try ChangeChain.Head.sign(origin: origin, seq: end, hash: hash, signer: replicaID, privateKey: signingKey)
            try s.store.recordHead(ReplicaStore.StoredHead(origin: origin, seq: end, hash: hash, signer: replicaID, signature: head.signature))
            tip = (end, hash)
        }
    }

    /// What the store runs before committing changes the hub made itself: a head of the hub's own
    /// chain, signed, so nothing the hub makes goes unsigned and nothing added later is covered.
    static func sealer(hub: ReplicaID, key: [UInt8]) -> (ReplicaStore) throws -> Void {
        { store in
            let last = try store.head(of: hub, before: .max)
            var hash = last?.hash ?? ChangeChain.genesis(hub)
            let top = store.ownSeq
            guard top > last?.seq ?? 0 else { return }
            for seq in ((last?.seq ?? 0) + 1)...top {
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
            for origin in try s.store.chainOrigins() { try vouch(for: origin, s) }
        } }
    }

    /// Once, when a hub made by an older build first opens: vouches for every history it holds.
    func vouchForHistoryBeforeChains(_ s: State) throws {
        guard try s.store.meta("hub.chains") == nil else { return }
        try s.store.transaction {
            for origin in try s.store.chainOrigins() where try s.store.head(of: origin, before: .max) == nil {
                try vouch(for: origin, s)
            }
            try s.store.setMeta("hub.chains", .integer(1))
        }
    }

    /// Proofs for the changes of a page (PROTOCOL.md 2.11): for each interval of an origin's chain
    /// that holds a change sent, its base, the leaves of its positions not sent, and its head.
    func proofs(for changes: [Change], _ s: State) throws -> [ChainProof] {
        var carried: [ReplicaID: Set<UInt64>] = [:]
        for change in changes { carried[change.dot.replica, default: []].insert(change.dot.seq) }
        var proofs: [ChainProof] = []
        for origin in carried.keys.sorted() {
            let seqs = carried[origin]!
            var done = Set<UInt64>()
            for seq in seqs.sorted() where !done.contains(seq) {
                guard let head = try s.store.head(of: origin, covering: seq) else { continue }   // unproven: the replica keeps it apart
                let previous = try s.store.head(of: origin, before: head.seq)
                let first = (previous?.seq ?? 0) + 1
                var leaves: [[UInt8]?] = []
                for position in first...head.seq {
                    if seqs.contains(position) { done.insert(position); continue }
                    leaves.append(try heldLeaf(origin, position, s))
                }
                proofs.append(ChainProof(origin: origin, first: first, seq: head.seq, base: previous?.hash ?? ChangeChain.genesis(origin),
                                         leaves: leaves, signer: head.signer, signature: head.signature))
            }
        }
        return proofs
    }
}
