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

    public init(hubKey: [UInt8], keyring: @escaping (ReplicaID, [Change]) -> [UInt8]?) {
        self.hubKey = hubKey
        self.keyring = keyring
    }

    public struct Outcome {
        /// What verified, in the page's order.
        public var verified: [Change] = []
        /// What did not, with why.
        public var keptApart: [(change: Change, reason: String)] = []
        /// The heads that verified, with their intervals, to keep for `tianbao verify`.
        public var heads: [ReplicaStore.StoredHead] = []
    }

    public func verify(_ changes: [Change], proofs: [ChainProof], hub: ReplicaID) -> Outcome {
        var byOrigin: [ReplicaID: [UInt64: Change]] = [:]
        for change in changes { byOrigin[change.dot.replica, default: [:]][change.dot.seq] = change }
        var verdict: [Dot: String] = [:]   // dot → why not; absent once verified
        var verifiedDots = Set<Dot>()
        var outcome = Outcome()
        // The hub's own intervals first: they may publish the keys the others are checked with.
        let ordered = proofs.filter { $0.origin == hub } + proofs.filter { $0.origin != hub }
        var hubChanges: [Change] = []
        var hubChangesDone = false
        for proof in ordered {
            if proof.origin != hub && !hubChangesDone {
                hubChanges = changes.filter { $0.dot.replica == hub && verifiedDots.contains($0.dot) }
                hubChangesDone = true
            }
            let carried = byOrigin[proof.origin] ?? [:]
            let key: [UInt8]? = proof.signer == hub ? hubKey : proof.signer == proof.origin ? keyring(proof.origin, hubChanges) : nil
            switch check(proof, carried: carried, key: key, hub: hub) {
            case .success(let head):
                for seq in proof.first...proof.seq where carried[seq] != nil { verifiedDots.insert(Dot(replica: proof.origin, seq: seq)) }
                outcome.heads.append(head)
            case .failure(let failure):
                for seq in proof.first...proof.seq where carried[seq] != nil { verdict[Dot(replica: proof.origin, seq: seq)] = failure.reason }
            }
        }
        for change in changes {
            if verifiedDots.contains(change.dot) {
                outcome.verified.append(change)
            } else {
                outcome.keptApart.append((change, verdict[change.dot] ?? Self.unproven))
            }
        }
        return outcome
    }

    static let unproven = "no signed head covers it: the hub holds it without its origin's signature (added to the hub's file?)"

    private func check(_ proof: ChainProof, carried: [UInt64: Change], key: [UInt8]?, hub: ReplicaID) -> Result<ReplicaStore.StoredHead, Failure> {
        guard let key else {
            return .failure(Failure(proof.signer == proof.origin || proof.signer == hub
                ? "no published key of replica \(proof.origin.hex) is known here; sync again later"
                : "its head is signed by \(proof.signer.hex), neither its origin nor the hub"))
        }
        var hash = proof.base
        var leaves = proof.leaves.makeIterator()
        var all: [UInt8] = []
        all.reserveCapacity(Int(proof.seq - proof.first + 1) * ChangeChain.digestBytes)
        for seq in proof.first...proof.seq {
            let leaf: [UInt8]
            if let change = carried[seq] {
                leaf = ChangeChain.leaf(change)
            } else {
                guard let next = leaves.next() else {
                    return .failure(Failure("the hub's proof of \(proof.origin.hex) \(proof.first)–\(proof.seq) is short of leaves"))
                }
                guard let next else {
                    return .failure(Failure("change \(proof.origin.hex):\(seq) is missing from the hub: removed from its file? Its interval \(proof.first)–\(proof.seq) cannot be checked"))
                }
                leaf = next
            }
            all += leaf
            hash = ChangeChain.step(hash, leaf)
        }
        if leaves.next() != nil {
            return .failure(Failure("the hub's proof of \(proof.origin.hex) \(proof.first)–\(proof.seq) has leaves to spare: a change was added?"))
        }
        let head = ChangeChain.Head(origin: proof.origin, seq: proof.seq, hash: hash, signer: proof.signer, signature: proof.signature)
        guard head.verifies(with: key) else {
            return .failure(Failure("changes \(proof.origin.hex):\(proof.first)–\(proof.seq) do not match what their origin signed: altered, inserted or re-ordered in the hub's file"))
        }
        return .success(ReplicaStore.StoredHead(origin: proof.origin, seq: proof.seq, hash: hash, signer: proof.signer,
                                                signature: proof.signature, first: proof.first, base: proof.base, leaves: all))
    }

    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
