/// The data model's rules for a single change, checked before anything is written.
extension Change {
    /// Bounds that keep one change from hurting a store: generous for forms, small for abuse.
    public enum Limits {
        public static let fieldNameCharacters = 128
        public static let collectionNameCharacters = 64
        public static let authorCharacters = 200
        public static let valueBytes = 1 << 20
        public static let supersedes = 4_096
    }

    /// Throws ``ReplicationError/malformedChange(_:reason:)`` naming the first rule broken.
    public func validate() throws(ReplicationError) {
        func fail(_ reason: String) -> ReplicationError { .malformedChange(dot, reason: reason) }

        guard dot.seq >= 1, dot.seq <= Dot.maxSeq else { throw fail("sequence \(dot.seq) is outside 1…\(Dot.maxSeq)") }
        guard timestamp.wall > 0, timestamp.wall <= Timestamp.maxWall else {
            throw fail("clock stamp \(timestamp) is not a time after 1970")
        }
        guard !collection.isEmpty, collection.count <= Limits.collectionNameCharacters,
              collection.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0)) })
        else { throw fail("collection name '\(collection)' must be 1–\(Limits.collectionNameCharacters) ASCII letters, digits, '-', '_' or '.'") }
        guard RecordID.isValid(record) else { throw fail("record id '\(record)' is not a lowercase UUID") }

        if op.isFieldLevel {
            guard !field.isEmpty else { throw fail("\(op.rawValue) needs a field name") }
            guard field.count <= Limits.fieldNameCharacters else {
                throw fail("field name is \(field.count) characters; at most \(Limits.fieldNameCharacters)")
            }
            guard !field.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fail("field name '\(field)' contains a control character")
            }
        } else if !field.isEmpty {
            throw fail("\(op.rawValue) concerns the whole record and takes no field (got '\(field)')")
        }

        switch (op, value) {
        case (.set, nil): throw fail("set needs a value (use null to clear a field)")
        case (.add, nil), (.remove, nil), (.add, .null), (.remove, .null):
            throw fail("\(op.rawValue) needs a non-null element")
        case (.delete, .some), (.restore, .some): throw fail("\(op.rawValue) takes no value")
        default: break
        }
        switch value {
        case .real(let d) where !d.isFinite: throw fail("value \(d) is not a finite number")
        case .text(let s) where s.utf8.count > Limits.valueBytes:
            throw fail("text value is \(s.utf8.count) bytes; at most \(Limits.valueBytes)")
        case .bytes(let b) where b.count > Limits.valueBytes:
            throw fail("binary value is \(b.count) bytes; at most \(Limits.valueBytes)")
        default: break
        }

        guard supersedes.count <= Limits.supersedes else {
            throw fail("supersedes \(supersedes.count) dots; at most \(Limits.supersedes)")
        }
        for superseded in supersedes {
            guard superseded != dot else { throw fail("a change cannot supersede itself") }
            guard superseded.seq >= 1, superseded.seq <= Dot.maxSeq else {
                throw fail("superseded dot \(superseded) has a sequence outside 1…\(Dot.maxSeq)")
            }
        }
        if let author, author.count > Limits.authorCharacters {
            throw fail("author is \(author.count) characters; at most \(Limits.authorCharacters)")
        }
    }
}
