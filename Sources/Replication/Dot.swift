/// One change's identity: the replica that made it and that replica's sequence number for it
/// (1, 2, 3, … with no gaps on the replica that made them).
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let replica: ReplicaID
    public let seq: UInt64

    public init(replica: ReplicaID, seq: UInt64) {
        self.replica = replica
        self.seq = seq
    }

    /// Sequence numbers stay below 2⁴⁰ so a dot packs into one SQLite integer key.
    public static let maxSeq: UInt64 = (1 << 40) - 1

    /// `<replica hex>:<seq>`, the form used on the wire and in messages.
    public var description: String { "\(replica.hex):\(seq)" }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let replica = ReplicaID(hex: parts[0]),
              parts[1].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              parts[1].utf8.count <= 13, let seq = UInt64(parts[1]), seq >= 1, seq <= Dot.maxSeq
        else { return nil }
        self.init(replica: replica, seq: seq)
    }

    public static func < (a: Dot, b: Dot) -> Bool { (a.replica, a.seq) < (b.replica, b.seq) }
}
