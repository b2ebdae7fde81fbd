/// A replica's identity: 128 random bits, made once when the replica is created and kept for its life.
///
/// Written as 32 lowercase hexadecimal digits. Replica ids are ordered by their bytes, which breaks
/// ties between equal clock stamps the same way on every replica.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A new random id (the system's cryptographic generator).
    public static func random() -> ReplicaID {
        var rng = SystemRandomNumberGenerator()
        return ReplicaID(high: rng.next(), low: rng.next())
    }

    /// Parses 32 hexadecimal digits (lowercase; uppercase is refused so one id has one spelling).
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 32, let high = Self.parseHex(utf8[0..<16]), let low = Self.parseHex(utf8[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    public var hex: String { Self.hex16(high) + Self.hex16(low) }
    public var description: String { hex }

    /// The 16 bytes, big-endian: the order ``<`` compares.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                  low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    public static func < (a: ReplicaID, b: ReplicaID) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }

    private static func parseHex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for c in digits {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    private static func hex16(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
