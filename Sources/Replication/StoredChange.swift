import SQLite

/// How changes are laid out in the store's tables: dot keys, value columns, superseded lists.
enum StoredChange {
    /// A dot as one integer: the replica's local number in the high bits, the sequence below.
    static func key(ord: Int64, seq: UInt64) -> Int64 { ord << 40 | Int64(seq) }
    static func ord(ofKey key: Int64) -> Int64 { key >> 40 }
    static func seq(ofKey key: Int64) -> UInt64 { UInt64(key & Int64(Dot.maxSeq)) }

    /// The value's type tag and column value (`nil` tag: the operation carries no value).
    static func columns(_ value: FieldValue?) -> (SQLiteValue, SQLiteValue) {
        guard let value else { return (.null, .null) }
        let tag = SQLiteValue.integer(Int64(value.typeTag))
        switch value {
        case .null: return (tag, .null)
        case .bool(let b): return (tag, .integer(b ? 1 : 0))
        case .int(let i): return (tag, .integer(i))
        case .real(let d): return (tag, .real(d))
        case .text(let s): return (tag, .text(s))
        case .bytes(let b): return (tag, .blob(b))
        }
    }

    /// Reads a value back from its type tag column and value column.
    static func value(_ row: Statement, tag: Int32, value column: Int32) -> FieldValue? {
        guard !row.isNull(tag) else { return nil }
        switch row.int64(tag) {
        case 1: return .bool(row.int64(column) != 0)
        case 2: return .int(row.int64(column))
        case 3: return .real(row.double(column))
        case 4: return .text(row.text(column))
        case 5: return .bytes(row.blob(column))
        default: return .null
        }
    }

    /// Superseded dots as 8-byte big-endian keys, one after another.
    static func encodeKeys(_ keys: [Int64]) -> SQLiteValue {
        guard !keys.isEmpty else { return .null }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * 8)
        for key in keys {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: key >> Int64(shift))) }
        }
        return .blob(bytes)
    }

    static func decodeKeys(_ bytes: [UInt8]) -> [Int64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            bytes[start..<(start + 8)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        }
    }
}
