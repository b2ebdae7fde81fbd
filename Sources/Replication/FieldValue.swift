/// A value held by a field: what a form answer can be, independent of any form.
///
/// Reals must be finite: NaN is not equal to itself, which would break "same changes, same state".
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])

    /// The stable type tag used on disk and to order values of different kinds.
    public var typeTag: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .int: 2
        case .real: 3
        case .text: 4
        case .bytes: 5
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .real(let d): String(d)
        case .text(let s): s
        case .bytes(let b): "<\(b.count) bytes>"
        }
    }

    public var text: String? { if case .text(let s) = self { s } else { nil } }
}

extension FieldValue: Comparable {
    /// A total order used wherever a list of values must come out the same on every replica
    /// (set elements): by type tag, then by value; text by its UTF-8 bytes.
    public static func < (a: FieldValue, b: FieldValue) -> Bool {
        if a.typeTag != b.typeTag { return a.typeTag < b.typeTag }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return !x && y
        case (.int(let x), .int(let y)): return x < y
        case (.real(let x), .real(let y)): return x < y
        case (.text(let x), .text(let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
        default: return false
        }
    }
}
