import SQLite

/// Reading the store: records, history, conflicts, and what another replica lacks.
extension ReplicaStore {
    static let changeColumns = "c.key, c.hlc, r.id, r.collection, c.field, c.op, c.vtype, c.value, c.supersedes, c.author"

    /// Rebuilds a ``Change`` from a row of ``changeColumns``.
    func decodeChange(_ row: Statement) -> Change { decodeChange(row, offset: 0) }

    /// Rebuilds a ``Change`` from ``changeColumns`` starting at column `o`.
    /// `record` and `collection`: the row's, when the caller already read them (a walk of the
    /// arrival log does, for every arrival): not decoded from the row a second time.
    func decodeChange(_ row: Statement, offset o: Int32, record: String? = nil, collection: String? = nil) -> Change {
        let key = row.int64(o)
        let supersedes = row.isNull(o + 8) ? [] : StoredChange.decodeKeys(row.blob(o + 8)).map(dot(ofKey:))
        return Change(
            dot: dot(ofKey: key),
            timestamp: Timestamp(packed: row.int64(o + 1)),
            collection: collection ?? row.text(o + 3),
            record: record ?? row.text(o + 2),
            field: fieldNames[row.int64(o + 4)] ?? "",
            op: Operation(code: row.int64(o + 5)) ?? .set,
            value: StoredChange.value(row, tag: o + 6, value: o + 7),
            supersedes: supersedes,
            author: row.isNull(o + 9) ? nil : author(row, o + 9))
    }

    /// The author in column `index`: the one before when the bytes are the same (a page is
    /// mostly one unit's changes), so a walk neither allocates nor validates it again.
    private func author(_ row: Statement, _ index: Int32) -> String {
        if var last = lastAuthor {
            let same = row.withText(index) { bytes in last.withUTF8 { $0.elementsEqual(bytes) } }
            if same { return last }
        }
        let text = row.text(index)
        lastAuthor = text
        return text
    }

    func dot(ofKey key: Int64) -> Dot {
        // Every ord in a key was registered before the key was written.
        Dot(replica: replicaIDs[StoredChange.ord(ofKey: key)] ?? ReplicaID(high: 0, low: 0), seq: StoredChange.seq(ofKey: key))
    }

    func storedChange(key: Int64) throws -> Change? {
        try db.first("SELECT \(Self.changeColumns) FROM changes c JOIN records r ON r.ord = c.record WHERE c.key = ?",
                     key, map: decodeChange)
    }

    /// The change with this dot, if held.
    public func change(_ dot: Dot) throws -> Change? {
        try refreshIfChangedElsewhere()
        guard let ord = replicaOrds[dot.replica] else { return nil }
        return try storedChange(key: StoredChange.key(ord: ord, seq: dot.seq))
    }

    // MARK: Records

    private static let liveColumns = "e.key, e.field, e.op, c.hlc, c.vtype, c.value, c.author"

    /// Adds one live entry (a row of ``liveColumns`` at `offset`) to a record's state.
    private func accumulate(_ row: Statement, offset o: Int32, into state: inout RecordState) {
        let version = Version(
            value: StoredChange.value(row, tag: o + 4, value: o + 5) ?? .null,
            dot: dot(ofKey: row.int64(o)),
            timestamp: Timestamp(packed: row.int64(o + 3)),
            author: row.isNull(o + 6) ? nil : row.text(o + 6))
        let field = fieldNames[row.int64(o + 1)] ?? ""
        switch Operation(code: row.int64(o + 2)) {
        case .set: state.fields[field] = state.fields[field].map { Register(versions: $0.versions + [version]) } ?? Register(only: version)
        case .add:
            var elements = state.sets[field, default: []]
            if !elements.contains(version.value) { elements.append(version.value) }
            state.sets[field] = elements
        case .delete: state.tombstones.append(version)
        default: break
        }
    }

