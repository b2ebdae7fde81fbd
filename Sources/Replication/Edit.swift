/// A local edit, turned by the store into a stamped ``Change`` that supersedes what this replica sees.
public enum Edit: Hashable, Sendable {
    /// Writes a single-value field, replacing every value this replica shows for it (this is also
    /// how a conflict is resolved).
    case set(collection: String, record: String, field: String, value: FieldValue)
    /// Adds an element to a set field.
    case add(collection: String, record: String, field: String, element: FieldValue)
    /// Removes an element from a set field (a concurrent add of it elsewhere wins).
    case remove(record: String, field: String, element: FieldValue)
    /// Deletes the record (values written concurrently elsewhere survive as a delete conflict).
    case delete(record: String)
    /// Takes back the deletes this replica sees, keeping the values written concurrently with them.
    case restore(record: String)

    public var record: String {
        switch self {
        case .set(_, let r, _, _), .add(_, let r, _, _), .remove(let r, _, _), .delete(let r), .restore(let r): r
        }
    }
}
