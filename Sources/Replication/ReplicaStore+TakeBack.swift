import SQLite

/// Taking back this replica's own changes: those the hub refused and never applied (they exist
/// here alone), and those a replica restored from an older copy made under sequence numbers the
/// hub already holds with other content.
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
            let taken = try remove(dots)
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

    /// What adopting the hub's copy of this replica's own changes did.
    public struct Adoption: Sendable, Equatable {
        /// Own changes this replica had lost and got back.
        public var recovered = 0
        /// Changes made here under sequence numbers the hub holds with other content, and the new
        /// dots they were made again under.
        public var renumbered: [(from: Dot, to: Dot)] = []

        public init() {}

        public static func == (a: Adoption, b: Adoption) -> Bool {
            a.recovered == b.recovered && a.renumbered.map(\.from) == b.renumbered.map(\.from) && a.renumbered.map(\.to) == b.renumbered.map(\.to)
        }
    }

    /// Takes in `hubOwn`, the hub's copies of this replica's own changes, after this store was
    /// restored from an older copy: the ones it lost come back, and every change it made since the
    /// copy under a sequence number the hub holds with other content is made again, unchanged but
    /// for a new dot after the hub's and a new stamp, its `supersedes` following the renumbering.
    /// Values the two lines wrote to one field without seeing each other then show as conflicts.
    public func adoptOwn(_ hubOwn: [Change]) throws -> Adoption {
        var report = Adoption()
        let own = hubOwn.filter { $0.dot.replica == replicaID }.sorted { $0.dot.seq < $1.dot.seq }
        var firstCollision: UInt64?
        for change in own {
            guard let local = try self.change(change.dot) else { report.recovered += 1; continue }
            if local != change { firstCollision = change.dot.seq; break }
        }
        try writing { touched in
            var taken: [Change] = []
            if let firstCollision {
                taken = try remove((firstCollision...(progress[localOrd]?.maxSeq ?? firstCollision)).map { Dot(replica: replicaID, seq: $0) })
                report.recovered += own.filter { $0.dot.seq >= firstCollision }.count
                // The taken-back numbers are free again: the renumbered changes follow the hub's.
                if var p = progress[localOrd] {
                    p.maxSeq = max(own.last?.dot.seq ?? 0, firstCollision - 1)
                    p.contiguous = min(p.contiguous, p.maxSeq)
                    progress[localOrd] = p
                    touched.insert(localOrd)
                }
            }
            for change in own { _ = try merge(change, touched: &touched) }
            // Renumbered changes come after the hub's in stamp order too, as a replica's changes do.
            if let latest = own.map(\.timestamp).max() { clock.receive(latest) }
            var moved: [Dot: Dot] = [:]
            for old in taken {
                var change = old
                change.dot = Dot(replica: replicaID, seq: (progress[localOrd]?.maxSeq ?? 0) + 1)
                change.timestamp = clock.tick()
                change.supersedes = old.supersedes.map { moved[$0] ?? $0 }
                _ = try merge(change, touched: &touched)
                moved[old.dot] = change.dot
                report.renumbered.append((old.dot, change.dot))
            }
        }
        return report
    }

    /// Deletes own changes and re-derives the records they touched; returns what was removed, in
    /// sequence order. Runs inside a write transaction.
    private func remove(_ dots: [Dot]) throws -> [Change] {
        var taken: [Change] = []
        var records: Set<Int64> = []
        for dot in dots.sorted(by: { $0.seq < $1.seq }) {
            let key = StoredChange.key(ord: localOrd, seq: dot.seq)
            guard let change = try storedChange(key: key), let record = try existingRecord(change.record) else { continue }
            taken.append(change)
            records.insert(record.ord)
            try db.run("DELETE FROM changes WHERE key = ?", key)
            try db.run("DELETE FROM entries WHERE record = ? AND key = ?", record.ord, key)
        }
        for record in records { try StoreSchema.replayListings(db, record: record) }
        pendingCount = try db.first("SELECT count(*) FROM pending") { $0.int(0) } ?? 0
        return taken
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

    /// The highest sequence number this replica has used.
    public var ownSeq: UInt64 {
        try? refreshIfChangedElsewhere()
        return progress[localOrd]?.maxSeq ?? 0
    }
}