    private func finish(_ state: inout RecordState) {
        for field in state.sets.keys { state.sets[field]?.sort() }
        state.tombstones.sort { $0.hlc > $1.hlc }
    }

    /// A record's current state — fields, set fields, conflicts, tombstones — or `nil` if unknown.
    ///
    /// - Complexity: one index range scan over the record's entries.
    public func record(_ id: String) throws -> RecordState? {
        try refreshIfChangedElsewhere()
        guard let ref = try existingRecord(id) else { return nil }
        var state = RecordState(id: id, collection: ref.collection)
        try db.cached("""
            SELECT \(Self.liveColumns) FROM entries e JOIN changes c ON c.key = e.key
            WHERE e.record = ? AND e.live = 1
            """).forEach([ref.ord]) { accumulate($0, offset: 0, into: &state) }
        finish(&state)
        return state
    }

    /// A record's state restricted to `fields`: what a check that reads a few fields needs,
    /// without reading (and decoding) every value of the record.
    public func record(_ id: String, only fields: [String]) throws -> RecordState? {
        try refreshIfChangedElsewhere()
        guard let ref = try existingRecord(id) else { return nil }
        var state = RecordState(id: id, collection: ref.collection)
        let ords = fields.compactMap { fieldOrds[ByteKey($0)] }
        guard !ords.isEmpty else { return state }
        let marks = Array(repeating: "?", count: ords.count).joined(separator: ", ")
        try db.cached("""
            SELECT \(Self.liveColumns) FROM entries e JOIN changes c ON c.key = e.key
            WHERE e.record = ? AND e.live = 1 AND e.field IN (\(marks))
            """).forEach(([ref.ord] + ords).map { $0 as any SQLiteBindable }) { accumulate($0, offset: 0, into: &state) }
        finish(&state)
        return state
    }

    /// The records of a collection, ordered by id, deleted ones left out unless asked for,
    /// and kept only where `filter` says so.
    public func records(in collection: String, includeDeleted: Bool = false,
                        where filter: (RecordState) -> Bool = { _ in true }) throws -> [RecordState] {
        var result: [RecordState] = []
        try forEachRecord(in: collection, includeDeleted: includeDeleted) { if filter($0) { result.append($0) } }
        return result
    }

    /// Hands each record of a collection to `body` in id order, deleted ones left out unless asked
    /// for: one scan, and only one record in memory at a time, for readers that keep a line each.
    public func forEachRecord(in collection: String, includeDeleted: Bool = false,
                              _ body: (RecordState) throws -> Void) throws {
        try refreshIfChangedElsewhere()
        var current: RecordState?
        func flush() throws {
            guard var state = current else { return }
            current = nil
            finish(&state)
            if includeDeleted || !state.isDeleted { try body(state) }
        }
        // A statement of its own, not the cached one: `body` may read the store, records of
        // another collection included, while this one is still stepping.
        try db.prepare("""
            SELECT r.id, \(Self.liveColumns) FROM records r
            LEFT JOIN entries e ON e.record = r.ord AND e.live = 1
            LEFT JOIN changes c ON c.key = e.key
            WHERE r.collection = ? ORDER BY r.id
            """).forEach([collection]) { row in
            let id = row.text(0)
            if current?.id != id {
                try flush()
                current = RecordState(id: id, collection: collection)
            }
            if !row.isNull(1) { accumulate(row, offset: 1, into: &current!) }
        }
        try flush()
    }

    /// Every change ever made to a record, oldest first (by clock stamp): who, when, where, what.
    public func history(of id: String) throws -> [Change] {
        try refreshIfChangedElsewhere()
        guard let ref = try existingRecord(id) else { return [] }
        return try db.cached("""
            SELECT \(Self.changeColumns) FROM entries e JOIN changes c ON c.key = e.key
            JOIN records r ON r.ord = e.record WHERE e.record = ?
            """).map([ref.ord], decodeChange).sorted { $0.hlc < $1.hlc }
    }

