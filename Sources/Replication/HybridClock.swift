/// A hybrid logical clock: stamps follow the wall clock when it moves forward, never go
/// backwards when it does not, and move past every stamp received — up to a bound.
///
/// A remote stamp further ahead of the local wall clock than ``maxSkewMilliseconds`` is taken in
/// only up to that bound, so one machine with its clock set to next year can neither drag every
/// clock forward with it nor make a store refuse what it sent: the stamp orders values, and
/// causality is carried by `supersedes`, not by stamps.
public struct HybridClock: Sendable {
    /// The latest stamp issued or received.
    public private(set) var last: Timestamp
    /// How far ahead of the local wall clock a remote stamp may be.
    public let maxSkewMilliseconds: Int64
    private let wallClock: @Sendable () -> Int64

    public init(last: Timestamp = .zero, maxSkewMilliseconds: Int64, wallClock: @escaping @Sendable () -> Int64) {
        self.last = last
        self.maxSkewMilliseconds = maxSkewMilliseconds
        self.wallClock = wallClock
    }

    /// The wall clock's reading now, in milliseconds since the epoch.
    public func now() -> Int64 { wallClock() }

    /// A new stamp for a local event, later than every stamp seen so far.
    public mutating func tick() -> Timestamp {
        let wall = wallClock()
        if wall > last.wall {
            last = Timestamp(wall: wall, counter: 0)
        } else {
            last = Self.bump(last)
        }
        return last
    }

    /// Refuses a remote stamp too far in the future, without changing the clock: what a hub asks
    /// of a change pushed to it.
    public func check(_ remote: Timestamp) throws(ClockError) {
        let now = wallClock()
        if remote.wall > now + maxSkewMilliseconds || remote.wall > Timestamp.maxWall {
            throw ClockError(remote: remote, localWall: now, maxSkewMilliseconds: maxSkewMilliseconds)
        }
    }

    /// Takes in a remote stamp: afterwards every local stamp is later than it, or than the local
    /// wall clock plus the bound if it is further ahead than that.
    public mutating func receive(_ remote: Timestamp) {
        let ceiling = Timestamp(wall: wallClock() + maxSkewMilliseconds, counter: 0)
        let remote = min(remote, ceiling)
        guard remote > last else { return }
        let wall = max(remote.wall, wallClock())
        last = wall == remote.wall ? Self.bump(remote) : Timestamp(wall: wall, counter: 0)
    }

    /// The next stamp after `t`; a full counter borrows the next millisecond rather than wrap.
    private static func bump(_ t: Timestamp) -> Timestamp {
        t.counter == .max ? Timestamp(wall: t.wall + 1, counter: 0) : Timestamp(wall: t.wall, counter: t.counter + 1)
    }
}

/// A remote stamp further in the future than the clock accepts.
public struct ClockError: Error, Equatable, CustomStringConvertible {
    public let remote: Timestamp
    public let localWall: Int64
    public let maxSkewMilliseconds: Int64

    public var description: String {
        let ahead = remote.wall - localWall
        return "clock stamp \(remote) is \(ahead) ms ahead of this machine's clock (the limit is \(maxSkewMilliseconds) ms); check the clock of the replica that made it, or this machine's"
    }
}
