import Messages
import Crypto
import Replication
import SyncProtocol

/// Checks every change a page of the hub's reply carries against its origin's signed chain
/// (PROTOCOL.md 2.11) before any is applied: a change the hub's file altered, inserted or moved,
/// or whose interval the hub can no longer account for, is kept apart, never applied.
public struct PageVerifier {
    /// The hub's public key, as pinned when the replica was made: it signs the hub's own changes
    /// and the history it vouches for.
    public let hubKey: [UInt8]
    /// An origin's public key, from the keys the hub published (``pageHubChanges``: the hub's
    /// own changes of this page, already verified, which may publish it).
    public let keyring: (_ origin: ReplicaID, _ pageHubChanges: [Change]) -> [UInt8]?

    /// What this replica already verified, which binds what it verifies now: the head it keeps of
    /// an origin at exactly a position, and the first position the origin signed itself.
    public struct Held {
        public let head: (_ origin: ReplicaID, _ seq: UInt64) -> ReplicaStore.StoredHead?
        public let firstSelfSigned: (_ origin: ReplicaID) -> UInt64?

        public init(head: @escaping (ReplicaID, UInt64) -> ReplicaStore.StoredHead?, firstSelfSigned: @escaping (ReplicaID) -> UInt64?) {
            self.head = head
            self.firstSelfSigned = firstSelfSigned
        }

        /// As `store` keeps its heads (``ReplicaStore/heads(of:)``).
        public static func of(_ store: ReplicaStore) -> Held {
            Held(head: { origin, seq in (try? store.head(of: origin, covering: seq)).flatMap { $0?.seq == seq ? $0 : nil } },
                 firstSelfSigned: { try? store.firstSelfSignedHead(of: $0) })
        }
    }

    public let held: Held?

    public init(hubKey: [UInt8], keyring: @escaping (ReplicaID, [Change]) -> [UInt8]?, held: Held? = nil) {
        self.hubKey = hubKey
        self.keyring = keyring
        self.held = held
    }

    public struct Outcome {
        /// What verified, in the page's order.
        public var verified: [Change] = []
        /// What did not, with why.
        public var keptApart: [(change: Change, reason: String)] = []
        /// The heads that verified, with their intervals, to keep for `tianbao verify`.
        public var heads: [ReplicaStore.StoredHead] = []
    }

    /// What can be worked out of a page without any key, so it can run on another thread while
    /// the previous page is applied: every change's leaf, and each proof's chain recomputed.
    public struct Prepared: Sendable {
        let changes: [Change]
        let proofs: [ChainProof]
        /// Per origin, position to index into `changes`: no change is copied on the way.
        let byOrigin: [ReplicaID: [UInt64: Int]]
        /// Per proof, in `proofs`' order: the chain's hash at its head and the leaves it went through.
        let chains: [Result<(hash: [UInt8], leaves: [UInt8]), Failure>]
    }

    public static func prepare(_ changes: [Change], proofs: [ChainProof]) -> Prepared {
        let leaves = changes.map(ChangeChain.leaf)   // one thread: a page is prepared beside the one being applied
        var byOrigin: [ReplicaID: [UInt64: Int]] = [:]
        for (i, change) in changes.enumerated() { byOrigin[change.dot.replica, default: [:]][change.dot.seq] = i }
        let chains = proofs.map { chain($0, carried: byOrigin[$0.origin] ?? [:], leaves: leaves) }
        return Prepared(changes: changes, proofs: proofs, byOrigin: byOrigin, chains: chains)
    }

    public func verify(_ changes: [Change], proofs: [ChainProof], hub: ReplicaID) -> Outcome {
        verify(Self.prepare(changes, proofs: proofs), hub: hub)
    }

    /// Checks each prepared chain against its signer's key: one signature per proof.
    public func verify(_ page: Prepared, hub: ReplicaID) -> Outcome {
        let changes = page.changes
        var verified = [Bool](repeating: false, count: changes.count)
        var verdict: [Int: String] = [:]
        var outcome = Outcome()
        // The hub's own intervals first: they may publish the keys the others are checked with.
        let ordered = page.proofs.indices.filter { page.proofs[$0].origin == hub } + page.proofs.indices.filter { page.proofs[$0].origin != hub }
        var hubChanges: [Change]?
        for index in ordered {
            let proof = page.proofs[index]
            if proof.origin != hub && hubChanges == nil {
                hubChanges = changes.indices.filter { changes[$0].dot.replica == hub && verified[$0] }.map { changes[$0] }
            }
            let carried = page.byOrigin[proof.origin] ?? [:]
            let key: [UInt8]? = proof.signer == hub ? hubKey : proof.signer == proof.origin ? keyring(proof.origin, hubChanges ?? []) : nil
            let consistent = consistency(proof, chain: page.chains[index], hub: hub)
            switch consistent.flatMap({ check(proof, chain: page.chains[index], key: key, hub: hub) }) {
            case .success(let head):
                for seq in proof.first...proof.seq { if let i = carried[seq] { verified[i] = true } }
                outcome.heads.append(head)
            case .failure(let failure):
                for seq in proof.first...proof.seq { if let i = carried[seq] { verdict[i] = failure.reason } }
            }
        }
        if !verified.contains(false) {
            outcome.verified = changes   // the usual page: all of it verified, nothing copied
            return outcome
        }
        outcome.verified.reserveCapacity(changes.count)
        for (i, change) in changes.enumerated() {
            if verified[i] {
                outcome.verified.append(change)
            } else {
                outcome.keptApart.append((change, verdict[i] ?? Self.unproven))
            }
        }
        return outcome
    }

