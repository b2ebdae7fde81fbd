import SQLite

/// The merge path: remote changes and local edits both end here.
extension ReplicaStore {
    /// What applying a batch did.
    public struct ApplyReport: Equatable, Sendable {
        /// Changes new to this replica.
        public var applied = 0
        /// Changes it already held (a re-sent batch is harmless).
        public var duplicates = 0
        public init() {}
    }

    /// Merges changes from other replicas, all or nothing, in one durable transaction.
    ///
    /// Order, duplication and delay do not matter: a replica that holds the same changes ends in
    /// the same state. Every change is checked before anything is written, and a batch with one
    /// bad change leaves the store as it was.
    ///
    /// - Complexity: O(n) statements for n changes, each a key lookup or an append.
    @discardableResult
    public func apply(_ changes: [Change]) throws -> ApplyReport {
        try apply(changes, settingMeta: [])
    }

    /// Merges `changes` and stores `meta` values (see ``setMeta(_:_:)``) in the same transaction:
    /// a page pulled and the checkpoint after it are durable together, or not at all.
    @discardableResult
    public func apply(_ changes: [Change], settingMeta meta: [(String, MetaValue?)]) throws -> ApplyReport {
        try apply(changes, settingMeta: meta, thenCommit: [], author: nil).report
    }

    /// Merges changes ``check(_:)`` has passed, then makes local `edits` that follow from them, in
    /// one durable transaction (a hub's note of when a submission arrived is stored with it, or not
    /// at all). The checks are not run again.
    @discardableResult
    public func apply(_ checked: [CheckedChange], thenCommit edits: [Edit] = [], author: String? = nil) throws -> (report: ApplyReport, made: [Change]) {
        let mine = checked.allSatisfy { $0.checker == ObjectIdentifier(self) }
        return try apply(checked.map(\.change), settingMeta: [], thenCommit: edits, author: author, checked: mine)
    }

    /// Checks `change` against every rule that needs neither the tables nor the clock, writing
    /// nothing: what a layer above runs once per change before its own rules, so applying the
    /// ``CheckedChange`` does not run them again.
    public func check(_ change: Change) throws(ReplicationError) -> CheckedChange {
        try admit(change)
        return CheckedChange(change, checker: ObjectIdentifier(self))
    }

    private func apply(_ changes: [Change], settingMeta meta: [(String, MetaValue?)], thenCommit edits: [Edit],
                       author: String?, checked: Bool = false) throws -> (report: ApplyReport, made: [Change]) {
        var latest = changes.first
        for change in changes {
            if !checked { try admit(change) }
            if change.timestamp > latest!.timestamp { latest = change }
        }
        return try writing { touched in
            var report = ApplyReport()
            var rows = MergeRows()
            for change in changes {
                if try merge(change, touched: &touched, rows: &rows) { report.applied += 1 } else { report.duplicates += 1 }
            }
            try rows.flush(statements)
            if let latest { clock.receive(latest.timestamp) }
            let made = try commitInside(edits, author: author, touched: &touched)
            for (key, value) in meta { try setMeta(key, value) }
            return (report, made)
        }
    }

    /// Checks one change against every rule that needs neither the database nor the clock.
    func admit(_ change: Change) throws(ReplicationError) {
        try change.validate()
        guard configuration.collections.contains(change.collection) else {
            throw .unknownCollection(change.collection, dot: change.dot)
        }
    }

