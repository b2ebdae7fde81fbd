import SQLite

/// A value a replica keeps about itself beside its changes (``ReplicaStore/meta(_:)``): a number
/// or a text. The store's own type, so no SQLite type crosses its API.
public enum MetaValue: Hashable, Sendable {
    case integer(Int64)
    case text(String)

    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var text: String? { if case .text(let v) = self { v } else { nil } }

    init?(_ stored: SQLiteValue) {
        switch stored {
        case .integer(let v): self = .integer(v)
        case .text(let v): self = .text(v)
        default: return nil
        }
    }

    var stored: SQLiteValue {
        switch self {
        case .integer(let v): .integer(v)
        case .text(let v): .text(v)
        }
    }
}
