import Messages
import Crypto
import Replication
import SyncProtocol

/// Checks a replica's whole store again (`tianbao verify`): every change it holds from another
/// replica against the signed interval it was verified with, its own chain against the heads it
/// signed, and what it kept apart.
public struct StoreVerifier {
    public struct Finding: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// A held change no longer matches the leaf its signed interval was verified with.
            case altered
            /// A stored head's interval no longer hashes to it, or its signature fails.
            case badHead = "bad_head"
            /// Held changes of another replica that no verified interval covers: received before
            /// this replica's build verified chains, or written into its file.
            case unverified
            /// Changes received that did not verify, never applied.
            case keptApart = "kept_apart"
        }
        public let kind: Kind
        public let origin: ReplicaID
        public let first: UInt64
        public let last: UInt64
        public let detail: String
    }

    public struct Summary: Sendable {
        public var origins = 0
        public var changes = 0
        public var heads = 0
        public var findings: [Finding] = []
    }

    let store: ReplicaStore
    let verifier: PageVerifier
    let ownKey: [UInt8]?

    public init(store: ReplicaStore, verifier: PageVerifier, ownKey: [UInt8]?) {
        self.store = store
        self.verifier = verifier
        self.ownKey = ownKey
    }

    public func run(hub: ReplicaID?) throws -> Summary {
        var summary = Summary()
        for origin in try store.chainOrigins() {
            summary.origins += 1
            var held: [UInt64: Change] = [:]
            try store.changes(from: origin, after: 0, batchSize: 2_000) { for c in $0 { held[c.dot.seq] = c } }
            summary.changes += held.count
            let heads = try store.heads(of: origin)
            summary.heads += heads.count
            if origin == store.replicaID {
                summary.findings += try own(heads, held: held)
            } else {
                summary.findings += foreign(origin, heads, held: held, hub: hub)
            }
        }
        summary.findings += Self.grouped(try store.keptApart())
        return summary
    }

    /// Kept-apart changes as findings: one per run of consecutive positions of an origin kept
    /// apart for one reason.
    public static func grouped(_ items: [ReplicaStore.KeptApart]) -> [Finding] {
        var findings: [Finding] = []
        for item in items.sorted(by: { ($0.dot.replica, $0.dot.seq) < ($1.dot.replica, $1.dot.seq) }) {
            if let last = findings.last, last.origin == item.dot.replica, last.last + 1 == item.dot.seq, last.detail == item.reason {
                findings[findings.count - 1] = Finding(kind: .keptApart, origin: last.origin, first: last.first, last: item.dot.seq, detail: item.reason)
            } else {
                findings.append(Finding(kind: .keptApart, origin: item.dot.replica, first: item.dot.seq, last: item.dot.seq, detail: item.reason))
            }
        }
        return findings
    }

    private func key(of signer: ReplicaID, origin: ReplicaID, hub: ReplicaID?) -> [UInt8]? {
        if signer == hub { return verifier.hubKey }
        if signer == store.replicaID { return ownKey }
        return signer == origin ? verifier.keyring(origin, []) : nil
    }

    private func foreign(_ origin: ReplicaID, _ heads: [ReplicaStore.StoredHead], held: [UInt64: Change], hub: ReplicaID?) -> [Finding] {
        var findings: [Finding] = []
        var covered = Set<UInt64>()
        for head in heads {
            guard let first = head.first, let base = head.base, let leaves = head.leaves,
                  leaves.count == Int(head.seq - first + 1) * ChangeChain.digestBytes else { continue }
            var hash = base
            for (i, seq) in (first...head.seq).enumerated() {
                let leaf = Array(leaves[(i * 32)..<(i * 32 + 32)])
                if let change = held[seq] {
                    covered.insert(seq)
                    if ChangeChain.leaf(change) != leaf {
                        findings.append(Finding(kind: .altered, origin: origin, first: seq, last: seq,
                                                detail: Message.storeChanged.text()))
                    }
                }
                hash = ChangeChain.step(hash, leaf)
            }
            let signed = ChangeChain.Head(origin: origin, seq: head.seq, hash: hash, signer: head.signer, signature: head.signature)
            if hash != head.hash || !(key(of: head.signer, origin: origin, hub: hub).map(signed.verifies(with:)) ?? false) {
                findings.append(Finding(kind: .badHead, origin: origin, first: first, last: head.seq,
                                        detail: Message.storeIntervalFails.text()))
            }
        }
        let loose = held.keys.filter { !covered.contains($0) }.sorted()
        if !loose.isEmpty {
            findings.append(Finding(kind: .unverified, origin: origin, first: loose.first!, last: loose.last!,
                                    detail: "\(loose.count) change\(loose.count == 1 ? "" : "s") held without a verified signed interval (received before this build checked signatures, or written into this file)"))
        }
        return findings
    }

    private func own(_ heads: [ReplicaStore.StoredHead], held: [UInt64: Change]) throws -> [Finding] {
        let me = store.replicaID
        let refused = Set(try SyncState(store).refusals().map(\.dot).filter { $0.replica == me }.map(\.seq))
        var findings: [Finding] = []
        var hash = ChangeChain.genesis(me)
        var position: UInt64 = 1
        var start: UInt64 = 1
        for head in heads {
            while position <= head.seq {
                let dot = Dot(replica: me, seq: position)
                let leaf = refused.contains(position) ? nil : held[position].map(ChangeChain.leaf)
                hash = ChangeChain.step(hash, leaf ?? ChangeChain.withdrawnLeaf(dot))
                position += 1
            }
            let signed = ChangeChain.Head(origin: me, seq: head.seq, hash: head.hash, signer: head.signer, signature: head.signature)
            let signer = head.signer == me ? ownKey : verifier.hubKey
            if hash != head.hash || !(signer.map(signed.verifies(with:)) ?? false) {
                findings.append(Finding(kind: .altered, origin: me, first: start, last: head.seq,
                                        detail: Message.storeOwnChanged.text(head.seq)))
                hash = head.hash
            }
            start = head.seq + 1
        }
        return findings
    }
}
