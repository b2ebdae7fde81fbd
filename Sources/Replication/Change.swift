/// What a change does to its record.
public enum Operation: String, Sendable, CaseIterable {
    /// Writes a field (a multi-value register); supersedes the field's values the writer saw.
    case set
    /// Adds an element to a set field; supersedes the tags of the same element the writer saw.
    case add
    /// Removes an element from a set field: supersedes the tags of that element the writer saw.
    case remove
    /// Deletes the record: leaves a tombstone and supersedes every value the deleter saw.
    case delete
    /// Takes back a delete: supersedes the tombstones the writer saw.
    case restore

    /// The stable number stored on disk.
    var code: Int64 {
        switch self {
        case .set: 0
        case .add: 1
        case .remove: 2
        case .delete: 3
        case .restore: 4
        }
    }

    init?(code: Int64) {
        switch code {
        case 0: self = .set
        case 1: self = .add
        case 2: self = .remove
        case 3: self = .delete
        case 4: self = .restore
        default: return nil
        }
    }

    /// Whether the change itself stays as a value (until superseded). Removes and restores only
    /// supersede.
    var leavesEntry: Bool { self == .set || self == .add || self == .delete }

    /// Whether the change concerns one field (`set`, `add`, `remove`) or the whole record.
    var isFieldLevel: Bool { self == .set || self == .add || self == .remove }
}

/// One change to one record, as made by one replica and replicated everywhere unchanged.
///
/// A change is identified by its ``dot``; applying it twice is the same as applying it once.
/// It names the values it supersedes (dots of the same record), which is all the causal
/// information merging needs: an entry is live exactly when no change of its record supersedes it.
public struct Change: Hashable, Sendable {
    public var dot: Dot
    public var timestamp: Timestamp
    public var collection: String
    /// The record's UUID (canonical lowercase form).
    public var record: String
    /// The field's name; empty for record-level operations (`delete`, `restore`).
    public var field: String
    public var op: Operation
    /// `set`: the new value; `add`/`remove`: the element; `delete`/`restore`: `nil`.
    public var value: FieldValue?
    /// Dots of the same record this change replaces: a set, kept in canonical order (ascending
    /// replica id, then sequence) without repeats, so two changes that list the same dots in
    /// another order are the same change.
    public var supersedes: [Dot] {
        didSet { supersedes = Self.canonical(supersedes) }
    }
    /// Who made the change, as the replica knew them (a person's name, or the unit).
    public var author: String?

    public init(dot: Dot, timestamp: Timestamp, collection: String, record: String, field: String,
                op: Operation, value: FieldValue?, supersedes: [Dot] = [], author: String? = nil) {
        self.dot = dot
        self.timestamp = timestamp
        self.collection = collection
        self.record = record
        self.field = field
        self.op = op
        // -0.0 is the same number as 0.0: one spelling, so equal changes are equal bytes.
        if case .real(let d)? = value, d == 0 { self.value = .real(0) } else { self.value = value }
        self.supersedes = Self.canonical(supersedes)
        self.author = author
    }

    static func canonical(_ dots: [Dot]) -> [Dot] {
        // Nearly every change lists zero or one dot, and many are already in order: no copy then.
        guard dots.count > 1 else { return dots }
        if zip(dots, dots.dropFirst()).allSatisfy({ $0 < $1 }) { return dots }
        var sorted = dots.sorted()
        var write = 1
        for read in 1..<sorted.count where sorted[read] != sorted[write - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }

    /// The full clock stamp, which orders concurrent values.
    public var hlc: HLC { HLC(timestamp, dot.replica) }
}
