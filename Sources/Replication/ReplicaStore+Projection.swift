import SQLite

/// The store's hook for derived rows (``Projection``).
extension ReplicaStore {
    /// Brings `projection`'s rows up to date with the records, in one transaction: the records
    /// changed since the last refresh are derived again, or all of them when its signature changed.
    public func refresh(_ projection: some Projection) throws {
        try refreshIfChangedElsewhere()
        if try isCurrent(projection) { return }
        try db.transaction {
            try refreshIfChangedElsewhere()
            let stored = try db.first("SELECT signature, vector FROM projections WHERE name = ?", projection.name) { ($0.text(0), $0.text(1)) }
            let vector = versionVector()
            let insert = try db.cached("INSERT INTO projected_rows (projection, key, record, payload) VALUES (?, ?, ?, ?)")
            func write(_ state: RecordState) throws {
                guard !state.isDeleted, let row = try projection.row(of: state) else { return }
                try insert.run([projection.name, ProjectedRow.encode(row.key + [.text(state.id)]), state.id, row.payload])
            }
            let since = stored.map { Self.vector(from: $0.1) }
            if let stored, let since, stored.0 == projection.signature, try !isLarge(since: since, in: projection.collection) {
                var touched = Set<String>()
                try changes(missingFrom: since) { batch in
                    for change in batch where change.collection == projection.collection { touched.insert(change.record) }
                }
                let remove = try db.cached("DELETE FROM projected_rows WHERE projection = ? AND record = ?")
                // Sorted, so a refresh writes the same file whatever order the set iterates in.
                for id in touched.sorted() {
                    try remove.run([projection.name, id])
                    if let state = try record(id) { try write(state) }
                }
            } else {
                // Every row again: one pass over the collection, each record read once.
                try db.run("DELETE FROM projected_rows WHERE projection = ?", projection.name)
                try forEachRecord(in: projection.collection, includeDeleted: false, write)
            }
            try db.run("""
                INSERT INTO projections (name, signature, vector) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET signature = excluded.signature, vector = excluded.vector
                """, projection.name, projection.signature, Self.text(vector))
        }
    }

    /// The rows of projection `name` whose keys start with `prefix`, in key order, each handed to
    /// `transform` as its record and the payload's UTF-8 bytes (valid only during the call).
    public func projectedRows<T>(_ name: String, prefix: [ProjectedRow.Part],
                                 _ transform: (_ record: String, _ payload: UnsafeBufferPointer<UInt8>) throws -> T) throws -> [T] {
        try refreshIfChangedElsewhere()
        let low = ProjectedRow.encode(prefix)
        let rows: Statement
        var values: [any SQLiteBindable] = [name, low]
        if let high = ProjectedRow.successor(of: low) {
            rows = try db.cached("SELECT record, payload FROM projected_rows WHERE projection = ? AND key >= ? AND key < ? ORDER BY key")
            values.append(high)
        } else {
            rows = try db.cached("SELECT record, payload FROM projected_rows WHERE projection = ? AND key >= ? ORDER BY key")
        }
        return try rows.map(values) { row in try row.withText(1) { try transform(row.text(0), $0) } }
    }

    /// Whether more changes arrived since `vector` than the collection has records: then nearly
    /// every row is stale (a first sync, a large import), and one pass over the collection derives
    /// them faster than reading each touched record again.
    private func isLarge(since vector: VersionVector, in collection: String) throws -> Bool {
        var arrived: UInt64 = 0
        for (replica, ord) in replicaOrds {
            guard let held = progress[ord]?.maxSeq, held > vector[replica] else { continue }
            arrived += held - vector[replica]
        }
        guard arrived > 0 else { return false }
        let records = try db.first("SELECT count(*) FROM records WHERE collection = ?", collection) { $0.int64(0) } ?? 0
        return arrived >= UInt64(records)
    }

    /// Whether the rows match the records and the signature, read without taking the write lock.
    private func isCurrent(_ projection: some Projection) throws -> Bool {
        let current = versionVector()
        guard let (signature, vector) = try db.first("SELECT signature, vector FROM projections WHERE name = ?", projection.name, map: { ($0.text(0), $0.text(1)) }),
              signature == projection.signature, vector == Self.text(current) else { return false }
        // Changes beyond the gap-free vector (out-of-order arrivals) would not show in it.
        var beyond = false
        try changes(missingFrom: current, batchSize: 1) { _ in beyond = true }
        return !beyond
    }

    static func text(_ vector: VersionVector) -> String {
        vector.entries.sorted { $0.key < $1.key }.map { "\($0.key.hex):\($0.value)" }.joined(separator: ",")
    }

    static func vector(from text: String) -> VersionVector {
        VersionVector(Dictionary(text.split(separator: ",").compactMap { Dot($0) }.map { ($0.replica, $0.seq) }, uniquingKeysWith: max))
    }
}