    static var unproven: String { Message.verifyUnproven.text() }

    /// The chain through a proof's interval: the leaves of the changes carried, the proof's own
    /// leaves for those it does not carry.
    private static func chain(_ proof: ChainProof, carried: [UInt64: Int], leaves carriedLeaves: [[UInt8]]) -> Result<(hash: [UInt8], leaves: [UInt8]), Failure> {
        guard proof.first >= 1, proof.first <= proof.seq, proof.seq - proof.first < ChangeChain.longestInterval,
              proof.seq - proof.first < UInt64(proof.leaves.count + carried.count) else {
            return .failure(Failure(Message.proofNotInterval.text(proof.origin.hex, proof.first, proof.seq)))
        }
        var hash = proof.base
        var leaves = proof.leaves.makeIterator()
        var all: [UInt8] = []
        all.reserveCapacity(Int(proof.seq - proof.first + 1) * ChangeChain.digestBytes)
        for seq in proof.first...proof.seq {
            let leaf: [UInt8]
            if let i = carried[seq] {
                leaf = carriedLeaves[i]
            } else {
                guard let next = leaves.next() else {
                    return .failure(Failure(Message.proofShort.text(proof.origin.hex, proof.first, proof.seq)))
                }
                guard let next else {
                    return .failure(Failure(Message.proofMissingChange.text(proof.origin.hex, seq, proof.first, proof.seq)))
                }
                leaf = next
            }
            all += leaf
            hash = ChangeChain.step(hash, leaf)
        }
        if leaves.next() != nil {
            return .failure(Failure(Message.proofSpare.text(proof.origin.hex, proof.first, proof.seq)))
        }
        return .success((hash, all))
    }

    /// What a proof must agree with among the heads this replica already verified, checked before
    /// any signature: an interval must start from the hash this replica knows at the position before
    /// it, and end on the hash it knows there; and once an origin signed its own chain, the hub may
    /// no longer vouch for it. So even a holder of the hub's key cannot rewrite, for this replica,
    /// history it already verified, nor sign in the name of a replica that signs for itself.
    private func consistency(_ proof: ChainProof, chain: Result<(hash: [UInt8], leaves: [UInt8]), Failure>,
                             hub: ReplicaID) -> Result<Void, Failure> {
        guard let held else { return .success(()) }
        if proof.first > 1, let before = held.head(proof.origin, proof.first - 1), before.hash != proof.base {
            return .failure(Failure(Message.proofOtherHistory.text(proof.origin.hex, proof.first, proof.seq, before.seq)))
        }
        if case .success(let computed) = chain, let same = held.head(proof.origin, proof.seq), same.hash != computed.hash {
            return .failure(Failure(Message.proofDiffers.text(proof.origin.hex, proof.first, proof.seq)))
        }
        if proof.signer == hub, proof.origin != hub, let signed = held.firstSelfSigned(proof.origin), proof.seq > signed {
            return .failure(Failure(Message.proofHubVouches.text(proof.origin.hex, proof.first, proof.seq, signed)))
        }
        return .success(())
    }

    private func check(_ proof: ChainProof, chain: Result<(hash: [UInt8], leaves: [UInt8]), Failure>, key: [UInt8]?, hub: ReplicaID) -> Result<ReplicaStore.StoredHead, Failure> {
        guard let key else {
            return .failure(Failure(proof.signer == proof.origin || proof.signer == hub
                ? Message.verifyNoKey.text(proof.origin.hex) : Message.verifyForeignSigner.text(proof.signer.hex)))
        }
        let (hash, all): ([UInt8], [UInt8])
        switch chain {
        case .failure(let failure): return .failure(failure)
        case .success(let computed): (hash, all) = computed
        }
        let head = ChangeChain.Head(origin: proof.origin, seq: proof.seq, hash: hash, signer: proof.signer, signature: proof.signature)
        guard head.verifies(with: key) else {
            return .failure(Failure(Message.verifyAltered.text(proof.origin.hex, proof.first, proof.seq)))
        }
        return .success(ReplicaStore.StoredHead(origin: proof.origin, seq: proof.seq, hash: hash, signer: proof.signer,
                                                signature: proof.signature, first: proof.first, base: proof.base, leaves: all))
    }

    struct Failure: Error, Sendable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
