/// For each replica, the highest sequence number up to which every change of that replica is held.
///
/// A vector summarises what a replica has seen; comparing two tells which changes one side lacks.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [ReplicaID: UInt64]

    public init(_ entries: [ReplicaID: UInt64] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    /// The contiguous sequence held for `replica` (0 when none).
    public subscript(replica: ReplicaID) -> UInt64 {
        get { entries[replica] ?? 0 }
        set { entries[replica] = newValue == 0 ? nil : newValue }
    }

    /// Whether the change `dot` is covered.
    public func contains(_ dot: Dot) -> Bool { dot.seq <= self[dot.replica] }

    /// The pointwise maximum: what either side has seen.
    public func merging(_ other: VersionVector) -> VersionVector {
        VersionVector(entries.merging(other.entries, uniquingKeysWith: max))
    }

    public mutating func merge(_ other: VersionVector) { self = merging(other) }

    /// How two vectors relate.
    public enum Order: Equatable, Sendable {
        case equal
        /// This vector has seen strictly less than the other.
        case before
        /// This vector has seen strictly more than the other.
        case after
        /// Each has seen something the other has not.
        case concurrent
    }

    public func compare(_ other: VersionVector) -> Order {
        var less = false, greater = false
        for replica in Set(entries.keys).union(other.entries.keys) {
            let a = self[replica], b = other[replica]
            if a < b { less = true }
            if a > b { greater = true }
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// The sequence ranges this vector covers that `other` lacks, by replica.
    ///
    /// - Complexity: O(number of replicas).
    public func missing(from other: VersionVector) -> [ReplicaID: ClosedRange<UInt64>] {
        var result: [ReplicaID: ClosedRange<UInt64>] = [:]
        for (replica, seq) in entries where seq > other[replica] {
            result[replica] = (other[replica] + 1)...seq
        }
        return result
    }

    public var description: String {
        "[" + entries.sorted { $0.key < $1.key }.map { "\($0.key.hex):\($0.value)" }.joined(separator: ", ") + "]"
    }
}
