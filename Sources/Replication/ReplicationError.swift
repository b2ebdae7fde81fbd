/// Why the store refused a change, a batch or an edit. Nothing of the refused batch is applied.
public enum ReplicationError: Error, Equatable, CustomStringConvertible {
    /// The change names a collection this store does not hold.
    case unknownCollection(String, dot: Dot?)
    /// The change breaks a rule of the data model; `reason` says which.
    case malformedChange(Dot?, reason: String)
    /// The record already exists in another collection.
    case collectionMismatch(record: String, existing: String, given: String)
    /// A different change arrived under a dot that is already used.
    case dotReused(Dot)
    /// A local edit names a record that does not exist.
    case noSuchRecord(String)
    /// A local edit writes a field of a deleted record.
    case recordDeleted(String)

    public var description: String {
        switch self {
        case .unknownCollection(let name, let dot):
            return "change \(dot.map(String.init(describing:)) ?? "") names unknown collection '\(name)'; this replica holds only its registered collections — upgrade the replica if the sender is newer"
        case .malformedChange(let dot, let reason):
            return "change \(dot.map(String.init(describing:)) ?? "(no dot)") is malformed: \(reason)"
        case .collectionMismatch(let record, let existing, let given):
            return "record \(record) belongs to collection '\(existing)', but a change puts it in '\(given)'"
        case .dotReused(let dot):
            return "dot \(dot) is already used by a different change; the sending replica's identity is shared or its store was copied — give it a new replica id"
        case .noSuchRecord(let id):
            return "no record \(id) on this replica (it may not be synced yet)"
        case .recordDeleted(let id):
            return "record \(id) is deleted; restore it before editing it"
        }
    }
}
