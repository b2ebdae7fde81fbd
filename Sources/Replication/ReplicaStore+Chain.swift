import SQLite

/// What a store keeps of the origins' hash chains: their signed heads, and the changes received
/// that did not verify. The chain itself is computed above (SyncProtocol's `ChangeChain`); here it
/// is only stored.
extension ReplicaStore {
    /// A signed head as stored. `first`, `base` and `leaves` describe the interval it was verified
    /// over on a replica (positions `first…seq`, the hash before `first`, every position's leaf);
    /// `nil` at the hub, which recomputes its chains from what it holds.
    public struct StoredHead: Sendable, Equatable {
        public var origin: ReplicaID
        public var seq: UInt64
        public var hash: [UInt8]
        public var signer: ReplicaID
        public var signature: [UInt8]
        public var first: UInt64?
        public var base: [UInt8]?
        public var leaves: [UInt8]?

        public init(origin: ReplicaID, seq: UInt64, hash: [UInt8], signer: ReplicaID, signature: [UInt8],
                    first: UInt64? = nil, base: [UInt8]? = nil, leaves: [UInt8]? = nil) {
            self.origin = origin
            self.seq = seq
            self.hash = hash
            self.signer = signer
            self.signature = signature
            self.first = first
            self.base = base
            self.leaves = leaves
        }
    }

    /// Stores a head, replacing one at the same position.
    public func recordHead(_ head: StoredHead) throws {
        try db.cached("""
            INSERT OR REPLACE INTO chain_heads (origin, seq, hash, signer, signature, first, base, leaves)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([head.origin.bytes, Int64(head.seq), head.hash, head.signer.bytes, head.signature,
                      head.first.map { Int64($0) }, head.base, head.leaves])
    }

    /// `origin`'s heads in sequence order.
    public func heads(of origin: ReplicaID) throws -> [StoredHead] {
        try db.cached("SELECT \(Self.headColumns) FROM chain_heads WHERE origin = ? ORDER BY seq").map([origin.bytes], Self.head)
    }

    /// The position of the first head `origin` signed itself, if it ever did.
    public func firstSelfSignedHead(of origin: ReplicaID) throws -> UInt64? {
        try db.cached("SELECT seq FROM chain_heads INDEXED BY chain_heads_self_signed WHERE origin = ? AND signer = origin ORDER BY seq LIMIT 1")
            .first([origin.bytes]) { UInt64(clamping: $0.int64(0)) }
    }

    /// Whether a head is stored exactly at `dot`: its position ends a signed interval.
    public func endsInterval(_ dot: Dot) throws -> Bool {
        try db.cached("SELECT 1 FROM chain_heads WHERE origin = ? AND seq = ?").first([dot.replica.bytes, Int64(clamping: dot.seq)], { _ in true }) ?? false
    }

    /// The first head at or after `seq`: the one whose interval holds that position.
    public func head(of origin: ReplicaID, covering seq: UInt64) throws -> StoredHead? {
        try db.cached("SELECT \(Self.headColumns) FROM chain_heads WHERE origin = ? AND seq >= ? ORDER BY seq LIMIT 1")
            .first([origin.bytes, Int64(clamping: seq)], Self.head)
    }

    /// The last head before `seq`: where the interval holding `seq` starts.
    public func head(of origin: ReplicaID, before seq: UInt64) throws -> StoredHead? {
        try db.cached("SELECT \(Self.headColumns) FROM chain_heads WHERE origin = ? AND seq < ? ORDER BY seq DESC LIMIT 1")
            .first([origin.bytes, Int64(clamping: seq)], Self.head)
    }

    /// Every origin with a head, or with a change held.
    public func chainOrigins() throws -> [ReplicaID] {
        var seen = Set<ReplicaID>()
        try db.cached("SELECT DISTINCT origin FROM chain_heads").forEach { row in
            if let id = ReplicaID(bytes: row.blob(0)) { seen.insert(id) }
        }
        try refreshIfChangedElsewhere()
        for (ord, p) in progress where p.maxSeq > 0 { if let id = replicaIDs[ord] { seen.insert(id) } }
        return seen.sorted()
    }

    /// The highest sequence of `origin` held.
    public func highestHeld(of origin: ReplicaID) throws -> UInt64 {
        try refreshIfChangedElsewhere()
        return replicaOrds[origin].flatMap { progress[$0]?.maxSeq } ?? 0
    }

    private static let headColumns = "origin, seq, hash, signer, signature, first, base, leaves"

    private static func head(_ row: Statement) -> StoredHead {
        StoredHead(origin: ReplicaID(bytes: row.blob(0)) ?? ReplicaID(high: 0, low: 0),
                   seq: UInt64(clamping: row.int64(1)), hash: row.blob(2),
                   signer: ReplicaID(bytes: row.blob(3)) ?? ReplicaID(high: 0, low: 0),
                   signature: row.blob(4), first: row.isNull(5) ? nil : UInt64(clamping: row.int64(5)),
                   base: row.isNull(6) ? nil : row.blob(6), leaves: row.isNull(7) ? nil : row.blob(7))
    }

    /// A received change that did not verify, kept apart (never applied) with why.
    public struct KeptApart: Sendable, Equatable {
        public var dot: Dot
        /// The change as received, in its canonical JSON form.
        public var change: [UInt8]
        public var reason: String
        public var at: Int64

        public init(dot: Dot, change: [UInt8], reason: String, at: Int64) {
            self.dot = dot
            self.change = change
            self.reason = reason
            self.at = at
        }
    }

    public func keepApart(_ items: [KeptApart]) throws {
        let insert = try db.cached("INSERT OR REPLACE INTO kept_apart (origin, seq, change, reason, at) VALUES (?, ?, ?, ?, ?)")
        for item in items { try insert.run([item.dot.replica.bytes, Int64(item.dot.seq), item.change, item.reason, item.at]) }
    }

    public func keptApart() throws -> [KeptApart] {
        try db.cached("SELECT origin, seq, change, reason, at FROM kept_apart ORDER BY at, origin, seq").map { row in
            KeptApart(dot: Dot(replica: ReplicaID(bytes: row.blob(0)) ?? replicaID, seq: UInt64(row.int64(1))),
                      change: row.blob(2), reason: row.text(3), at: row.int64(4))
        }
    }

    /// Forgets kept-apart changes that have since arrived verified.
    public func releaseKeptApart(_ dots: [Dot]) throws {
        // Asked of every page a replica applies; almost always nothing is kept apart.
        guard !dots.isEmpty, try db.cached("SELECT 1 FROM kept_apart LIMIT 1").first([], { _ in true }) ?? false else { return }
        let delete = try db.cached("DELETE FROM kept_apart WHERE origin = ? AND seq = ?")
        for dot in dots { try delete.run([dot.replica.bytes, Int64(dot.seq)]) }
    }
}