    /// Runs `body` in a write transaction, then saves the version vector and clock it moved.
    /// On failure the caches are reloaded, since they may hold what was rolled back.
    func writing<T>(_ body: (inout Set<Int64>) throws -> T) throws -> T {
        do {
            defer { writesSeen += 1 }
            return try db.transaction {
                // Under the write lock: what another process wrote is now visible and stable.
                try refreshIfChangedElsewhere()
                var touched: Set<Int64> = []
                let ownBefore = ownSeq
                untagged = [:]
                let result = try body(&touched)
                try tagArrivals()
                if touched.contains(localOrd), let sealOwnChanges { try sealOwnChanges(self, ownBefore) }
                let save = try db.cached("UPDATE replicas SET contiguous = ?, max_seq = ? WHERE ord = ?")
                for ord in touched {
                    guard let p = progress[ord] else { continue }
                    try save.run([Int64(p.contiguous), Int64(p.maxSeq), ord])
                }
                try db.run("INSERT INTO meta (key, value) VALUES ('clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           clock.last.packed)
                return result
            }
        } catch {
            try? reloadCaches()
            throw error
        }
    }

    /// Merges one change. Returns `false` when the store already held it.
    func merge(_ change: Change, touched: inout Set<Int64>) throws -> Bool {
        var rows = MergeRows()
        let merged = try merge(change, touched: &touched, rows: &rows)
        try rows.flush(statements)
        return merged
    }

    /// Merges one change of a batch. Its rows may wait in `rows`, which the caller flushes
    /// before anything reads the changes or the entries.
    func merge(_ change: Change, touched: inout Set<Int64>, rows: inout MergeRows) throws -> Bool {
        let ord = try ord(for: change.dot.replica)
        let key = StoredChange.key(ord: ord, seq: change.dot.seq)
        let (record, created) = try recordRef(change.record, collection: change.collection)
        var supersededKeys: [Int64] = []
        supersededKeys.reserveCapacity(change.supersedes.count)
        for dot in change.supersedes {
            supersededKeys.append(StoredChange.key(ord: try self.ord(for: dot.replica), seq: dot.seq))
        }

        let (vtype, value) = StoredChange.columns(change.value)
        let field = try fieldOrd(for: change.field)
        let row = MergeRows.ChangeRow(key: key, hlc: change.timestamp.packed, record: record.ord, field: field, op: change.op.code,
                                      vtype: vtype, value: value, supersedes: StoredChange.encodeKeys(supersededKeys), author: change.author)
        if change.dot.seq > progress[ord, default: SeqProgress(contiguous: 0, maxSeq: 0)].maxSeq {
            // Above all its origin's changes held (a repeat in the batch included: advance below
            // moved the mark), so new: its row may wait.
            try rows.append(row, statements)
        } else {
            try rows.flush(statements)
            guard try insertChecked(change, row) else { return false }
        }

        var live = change.op.leavesEntry
        if pendingCount > 0 {
            // Listed before it arrived: it arrives dead if a change that may retire it listed it.
            let take = statements.takePending
            try take.bind(integer: record.ord, at: 1)
            try take.bind(integer: key, at: 2)
            try take.bind(integer: field, at: 3)
            try take.bind(integer: change.op.code, at: 4)
            try take.bind(integer: RetireRule.isReserved(change.field) ? 1 : 0, at: 5)
            try take.execute()
            let retired = db.changes
            if retired > 0 && live { live = false }
            try statements.dropPending.bind(.integer(record.ord), at: 1)
            try statements.dropPending.bind(.integer(key), at: 2)
            try statements.dropPending.execute()
            pendingCount -= retired + db.changes
        }
        if change.field.utf8.first == UInt8(ascii: "_") && change.field.hasPrefix(Self.fileFieldPrefix) {
            try noteFileReference(change.field, record: record.ord)
        }
        try rows.appendEntry(record: record.ord, key: key, field: field, op: change.op.code, live: live, statements)

        if !supersededKeys.isEmpty {
            // What it retires is looked up and updated in the entries: every row before it written.
            try rows.flush(statements)
            let retire = switch change.op {
            case .set: statements.retireBySet
            case .add, .remove: statements.retireBySetElement
            case .delete: statements.retireByDelete
            case .restore: statements.retireByRestore
            }
            for superseded in supersededKeys {
                try retire.bind(integer: record.ord, at: 1)
                try retire.bind(integer: superseded, at: 2)
                if change.op.isFieldLevel { try retire.bind(integer: field, at: 3) }
                try retire.execute()
                guard db.changes == 0 else { continue }
                // Held but not this change's to retire: nothing. Not here yet: remember it, with
                // what listed it, so it arrives dead only if this change may retire it.
                if try statements.entryExists.first([record.ord, superseded], { _ in true }) == true { continue }
                let remember = statements.rememberPending
                try remember.bind(integer: record.ord, at: 1)
                try remember.bind(integer: superseded, at: 2)
                try remember.bind(integer: field, at: 3)
                try remember.bind(integer: change.op.code, at: 4)
                try remember.execute()
                pendingCount += db.changes
            }
        }

        if configuration.recordsArrivals {
            try statements.recordArrival.bind(integer: key, at: 1)
            try statements.recordArrival.execute()
            if configuration.readerRule != nil {
                untagged[record.ord, default: (change.record, change.collection, [])].positions.append(db.lastInsertRowID)
            }
            if created {
                try statements.markFirstArrival.bind(integer: db.lastInsertRowID, at: 1)
                try statements.markFirstArrival.bind(integer: record.ord, at: 2)
                try statements.markFirstArrival.execute()
            }
        }
        try advance(ord: ord, seq: change.dot.seq)
        touched.insert(ord)
        return true
    }

    /// Inserts a change the store may hold already: `false` if it holds this one, an error if it
    /// holds another under the same dot.
    private func insertChecked(_ change: Change, _ row: MergeRows.ChangeRow) throws -> Bool {
        try row.bind(to: statements.insertChange)
        try statements.insertChange.execute()
        guard db.changes == 1 else {
            guard try storedChange(key: row.key) == change else { throw ReplicationError.dotReused(change.dot) }
            return false
        }
        return true
    }

    /// Moves the version vector past `seq`, and past any changes held beyond it.
    private func advance(ord: Int64, seq: UInt64) throws {
        var p = progress[ord] ?? SeqProgress(contiguous: 0, maxSeq: 0)
        p.maxSeq = max(p.maxSeq, seq)
        if seq == p.contiguous + 1 {
            p.contiguous = seq
            let exists = statements.changeExists
            while p.contiguous < p.maxSeq,
                  try exists.first([StoredChange.key(ord: ord, seq: p.contiguous + 1)], { _ in true }) == true {
                p.contiguous += 1
            }
        }
        progress[ord] = p
    }

    /// The local number of a field name, registering the name on first sight.
    func fieldOrd(for name: String) throws -> Int64 {
        if let ord = fieldOrds[ByteKey(name)] { return ord }
        try db.run("INSERT INTO fields (name) VALUES (?)", name)
        let ord = db.lastInsertRowID
        fieldOrds[ByteKey(name)] = ord
        fieldNames[ord] = name
        return ord
    }

    /// The local number of a replica id, registering the id on first sight.
    func ord(for replica: ReplicaID) throws -> Int64 {
        if let ord = replicaOrds[replica] { return ord }
        try db.run("INSERT INTO replicas (id) VALUES (?)", replica.bytes)
        let ord = db.lastInsertRowID
        replicaOrds[replica] = ord
        replicaIDs[ord] = replica
        progress[ord] = SeqProgress(contiguous: 0, maxSeq: 0)
        return ord
    }

    /// The record's local number, creating the record on first sight (`created`); refuses a
    /// change that moves a record to another collection.
    func recordRef(_ id: String, collection: String) throws -> (ref: RecordRef, created: Bool) {
        let ref: RecordRef
        var created = false
        if let cached = recordCache[id] {
            ref = cached
        } else if let found = try existingRecord(id) {
            ref = found
        } else {
            try db.run("INSERT INTO records (id, collection) VALUES (?, ?)", id, collection)
            ref = RecordRef(ord: db.lastInsertRowID, collection: collection)
            created = true
            remember(id, ref)
        }
        guard ref.collection == collection else {
            throw ReplicationError.collectionMismatch(record: id, existing: ref.collection, given: collection)
        }
        return (ref, created)
    }

    /// The record's local number and collection, if the store has it.
    func existingRecord(_ id: String) throws -> RecordRef? {
        if let cached = recordCache[id] { return cached }
        guard let found = try db.first("SELECT ord, collection FROM records WHERE id = ?", id, map: {
            RecordRef(ord: $0.int64(0), collection: $0.text(1))
        }) else { return nil }
        remember(id, found)
        return found
    }

    /// Bounded, so memory stays flat however many records a stream brings.
    private func remember(_ id: String, _ ref: RecordRef) {
        if recordCache.count >= 50_000 { recordCache.removeAll(keepingCapacity: true) }
        recordCache[id] = ref
    }
}
