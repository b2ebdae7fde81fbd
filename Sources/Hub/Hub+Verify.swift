import Messages
import Crypto
import Replication
import Submissions
import Synchronization
import SyncProtocol

/// A break in an origin's chain found in the hub's file (`tianbao hub verify`).
public struct ChainAnomaly: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Changes of an interval no longer hash to what their origin signed.
        case altered
        /// A position within a signed interval the hub holds no change for, nor withdrew.
        case missing
        /// A change no signed head covers: written into the file, not received.
        case inserted
        /// Changes of one origin that reached the hub out of their order.
        case reordered
        /// Arrivals tagged for no reader (``ReaderRule``): hospitals' and cities' walks skip them.
        case untagged
        /// A signed head whose signature does not verify: the head itself was edited.
        case badSignature = "bad_signature"
    }

    public let kind: Kind
    public let origin: ReplicaID
    /// The positions concerned, first to last.
    public let first: UInt64
    public let last: UInt64
    /// Records the positions touch, as far as the hub still holds them.
    public let records: [String]
    public let detail: String
}

extension Hub {
    /// What `hub verify` found: how much it checked and every anomaly.
    public struct Verification: Sendable {
        public var origins = 0
        public var changes = 0
        public var heads = 0
        public var anomalies: [ChainAnomaly] = []
        /// The audit trail's own breaks (``audit(since:)``).
        public var auditAnomalies: [String] = []
    }

    /// Checks every origin's chain the hub holds against its signed heads, and the arrival log's
    /// order, and the audit trail.
    public func verify() throws -> Verification {
        var result = Verification()
        try state.withLock { s in
            let workspace = try workspace(s)
            for origin in try s.store.chainOrigins() {
                result.origins += 1
                try verify(origin, workspace: workspace, into: &result, s)
            }
            try checkArrivalOrder(into: &result, s)
        }
        result.auditAnomalies = try audit().anomalies
        return result
    }

    private func verify(_ origin: ReplicaID, workspace: Workspace, into result: inout Verification, _ s: State) throws {
        let stored = try s.store.heads(of: origin)
        result.heads += stored.count
        // A head row can only be at a position the hub took in; one the file was given elsewhere is
        // reported, and not walked to (it could name any position up to 2⁶⁴).
        let highest = try s.store.highestHeld(of: origin)
        let limit = min(Dot.maxSeq, highest + ChangeChain.longestInterval)
        let heads = stored.filter { $0.seq >= 1 && $0.seq <= limit }
        for head in stored where head.seq < 1 || head.seq > limit {
            result.anomalies.append(ChainAnomaly(kind: .badSignature, origin: origin, first: head.seq, last: head.seq, records: [],
                                                 detail: Message.hubHeadBeyond.text("\(head.seq)")))
        }
        // The origin's key as the hub published it (itself under the hub's signed chain).
        let originKey = try workspace.publishedKey(origin)?.publicKey ?? s.tables.publicKey(origin)
        let top = max(heads.last?.seq ?? 0, highest)
        var hash = ChangeChain.genesis(origin)
        var intervalStart: UInt64 = 1
        var broken = false
        var missing: [UInt64] = []
        var headIndex = 0
        var position: UInt64 = 1
        var held: [UInt64: Change] = [:]
        try s.store.changes(from: origin, after: 0, batchSize: 2_000) { batch in
            for change in batch { held[change.dot.seq] = change }
        }
        result.changes += held.count
        func note(_ kind: ChainAnomaly.Kind, _ first: UInt64, _ last: UInt64, _ detail: String) {
            let touched = Array(Set((first...max(first, last)).compactMap { held[$0]?.record })).sorted()
            result.anomalies.append(ChainAnomaly(kind: kind, origin: origin, first: first, last: last, records: Array(touched.prefix(10)), detail: detail))
        }
        while position <= top {
            if let change = held[position] {
                hash = ChangeChain.step(hash, ChangeChain.leaf(change))
            } else if try s.tables.isWithdrawn(origin, seq: position) {
                hash = ChangeChain.step(hash, ChangeChain.withdrawnLeaf(Dot(replica: origin, seq: position)))
            } else {
                missing.append(position)
                broken = true
            }
            while headIndex < heads.count, heads[headIndex].seq == position {   // two rows at one position: each checked
                let head = heads[headIndex]
                let key = head.signer == replicaID ? publicKey : head.signer == origin ? originKey : nil
                let signed = ChangeChain.Head(origin: origin, seq: head.seq, hash: head.hash, signer: head.signer, signature: head.signature)
                if key == nil || !signed.verifies(with: key!) {
                    note(.badSignature, intervalStart, position, "the signed head at \(position) does not verify with the key of \(head.signer == replicaID ? "the hub" : "replica \(head.signer.hex)")")
                }
                for run in Self.runs(missing) {
                    note(.missing, run.lowerBound, run.upperBound, Message.hubMissingSigned.text())
                }
                if !broken && hash != head.hash {
                    note(.altered, intervalStart, position, Message.hubAlteredSigned.text("\(position)"))
                }
                // On from what was signed, so one break does not hide the next.
                hash = head.hash
                broken = false
                missing = []
                intervalStart = position + 1
                headIndex += 1
            }
            position += 1
        }
        let lastSigned = heads.last?.seq ?? 0
        let uncovered = held.keys.filter { $0 > lastSigned }.sorted()
        for run in Self.runs(uncovered) {
            note(.inserted, run.lowerBound, run.upperBound, "held, but no head its origin or the hub signed covers \(run.count == 1 ? "it" : "them")")
        }
    }

