/// The data model's rules for a single change, checked before anything is written.
extension Change {
    /// Bounds that keep one change from hurting a store: generous for forms, small for abuse.
    public enum Limits {
        /// Bytes of UTF-8 (a Chinese character takes three).
        public static let fieldNameBytes = 256
        public static let collectionNameBytes = 64
        public static let authorBytes = 512
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
        guard !collection.isEmpty, collection.utf8.count <= Limits.collectionNameBytes,
              collection.utf8.allSatisfy(Self.isCollectionByte)
        else { throw fail("collection name '\(collection)' must be 1–\(Limits.collectionNameBytes) ASCII letters, digits, '-', '_' or '.'") }
        guard RecordID.isValid(record) else { throw fail("record id '\(record)' is not a lowercase UUID") }

        if op.isFieldLevel {
            guard !field.isEmpty else { throw fail("\(op.rawValue) needs a field name") }
            guard field.utf8.count <= Limits.fieldNameBytes else {
                throw fail("field name is \(field.utf8.count) bytes of UTF-8; at most \(Limits.fieldNameBytes)")
            }
            guard !field.unicodeScalars.contains(where: Self.isControl) else {
                throw fail("field name '\(field)' contains a control character")
            }
            if let violation = TextRule.violation(in: field) { throw fail("the field name \(violation.explanation)") }
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
        case .text(let s):
            if let violation = TextRule.violation(in: s) { throw fail("the text value \(violation.explanation)") }
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
        if let author, author.utf8.count > Limits.authorBytes {
            throw fail("author is \(author.utf8.count) bytes of UTF-8; at most \(Limits.authorBytes)")
        }
        if let author, let violation = TextRule.violation(in: author) { throw fail("the author \(violation.explanation)") }
    }

    private static func isCollectionByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }

    /// Unicode's control characters (general category Cc): C0, DEL and C1.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
