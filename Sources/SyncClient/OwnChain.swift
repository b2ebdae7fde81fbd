import Replication
import SyncProtocol

/// This replica's own chain (PROTOCOL.md 2.11), as it signs it: a position it holds is its
/// change's leaf unless the hub refused that change and it was withdrawn; a position it does not
/// hold was withdrawn (the change was discarded or made again under a new number).
public enum OwnChain {
    /// What a bundle of `changes` (own, in sequence order) carries: the chain's hash before the
    /// first and the signed head after the last. Changes the hub refused are left out of it.
    public static func bundle(_ store: ReplicaStore, changes: [Change], privateKey: [UInt8]) throws -> (changes: [Change], chain: (base: [UInt8], head: SignedPosition)?) {
        let refused = Set(try SyncState(store).refusals().map(\.dot).filter { $0.replica == store.replicaID }.map(\.seq))
        let kept = changes.filter { !refused.contains($0.dot.seq) }
        guard let first = kept.first?.dot.seq, let last = kept.last?.dot.seq else { return (kept, nil) }
        let base = try hash(store, through: first - 1, withdrawn: refused)
        let top = try hash(store, through: last, withdrawn: refused)
        let head = try ChangeChain.Head.sign(origin: store.replicaID, seq: last, hash: top, signer: store.replicaID, privateKey: privateKey)
        return (kept, (base, SignedPosition(seq: last, signature: head.signature)))
    }

    /// The hash at `seq`, walking on from the last own head stored at or before it.
    static func hash(_ store: ReplicaStore, through seq: UInt64, withdrawn: Set<UInt64>) throws -> [UInt8] {
        let me = store.replicaID
        let start = try store.head(of: me, before: seq + 1)
        var hash = start?.hash ?? ChangeChain.genesis(me)
        var position = (start?.seq ?? 0) + 1
        guard position <= seq else { return hash }
        var held: [UInt64: Change] = [:]
        try store.changes(from: me, after: position - 1, batchSize: 1_000) { batch in
            for change in batch where change.dot.seq <= seq { held[change.dot.seq] = change }
        }
        while position <= seq {
            let dot = Dot(replica: me, seq: position)
            let leaf = withdrawn.contains(position) ? nil : held[position].map(ChangeChain.leaf)
            hash = ChangeChain.step(hash, leaf ?? ChangeChain.withdrawnLeaf(dot))
            position += 1
        }
        return hash
    }
}
