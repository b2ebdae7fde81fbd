import SQLite

/// Local edits: stamped with this replica's next dot and clock, superseding what it sees.
extension ReplicaStore {
    /// Applies local edits in one durable transaction and returns the changes they made.
    ///
    /// Each edit sees the ones before it. An edit that would change nothing (removing an element
    /// that is not there, restoring a record that is not deleted) makes no change.
    @discardableResult
    public func commit(_ edits: [Edit], author: String? = nil) throws -> [Change] {
        try writing { touched in try commitInside(edits, author: author, touched: &touched) }
    }

    /// Makes and merges `edits` inside a write transaction already open.
    func commitInside(_ edits: [Edit], author: String?, touched: inout Set<Int64>) throws -> [Change] {
        var made: [Change] = []
        for edit in edits {
            guard let change = try makeChange(edit, author: author) else { continue }
            try change.validate()
            guard configuration.collections.contains(change.collection) else {
                throw ReplicationError.unknownCollection(change.collection, dot: nil)
            }
            _ = try merge(change, touched: &touched)
            made.append(change)
        }
        return made
    }

    private func makeChange(_ edit: Edit, author: String?) throws -> Change? {
        func stamp(_ collection: String, _ field: String, _ op: Operation, _ value: FieldValue?, _ supersedes: [Dot]) -> Change {
            let seq = (progress[localOrd]?.maxSeq ?? 0) + 1
            return Change(dot: Dot(replica: replicaID, seq: seq), timestamp: clock.tick(), collection: collection,
                          record: edit.record, field: field, op: op, value: value, supersedes: supersedes, author: author)
        }
        switch edit {
        case .set(let collection, let record, let field, let value):
            // Reserved fields outlive a delete (RetireRule), and stay writable on a deleted record.
            let ref = RetireRule.isReserved(field) ? try existingRecord(record) : try editable(record, required: false)
            let seen = try ref.map { try liveDots($0, field: field, op: .set).map(\.dot) } ?? []
            return stamp(collection, field, .set, value, seen)
        case .add(let collection, let record, let field, let element):
            let ref = try editable(record, required: false)
            let seen = try ref.map { try liveDots($0, field: field, op: .add, element: element).map(\.dot) } ?? []
            return stamp(collection, field, .add, element, seen)
        case .remove(let record, let field, let element):
            guard let ref = try editable(record, required: true) else { return nil }
            let seen = try liveDots(ref, field: field, op: .add, element: element).map(\.dot)
            return seen.isEmpty ? nil : stamp(ref.collection, field, .remove, element, seen)
        case .delete(let record):
            guard let ref = try existingRecord(record) else { throw ReplicationError.noSuchRecord(record) }
            // What a delete may retire (RetireRule): earlier tombstones and unreserved fields.
            let seen = try liveDots(ref).filter { RetireRule.retires(.delete, "", entry: $0.op, $0.field) }
            let onlyTombstones = !seen.contains { $0.op != .delete }
            return onlyTombstones ? nil : stamp(ref.collection, "", .delete, nil, seen.map(\.dot))
        case .restore(let record):
            guard let ref = try existingRecord(record) else { throw ReplicationError.noSuchRecord(record) }
            let seen = try liveDots(ref, op: .delete).map(\.dot)
            return seen.isEmpty ? nil : stamp(ref.collection, "", .restore, nil, seen)
        }
    }

    /// The record, checked to be writable: known (when `required`) and not deleted.
    private func editable(_ id: String, required: Bool) throws -> RecordRef? {
        guard let ref = try existingRecord(id) else {
            if required { throw ReplicationError.noSuchRecord(id) }
            return nil
        }
        if try !liveDots(ref, op: .delete).isEmpty { throw ReplicationError.recordDeleted(id) }
        return ref
    }

    /// A record's live entries, narrowed to a field, an operation and an element.
    private func liveDots(_ ref: RecordRef, field: String? = nil, op: Operation? = nil,
                          element: FieldValue? = nil) throws -> [(dot: Dot, op: Operation, field: String)] {
        var found: [(dot: Dot, op: Operation, field: String)] = []
        // A field this store has never seen has no live values.
        let fieldOrd = field.map { fieldOrds[ByteKey($0)] ?? -1 }
        try db.cached("""
            SELECT e.key, e.field, e.op, c.vtype, c.value FROM entries e JOIN changes c ON c.key = e.key
            WHERE e.record = ? AND e.live = 1
            """).forEach([ref.ord]) { row in
            if let fieldOrd, row.int64(1) != fieldOrd { return }
            if let op, row.int64(2) != op.code { return }
            if let element, StoredChange.value(row, tag: 3, value: 4) != element { return }
            found.append((dot(ofKey: row.int64(0)), Operation(code: row.int64(2)) ?? .set, fieldNames[row.int64(1)] ?? ""))
        }
        return found
    }
}
