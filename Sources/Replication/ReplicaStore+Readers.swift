import SQLite

/// The arrival log's readers (``ReaderRule``): tagging what arrives, and walking one reader's part.
extension ReplicaStore {
    /// Tags the arrivals of the write under way with their records' keys, grown by what each
    /// record now has. Runs inside the write, before it commits.
    func tagArrivals() throws {
        guard let rule = configuration.readerRule, !untagged.isEmpty else { return }
        let tag = try db.cached("INSERT OR IGNORE INTO arrival_readers (reader, position) VALUES (?, ?)")
        for (ord, arrived) in untagged {
            let keys = try growKeys(ord, id: arrived.id, collection: arrived.collection, rule: rule)
            for position in arrived.positions {
                for key in keys { try tag.run([key, position]) }
            }
        }
        untagged = [:]
    }

    /// Every key record `ord` has now: those it had, grown by what `rule` says of its state and by
    /// `extra`. A record outside the rule's collection is everyone's.
    private func growKeys(_ ord: Int64, id: String, collection: String, rule: ReaderRule, extra: [String] = []) throws -> [String] {
        guard collection == rule.collection else { return [ReaderRule.everyone] }
        let state = try record(id, only: rule.fields) ?? RecordState(id: id, collection: collection)
        let grow = try db.cached("INSERT OR IGNORE INTO record_readers (record, reader) VALUES (?, ?)")
        for key in Set(rule.keys(state) + extra) { try grow.run([ord, key]) }
        return try db.cached("SELECT reader FROM record_readers WHERE record = ?").map([ord]) { $0.text(0) }
    }

    /// Gives `record` the reader `key` from now on (its later arrivals are tagged with it): a
    /// reader the record entered the scope of keeps it, whatever the rule says later.
    public func addReader(_ key: String, to record: String) throws {
        guard configuration.readerRule != nil, let ref = try existingRecord(record) else { return }
        try db.cached("INSERT OR IGNORE INTO record_readers (record, reader) VALUES (?, ?)").run([ref.ord, key])
    }

    /// The ids of the records tagged with `key` whose first change arrived at or before
    /// `position` (rare: a scan of the tags, for a directory change).
    public func records(taggedWith key: String, firstArrivedBy position: Int64) throws -> [String] {
        try db.cached("SELECT r.id FROM record_readers t JOIN records r ON r.ord = t.record WHERE t.reader = ? AND r.first_arrival <= ? ORDER BY r.ord")
            .map([key, position]) { $0.text(0) }
    }

    /// The most arms a walk's compound SELECT has (SQLite allows 500).
    static let maxArms = 400

    /// Walks the arrivals after `position` tagged with any of `readers`, in order, at most `limit`,
    /// while `body` returns `true`, as ``walkArrivals(after:limit:_:)`` does for every arrival.
    ///
    /// - Returns: how many arrivals `body` saw, and how far the log is covered: every arrival up
    ///   to `covered` was given to `body` or is tagged for none of `readers` (when `body` stopped
    ///   the walk, the position of the arrival it refused).
    public func walkArrivals(after position: Int64, limit: Int, readers: [String],
                             _ body: (borrowing Arrival) throws -> Bool) throws -> (seen: Int, covered: Int64) {
        let latest = try latestArrival()
        guard !readers.isEmpty else { return (0, max(position, latest)) }
        // A window of positions at a time, each key's positions read in order from its index and
        // merged (a compound SELECT's UNION, which SQLite merges as it goes and stops at the
        // limit): no sort of the whole window for a page of it. Past SQLite's 500 arms of a
        // compound, keys share arms, and an arm of several keys sorts its own.
        let window: Int64 = 16_384
        let perArm = (readers.count + Self.maxArms - 1) / Self.maxArms
        let arms = stride(from: 0, to: readers.count, by: perArm).map { Array(readers[$0..<min(readers.count, $0 + perArm)]) }
        // `a.seq IN (…)`: SQLite reads the positions in order and looks each arrival up, so the
        // rows (values and all) come in order with no sort of them either.
        let walk = try db.cached("""
            SELECT a.seq, r.first_arrival, \(Self.changeColumns)
            FROM arrivals a JOIN changes c ON c.key = a.key JOIN records r ON r.ord = c.record
            WHERE a.seq IN (
                \(arms.map { "SELECT position FROM arrival_readers WHERE reader IN (\(Array(repeating: "?", count: $0.count).joined(separator: ", "))) AND position > ? AND position <= ?" }.joined(separator: " UNION "))
                ORDER BY position LIMIT ?
            )
            ORDER BY a.seq
            """)
        var from = position
        var seen = 0
        while from < latest && seen < limit {
            let to = min(latest, from + window), wanted = limit - seen
            try walk.bind(arms.flatMap { $0.map { $0 as any SQLiteBindable } + [from, to] } + [Int64(wanted)])
            defer { try? walk.reset() }
            var rows = 0
            var last = from
            while try walk.step() {
                rows += 1
                let seq = walk.int64(0)
                let arrival = Arrival(position: seq, dot: dot(ofKey: walk.int64(2)), record: walk.text(4), collection: walk.text(5),
                                      opensRecord: !walk.isNull(1) && walk.int64(1) == seq, store: self, row: walk)
                if try !body(arrival) { return (seen, seq) }
                seen += 1
                last = seq
            }
            from = rows < wanted ? to : last
        }
        return (seen, from)
    }
}

extension ReplicaStore {
    /// The meta key that says every arrival is tagged with its readers.
    static let readersTaggedKey = "arrival readers tagged"

    /// Whether every arrival is tagged (``tagEveryArrival(extra:)`` ran, or the store began tagged).
    public func arrivalsTagged() throws -> Bool {
        if case .integer(1)? = try meta(Self.readersTaggedKey) { return true }
        return false
    }

    /// Every position tagged for at least one reader: `hub verify` finds those tagged for none.
    public func taggedPositions() throws -> Set<Int64> {
        var positions = Set<Int64>()
        try db.cached("SELECT DISTINCT position FROM arrival_readers").forEach([]) { positions.insert($0.int64(0)) }
        return positions
    }

    /// Tags every arrival from the records as they stand, with `extra` keys by record id: for a
    /// store that logged arrivals before it tagged them, once. A record's keys now include every
    /// key it had before (keys only grow), so nothing a reader could read is left out.
    public func tagEveryArrival(extra: [String: [String]]) throws {
        guard let rule = configuration.readerRule else { return }
        try db.transaction {
            let tag = try db.cached("INSERT OR IGNORE INTO arrival_readers (reader, position) VALUES (?, ?)")
            var keysOf: [Int64: [String]] = [:]
            try db.prepare("""
                SELECT a.seq, r.ord, r.id, r.collection FROM arrivals a
                JOIN changes c ON c.key = a.key JOIN records r ON r.ord = c.record ORDER BY a.seq
                """).forEach { row in
                let ord = row.int64(1)
                if keysOf[ord] == nil {
                    let id = row.text(2)
                    keysOf[ord] = try growKeys(ord, id: id, collection: row.text(3), rule: rule, extra: extra[id] ?? [])
                }
                for key in keysOf[ord] ?? [] { try tag.run([key, row.int64(0)]) }
            }
            try setMeta(Self.readersTaggedKey, .integer(1))
        }
    }
}
