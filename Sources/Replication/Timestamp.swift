/// The time part of a hybrid logical clock stamp: wall-clock milliseconds and a counter that
/// orders events within one millisecond (or while the wall clock stands still or goes back).
///
/// A full stamp is a timestamp and the replica that made it: see ``HLC``.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public let wall: Int64
    public let counter: UInt16

    public init(wall: Int64, counter: UInt16) {
        self.wall = wall
        self.counter = counter
    }

    public static let zero = Timestamp(wall: 0, counter: 0)

    /// Both parts in one integer that sorts like the timestamp: `wall << 16 | counter`.
    public var packed: Int64 { wall << 16 | Int64(counter) }

    public init(packed: Int64) {
        self.init(wall: packed >> 16, counter: UInt16(truncatingIfNeeded: packed))
    }

    /// The largest wall time that still packs into 64 bits (year ≈ 6400).
    public static let maxWall: Int64 = Int64.max >> 16

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.packed < b.packed }

    public var description: String { "\(wall).\(counter)" }
}

/// A full hybrid logical clock stamp: timestamp, then replica id as the tie-break.
///
/// Stamps are totally ordered and unique per change, so "the highest stamp wins" picks the same
/// winner on every replica.
public struct HLC: Hashable, Comparable, Sendable {
    public let timestamp: Timestamp
    public let replica: ReplicaID

    public init(_ timestamp: Timestamp, _ replica: ReplicaID) {
        self.timestamp = timestamp
        self.replica = replica
    }

    public static func < (a: HLC, b: HLC) -> Bool {
        (a.timestamp, a.replica) < (b.timestamp, b.replica)
    }
}
