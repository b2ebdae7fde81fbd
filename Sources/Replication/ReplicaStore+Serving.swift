import SQLite

/// What a store needs to serve other replicas and to remember its sync state.
extension ReplicaStore {
    /// One arrival, without the change's value: enough to decide whether to send it.
    public struct Arrival: Sendable {
        public let position: Int64
        public let dot: Dot
        public let record: String
        public let collection: String
    }

    /// Arrivals after `position`, at most `limit`, in order: the cheap walk a hub makes to find
    /// what a replica may read, before it reads the changes it will send.
    public func arrivals(after position: Int64, limit: Int) throws -> [Arrival] {
        try refreshIfChangedElsewhere()
        return try db.cached("""
            SELECT a.seq, a.key, r.id, r.collection FROM arrivals a JOIN changes c ON c.key = a.key
            JOIN records r ON r.ord = c.record WHERE a.seq > ? ORDER BY a.seq LIMIT ?
            """).map([position, limit]) { row in
            Arrival(position: row.int64(0), dot: dot(ofKey: row.int64(1)), record: row.text(2), collection: row.text(3))
        }
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

    /// The store's connection, for derived tables a layer above keeps beside the store (a table
    /// projection, say). Only derived data belongs there: the change log stays the one truth.
    public func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try refreshIfChangedElsewhere()
        return try body(db)
    }

    /// A value this replica keeps about itself (sync checkpoints, the hub it talks to).
    public func meta(_ key: String) throws -> SQLiteValue? {
        try db.first("SELECT value FROM meta WHERE key = ?", "local." + key) { $0.value(0) }
    }

    /// Stores a value about this replica, durably; `nil` removes it.
    public func setMeta(_ key: String, _ value: SQLiteValue?) throws {
        if let value {
            try db.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "local." + key, value)
        } else {
            try db.run("DELETE FROM meta WHERE key = ?", "local." + key)
        }
    }
}