    /// How large a record's history is: the bytes of its values and how many changes it has.
    public func historySize(of id: String) throws -> (valueBytes: Int, changes: Int) {
        try refreshIfChangedElsewhere()
        guard let ref = try existingRecord(id) else { return (0, 0) }
        return try db.cached("""
            SELECT COALESCE(SUM(length(CAST(c.value AS BLOB))), 0), count(*) FROM entries e JOIN changes c ON c.key = e.key WHERE e.record = ?
            """).first([ref.ord]) { ($0.int(0), $0.int(1)) } ?? (0, 0)
    }

    /// Every open conflict: fields with concurrent values, and records deleted while edited.
    /// Ordered by record id, then field name (delete conflicts first).
    public func conflicts() throws -> [Conflict] {
        try refreshIfChangedElsewhere()
        let ids = try db.rows("""
            SELECT r.id FROM entries e JOIN records r ON r.ord = e.record WHERE e.live = 1
            GROUP BY e.record
            HAVING count(DISTINCT CASE WHEN e.op = 0 THEN e.field END) < sum(e.op = 0)
                OR (sum(e.op = 3) > 0 AND sum(e.op <> 3) > 0)
            """, map: { $0.text(0) })
        var result: [Conflict] = []
        for id in ids.sorted() {
            guard let state = try record(id) else { continue }
            if state.hasDeleteConflict {
                result.append(Conflict(record: id, collection: state.collection, kind: .deleteWhileEdited, versions: state.tombstones))
            }
            for field in state.conflictingFields {
                result.append(Conflict(record: id, collection: state.collection, kind: .field(field),
                                       versions: state.fields[field]?.versions ?? []))
            }
        }
        return result
    }

    // MARK: Replication

    /// Streams the changes this store holds that a replica with `vector` lacks, in batches of at
    /// most `batchSize`: replica by replica, each in sequence order, so a receiver interrupted
    /// between batches holds gap-free prefixes and its vector says exactly where to resume.
    ///
    /// Memory stays bounded by one batch, whatever the total.
    public func changes(missingFrom vector: VersionVector, batchSize: Int = ReplicaStore.defaultBatchSize,
                        _ body: ([Change]) throws -> Void) throws {
        precondition(batchSize > 0)
        try refreshIfChangedElsewhere()
        var batch: [Change] = []
        batch.reserveCapacity(batchSize)
        for (replica, ord) in replicaOrds.sorted(by: { $0.key < $1.key }) {
            try stream(ord: ord, after: vector[replica], into: &batch, batchSize: batchSize, body)
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// Appends origin `ord`'s changes above sequence `seq` to `batch`, handing full batches to `body`.
    func stream(ord: Int64, after seq: UInt64, into batch: inout [Change], batchSize: Int,
                _ body: ([Change]) throws -> Void) throws {
        guard let p = progress[ord], p.maxSeq > seq else { return }
        let page = try db.cached("""
            SELECT \(Self.changeColumns) FROM changes c JOIN records r ON r.ord = c.record
            WHERE c.key > ? AND c.key <= ? ORDER BY c.key LIMIT ?
            """)
        var after = StoredChange.key(ord: ord, seq: seq)
        let last = StoredChange.key(ord: ord, seq: p.maxSeq)
        while after < last {
            var read = 0
            try page.forEach([after, last, batchSize - batch.count]) { row in
                batch.append(decodeChange(row))
                after = row.int64(0)
                read += 1
            }
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if read == 0 { break }
        }
    }

    /// Everything the store shows, canonically ordered, for comparing replicas.
    public func snapshot() throws -> StoreSnapshot {
        let collections = try db.rows("SELECT DISTINCT collection FROM records ORDER BY collection", map: { $0.text(0) })
        var records: [RecordState] = []
        for collection in collections {
            records += try self.records(in: collection, includeDeleted: true)
        }
        return StoreSnapshot(records: records.sorted { $0.id < $1.id }, conflicts: try conflicts(), versionVector: versionVector())
    }
}
