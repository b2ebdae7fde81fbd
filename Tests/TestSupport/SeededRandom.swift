/// A small, fast, seedable generator (SplitMix64), so a randomised test replays exactly from its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed from the environment variable `name` when set (to replay a failure), else a fresh one.
    public static func seed(fromEnvironment name: String) -> UInt64 {
        if let text = ProcessInfoLite.environment(name), let seed = UInt64(text) { return seed }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }
}

/// An error of a seeded test, with the seed that replays it.
public struct SeededFailure: Error, CustomStringConvertible {
    public let underlying: any Error
    public let seed: UInt64
    public var description: String { "\(underlying) [seed \(seed) — replay with TIANBAO_SEED=\(seed)]" }
}

/// Runs a seeded test's body; an error it throws carries the seed, so every failure prints it.
public func reportingSeed<T>(_ seed: UInt64, _ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw SeededFailure(underlying: error, seed: seed) }
}
