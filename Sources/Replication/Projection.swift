/// Rows derived from one collection's records, which the store keeps in its own file beside
/// them (``ReplicaStore/refresh(_:)``): one row per record, in the order of its key, so a layer
/// above reads a range of rows in order instead of every field of every record.
///
/// The rows are derived data: the change log stays the one truth. The store brings them up to date
/// from the records changed since the last refresh, and derives all of them again when
/// ``signature`` changes (what they depend on besides the records).
public protocol Projection {
    /// Names the rows in the store.
    var name: String { get }
    /// The collection whose records have rows.
    var collection: String { get }
    /// What the rows depend on besides the records: when it changes, every row is derived again.
    var signature: String { get }
    /// The row of one live record, or `nil` when it has none.
    func row(of record: RecordState) throws -> ProjectedRow?
}

/// One record's row: where it sorts, and what it holds.
public struct ProjectedRow: Sendable, Equatable {
    /// The row's place: rows are kept and read in the order of their keys, part by part (the
    /// record's id is appended as the last part, so every key is unique).
    public var key: [Part]
    /// What a reader gets back, as it was given.
    public var payload: String

    public init(key: [Part], payload: String) {
        self.key = key
        self.payload = payload
    }

    /// One part of a key: text sorts by its UTF-8 bytes, integers by value.
    public enum Part: Sendable, Equatable {
        case text(String)
        case int(Int64)
    }

    /// The key's bytes, ordered as the parts are: text escaped so that 0x00 ends it (0x00 → 01 01,
    /// 0x01 → 01 02), integers as 8 bytes big-endian with the sign bit flipped.
    static func encode(_ parts: [Part]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            switch part {
            case .text(let text):
                for b in text.utf8 {
                    switch b {
                    case 0x00: out += [0x01, 0x01]
                    case 0x01: out += [0x01, 0x02]
                    default: out.append(b)
                    }
                }
                out.append(0x00)
            case .int(let value):
                let bits = UInt64(bitPattern: value) ^ (1 << 63)
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            }
        }
        return out
    }

    /// The least byte string above every string that starts with `prefix`; `nil` when none is.
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF { bytes[bytes.count - 1] = last + 1; return bytes }
            bytes.removeLast()
        }
        return nil
    }
}
