import SQLite

/// Taking back this replica's own changes: those the hub refused and never applied (they exist
/// here alone), and those a replica restored from an older copy made under sequence numbers the
/// hub already holds with other content.
extension ReplicaStore {
    /// Removes this replica's changes `dots` (which the hub refused, and this replica withdrew) and
    /// re-derives their records from the changes that remain. With `remake`, each is then made
    /// again — the same change but for a new dot and a stamp from the current clock, its
    /// `supersedes` following the renumbering — so what a person typed survives a clock that was
    /// wrong, and a value written concurrently elsewhere still shows as a conflict. Returns the
    /// changes made again.
    ///
    /// The clock is set back to this replica's own latest remaining stamp, then moves past what
    /// others stamped only up to the bound: the taken-back stamps were what held it ahead.
    @discardableResult
    public func takeBack(_ dots: [Dot], remake: Bool) throws -> [Change] {
        guard !dots.isEmpty else { return [] }
        for dot in dots where dot.replica != replicaID {
            throw ReplicationError.malformedChange(dot, reason: "only this replica's own changes can be taken back")
        }
        return try writing { touched in
            let taken = try remove(dots)
            let own = StoredChange.key(ord: localOrd, seq: 0)...StoredChange.key(ord: localOrd, seq: Dot.maxSeq)
            let ownLatest = try db.first("SELECT max(hlc) FROM changes WHERE key BETWEEN ? AND ?", own.lowerBound, own.upperBound) {
                $0.isNull(0) ? nil : Timestamp(packed: $0.int64(0))
            } ?? nil
            let latest = try db.first("SELECT max(hlc) FROM changes") { $0.isNull(0) ? nil : Timestamp(packed: $0.int64(0)) } ?? nil
            clock = HybridClock(last: ownLatest ?? .zero, maxSkewMilliseconds: clock.maxSkewMilliseconds, wallClock: configuration.wallClock)
            if let latest { clock.receive(latest) }
            return remake ? try remint(taken, touched: &touched).map(\.change) : []
        }
    }

    /// Makes `taken` again, in order, under the next dots and fresh stamps, with `supersedes`
    /// following the renumbering. Runs inside a write transaction.
    private func remint(_ taken: [Change], touched: inout Set<Int64>) throws -> [(from: Dot, change: Change)] {
        var moved: [Dot: Dot] = [:]
        var made: [(from: Dot, change: Change)] = []
        for old in taken {
            var change = old
            change.dot = Dot(replica: replicaID, seq: (progress[localOrd]?.maxSeq ?? 0) + 1)
            change.timestamp = clock.tick()
            change.supersedes = old.supersedes.map { moved[$0] ?? $0 }
            _ = try merge(change, touched: &touched)
            moved[old.dot] = change.dot
            made.append((old.dot, change))
        }
        return made
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
    public func adoptOwn(_ hubOwn: [Change], after known: UInt64, hubReceived: UInt64) throws -> Adoption {
        var report = Adoption()
        let own = hubOwn.filter { $0.dot.replica == replicaID }.sorted { $0.dot.seq < $1.dot.seq }
        let hubs = Dictionary(own.map { ($0.dot.seq, $0) }, uniquingKeysWith: { a, _ in a })
        // The first number this store used for something the hub holds differently — or does not
        // hold at all though it counts it (a change the hub refused and this line withdrew).
        var firstCollision: UInt64?
        let hubTop = max(hubReceived, own.last?.dot.seq ?? 0)
        try changes(from: replicaID, after: known) { batch in
            for local in batch where firstCollision == nil && local.dot.seq <= hubTop {
                if hubs[local.dot.seq] != local { firstCollision = local.dot.seq }
            }
        }
        for change in own where try self.change(change.dot) == nil && change.dot.seq < (firstCollision ?? .max) { report.recovered += 1 }
        try writing { touched in
            var taken: [Change] = []
            if let firstCollision {
                taken = try remove((firstCollision...max(firstCollision, progress[localOrd]?.maxSeq ?? firstCollision)).map { Dot(replica: replicaID, seq: $0) })
                report.recovered += own.filter { $0.dot.seq >= firstCollision }.count
            }
            // What this store numbers next comes after everything the hub counts.
            var p = progress[localOrd] ?? SeqProgress(contiguous: 0, maxSeq: 0)
            p.maxSeq = firstCollision.map { max(hubReceived, own.last?.dot.seq ?? 0, $0 - 1) } ?? max(p.maxSeq, hubReceived)
            p.contiguous = min(p.contiguous, p.maxSeq)
            progress[localOrd] = p
            touched.insert(localOrd)
            for change in own { _ = try merge(change, touched: &touched) }
            // Renumbered changes come after the hub's in stamp order too, as a replica's changes do.
            if let latest = own.map(\.timestamp).max() { clock.receive(latest) }
            report.renumbered = try remint(taken, touched: &touched).map { ($0.from, $0.change.dot) }
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
        // Records changed under a version vector that did not move: derived rows are made anew.
        if !taken.isEmpty { try db.run("DELETE FROM projections") }
        pendingCount = try db.first("SELECT count(*) FROM pending") { $0.int(0) } ?? 0
        return taken
    }

    /// The highest sequence number this replica has used.
    public var ownSeq: UInt64 {
        try? refreshIfChangedElsewhere()
        return progress[localOrd]?.maxSeq ?? 0
    }
}
