/// One value of a field as the store holds it: the value, and which change wrote it, where and when.
public struct Version: Hashable, Sendable {
    public let value: FieldValue
    public let dot: Dot
    public let timestamp: Timestamp
    public let author: String?

    public var hlc: HLC { HLC(timestamp, dot.replica) }
}

/// A field's current value(s). Concurrent writes are all kept; the one with the highest clock
/// stamp (then replica id) is shown as the value until a write that saw them all replaces them.
public struct Register: Hashable, Sendable {
    /// Every live value, the shown winner first, then by descending stamp.
    public let versions: [Version]

    public init(versions: [Version]) {
        self.versions = versions.sorted { $0.hlc > $1.hlc }
    }

    /// A register of one value: what nearly every field of a record read from the store holds.
    init(only version: Version) {
        versions = [version]
    }

    /// The value shown.
    public var value: FieldValue { versions[0].value }
    /// Whether concurrent writes are waiting for a person to choose.
    public var isConflict: Bool { versions.count > 1 }
}

/// A record's materialised state: what every replica holding the same changes shows.
public struct RecordState: Hashable, Sendable {
    public let id: String
    public let collection: String
    /// Single-value fields, by name.
    public internal(set) var fields: [String: Register] = [:]
    /// Set fields (multiple choice, tags), by name: elements in canonical order.
    public internal(set) var sets: [String: [FieldValue]] = [:]
    /// Live deletes of this record, latest first.
    public internal(set) var tombstones: [Version] = []

    public init(id: String, collection: String) {
        self.id = id
        self.collection = collection
    }

    /// Deleted, with nothing written concurrently with the delete. A delete spares reserved
    /// fields (``RetireRule``), so a deleted record still shows them.
    public var isDeleted: Bool { !tombstones.isEmpty && !hasContent }
    /// Deleted on one replica while edited on another: the edits are kept, and a person decides.
    public var hasDeleteConflict: Bool { !tombstones.isEmpty && hasContent }

    /// Whether any unreserved field has a live value.
    public var hasContent: Bool {
        fields.keys.contains { !RetireRule.isReserved($0) } || sets.keys.contains { !RetireRule.isReserved($0) }
    }

    /// The shown value of a single-value field.
    public subscript(field: String) -> FieldValue? { fields[field]?.value }

    /// The fields with concurrent values, ordered by the UTF-8 bytes of their names.
    public var conflictingFields: [String] {
        fields.filter(\.value.isConflict).map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// A conflict a person must resolve.
public struct Conflict: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Concurrent writes to one field.
        case field(String)
        /// The record was deleted while it was being edited elsewhere.
        case deleteWhileEdited
    }

    public let record: String
    public let collection: String
    public let kind: Kind
    /// The competing values (for a field), or the deletes (for a delete conflict), latest first.
    public let versions: [Version]
}

/// Everything a store shows, in a canonical form: two replicas holding the same changes have
/// equal snapshots.
public struct StoreSnapshot: Equatable, Sendable {
    public let records: [RecordState]
    public let conflicts: [Conflict]
    public let versionVector: VersionVector
}