    /// The arrival log meets each origin's changes in sequence order: the hub appends a batch in
    /// order, and makes its own changes in order.
    private func checkArrivalOrder(into result: inout Verification, _ s: State) throws {
        var last: [ReplicaID: UInt64] = [:]
        var position: Int64 = 0
        var found: [(Dot, UInt64)] = []
        // A walk by readers' keys never meets an arrival tagged for none: it would be withheld
        // from every hospital and city without a trace.
        let tagged = try s.store.arrivalsTagged() ? try s.store.taggedPositions() : nil
        var untagged: [ReplicaID: [UInt64]] = [:]
        while true {
            let seen = try s.store.walkArrivals(after: position, limit: 10_000) { arrival in
                position = arrival.position
                if let tagged, !tagged.contains(arrival.position) { untagged[arrival.dot.replica, default: []].append(arrival.dot.seq) }
                let origin = arrival.dot.replica
                if let previous = last[origin], arrival.dot.seq < previous { found.append((arrival.dot, previous)) }
                last[origin] = max(last[origin] ?? 0, arrival.dot.seq)
                return true
            }
            if seen == 0 { break }
        }
        for (dot, after) in found {
            result.anomalies.append(ChainAnomaly(kind: .reordered, origin: dot.replica, first: dot.seq, last: dot.seq, records: [],
                                                 detail: Message.hubReordered.text("\(dot.replica.hex)", "\(after)")))
        }
        for (origin, seqs) in untagged.sorted(by: { $0.key.hex < $1.key.hex }) {
            for run in Self.runs(seqs.sorted()) {
                result.anomalies.append(ChainAnomaly(kind: .untagged, origin: origin, first: run.lowerBound, last: run.upperBound, records: [],
                                                     detail: Message.hubUntagged.text()))
            }
        }
    }

    /// Consecutive runs of sorted positions.
    static func runs(_ sorted: [UInt64]) -> [ClosedRange<UInt64>] {
        var out: [ClosedRange<UInt64>] = []
        for p in sorted {
            if let last = out.last, last.upperBound + 1 == p { out[out.count - 1] = last.lowerBound...p } else { out.append(p...p) }
        }
        return out
    }
}
