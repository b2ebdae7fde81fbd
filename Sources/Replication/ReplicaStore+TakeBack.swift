import SQLite

/// Taking back own changes the hub refused and never applied: they exist on this replica alone,
/// so removing them leaves its state a function of the changes everyone else holds.
extension ReplicaStore {
    /// Removes this replica's changes `dots` (which the hub refused, and this replica withdrew) and
    /// re-derives their records from the changes that remain. With `remake`, the same edits are
    /// then made again as new changes (new sequence numbers, stamps from the current clock): what a
    /// person typed survives a clock that was wrong. Returns the new changes.
    ///
    /// The clock is set back to the latest stamp that remains (or the wall clock, if later): the
    /// taken-back stamps were the only ones that held it ahead.
    @discardableResult
    public func takeBack(_ dots: [Dot], remake: Bool) throws -> [Change] {
        guard !dots.isEmpty else { return [] }
        for dot in dots where dot.replica != replicaID {
            throw ReplicationError.malformedChange(dot, reason: "only this replica's own changes can be taken back")
        }
        return try writing { touched in
            var taken: [Change] = []
            var records: Set<Int64> = []
            for dot in dots.sorted(by: { $0.seq < $1.seq }) {
                let key = StoredChange.key(ord: localOrd, seq: dot.seq)
                guard let change = try storedChange(key: key) else { continue }
                guard let record = try existingRecord(change.record) else { continue }
                taken.append(change)
                records.insert(record.ord)
                try db.run("DELETE FROM changes WHERE key = ?", key)
                try db.run("DELETE FROM entries WHERE record = ? AND key = ?", record.ord, key)
            }
            for record in records { try StoreSchema.replayListings(db, record: record) }
            pendingCount = try db.first("SELECT count(*) FROM pending") { $0.int(0) } ?? 0
            let latest = try db.first("SELECT max(hlc) FROM changes") { $0.isNull(0) ? nil : Timestamp(packed: $0.int64(0)) } ?? nil
            clock = HybridClock(last: latest ?? .zero, maxSkewMilliseconds: clock.maxSkewMilliseconds, wallClock: configuration.wallClock)
            guard remake else { return [] }
            var made: [Change] = []
            for change in taken {
                guard let edit = Self.edit(remaking: change) else { continue }
                made += try commitInside([edit], author: change.author, touched: &touched)
            }
            return made
        }
    }

    /// The edit a change made, to be made again.
    static func edit(remaking c: Change) -> Edit? {
        switch c.op {
        case .set: c.value.map { .set(collection: c.collection, record: c.record, field: c.field, value: $0) }
        case .add: c.value.map { .add(collection: c.collection, record: c.record, field: c.field, element: $0) }
        case .remove: c.value.map { .remove(record: c.record, field: c.field, element: $0) }
        case .delete: .delete(record: c.record)
        case .restore: .restore(record: c.record)
        }
    }
}
