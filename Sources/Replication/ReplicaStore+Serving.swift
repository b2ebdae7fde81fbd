import SQLite

/// What a store needs to serve other replicas and to remember its sync state.
extension ReplicaStore {
    /// One arrival, read during a walk of the arrival log (``walkArrivals(after:limit:_:)``).
    /// The change itself is decoded only when asked for: most arrivals a walk passes are not sent.
    public struct Arrival: ~Copyable {
        public let position: Int64
        public let dot: Dot
        public let record: String
        public let collection: String
        /// Whether this is the first change of its record to reach the store: nothing of the
        /// record arrived before it. `false` when unknown (a store older than the column).
        public let opensRecord: Bool
        let store: ReplicaStore
        let row: Statement

        /// The change that arrived.
        public func change() -> Change { store.decodeChange(row, offset: 2, record: record, collection: collection) }
    }

    /// Walks the arrival log after `position`, in order, at most `limit` arrivals, while `body`
    /// returns `true`. One query reads each arrival with its change and record; `body` may run
    /// other queries of this store meanwhile.
    ///
    /// - Returns: how many arrivals `body` saw.
    @discardableResult
    public func walkArrivals(after position: Int64, limit: Int, _ body: (borrowing Arrival) throws -> Bool) throws -> Int {
        try refreshIfChangedElsewhere()
        let walk = try db.cached("""
            SELECT a.seq, r.first_arrival, \(Self.changeColumns) FROM arrivals a
            JOIN changes c ON c.key = a.key JOIN records r ON r.ord = c.record
            WHERE a.seq > ? ORDER BY a.seq LIMIT ?
            """)
        try walk.bind([position, limit])
        defer { try? walk.reset() }
        var seen = 0
        while try walk.step() {
            seen += 1
            let seq = walk.int64(0)
            let arrival = Arrival(position: seq, dot: dot(ofKey: walk.int64(2)), record: walk.text(4), collection: walk.text(5),
                                  opensRecord: !walk.isNull(1) && walk.int64(1) == seq, store: self, row: walk)
            if try !body(arrival) { break }
        }
        return seen
    }

    /// Each record that arrived after `position`, with its collection (once per record): what a
    /// reader keeping derived state across transactions reads again.
    public func arrivedRecords(after position: Int64, _ body: (_ collection: String, _ record: String) throws -> Void) throws {
        try refreshIfChangedElsewhere()
        try db.cached("""
            SELECT DISTINCT r.collection, r.id FROM arrivals a
            JOIN changes c ON c.key = a.key JOIN records r ON r.ord = c.record
            WHERE a.seq > ?
            """).forEach([position]) { row in try body(row.text(0), row.text(1)) }
    }

    /// The position of the newest arrival (0 when nothing arrived): how far a walk of the log can go.
    public func latestArrival() throws -> Int64 {
        try refreshIfChangedElsewhere()
        let latest = try db.cached("SELECT coalesce(max(seq), 0) FROM arrivals")
        defer { try? latest.reset() }
        _ = try latest.step()
        return latest.int64(0)
    }

    /// The changes made by `origin` with a sequence above `seq`, in sequence order, in batches.
    public func changes(from origin: ReplicaID, after seq: UInt64, batchSize: Int = ReplicaStore.defaultBatchSize,
                        _ body: ([Change]) throws -> Void) throws {
        try refreshIfChangedElsewhere()
        guard let ord = replicaOrds[origin] else { return }
        var batch: [Change] = []
        try stream(ord: ord, after: seq, into: &batch, batchSize: batchSize, body)
        if !batch.isEmpty { try body(batch) }
    }

    /// Whether the store holds the change `dot`.
    public func holds(_ dot: Dot) throws -> Bool {
        try refreshIfChangedElsewhere()
        guard let ord = replicaOrds[dot.replica] else { return false }
        return try statements.changeExists.first([StoredChange.key(ord: ord, seq: dot.seq)]) { _ in true } ?? false
    }

    /// A value this replica keeps about itself (sync checkpoints, the hub it talks to).
    public func meta(_ key: String) throws -> MetaValue? {
        try db.first("SELECT value FROM meta WHERE key = ?", "local." + key) { MetaValue($0.value(0)) } ?? nil
    }

    /// Stores a value about this replica, durably; `nil` removes it.
    public func setMeta(_ key: String, _ value: MetaValue?) throws {
        if let value {
            try db.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "local." + key, value.stored)
        } else {
            try db.run("DELETE FROM meta WHERE key = ?", "local." + key)
        }
    }
}
