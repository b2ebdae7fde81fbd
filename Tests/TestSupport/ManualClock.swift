import Synchronization

/// A wall clock tests move by hand. Shared between stores, like one machine's clock.
public final class ManualClock: Sendable {
    private let millis: Mutex<Int64>

    public init(_ start: Int64 = 1_763_800_000_000) { millis = Mutex(start) }

    public var now: Int64 { millis.withLock { $0 } }

    public func advance(by ms: Int64) { millis.withLock { $0 += ms } }

    public func set(_ ms: Int64) { millis.withLock { $0 = ms } }

    /// The clock as a store's `wallClock`.
    public var reading: @Sendable () -> Int64 { { [self] in self.now } }
}
