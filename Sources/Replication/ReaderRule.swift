/// Who may read a collection's records, as keys a layer above names (the hub: a unit, the readers
/// of a unit's submitted records, everyone). A store that logs arrivals tags each arrival with
/// the keys of its record, so a walk for one reader reads the arrivals tagged for it instead of
/// every arrival (``ReplicaStore/walkArrivals(after:limit:readers:_:)``).
///
/// The keys are a filter before the layer above judges each record itself, never the judgement:
/// they must name every reader the record may have — a superset — and a record's keys only grow.
/// Each batch adds the keys its records have once it is applied (``keys`` of their states then);
/// an arrival is tagged with all its record's keys so far. Earlier arrivals keep their tags: a
/// reader meeting the first arrival tagged for it sends the record's whole history, as a record
/// entering its scope.
public struct ReaderRule: Sendable {
    /// The collection whose records have keys; every other record is read by ``everyone``.
    public let collection: String
    /// The fields ``keys`` reads.
    public let fields: [String]
    public let keys: @Sendable (RecordState) -> [String]

    /// The key of a record anyone may come to read.
    public static let everyone = "*"

    public init(collection: String, fields: [String], keys: @escaping @Sendable (RecordState) -> [String]) {
        self.collection = collection
        self.fields = fields
        self.keys = keys
    }
}
