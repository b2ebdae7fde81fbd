import Testing
import Replication
import TestSupport

@Suite struct HybridClockTests {
    @Test func followsTheWallClockWhenItMovesForward() {
        let wall = ManualClock(1_000)
        var clock = HybridClock(maxSkewMilliseconds: 60_000, wallClock: wall.reading)
        #expect(clock.tick() == Timestamp(wall: 1_000, counter: 0))
        wall.advance(by: 5)
        #expect(clock.tick() == Timestamp(wall: 1_005, counter: 0))
    }

    @Test func neverGoesBackwardsWhenTheWallClockStandsStillOrGoesBack() {
        let wall = ManualClock(1_000)
        var clock = HybridClock(maxSkewMilliseconds: 60_000, wallClock: wall.reading)
        var previous = clock.tick()
        for step in 0..<1_000 {
            if step % 7 == 0 { wall.advance(by: -3) }
            if step % 11 == 0 { wall.advance(by: 2) }
            let next = clock.tick()
            #expect(next > previous)
            previous = next
        }
    }

    @Test func aFullCounterBorrowsTheNextMillisecond() {
        let wall = ManualClock(1_000)
        var clock = HybridClock(last: Timestamp(wall: 1_000, counter: .max), maxSkewMilliseconds: 0, wallClock: wall.reading)
        #expect(clock.tick() == Timestamp(wall: 1_001, counter: 0))
    }

    @Test func receivingMovesPastTheRemoteStamp() throws {
        let wall = ManualClock(1_000)
        var clock = HybridClock(maxSkewMilliseconds: 60_000, wallClock: wall.reading)
        _ = clock.tick()
        let remote = Timestamp(wall: 1_500, counter: 9)
        clock.receive(remote)
        #expect(clock.last == Timestamp(wall: 1_500, counter: 10))
        #expect(clock.tick() > remote)
        // A remote stamp in the past changes nothing.
        clock.receive(Timestamp(wall: 10, counter: 0))
        #expect(clock.last == Timestamp(wall: 1_500, counter: 11))
    }

    @Test func takesFarFutureStampsOnlyUpToTheBound() throws {
        let wall = ManualClock(1_000_000)
        var clock = HybridClock(maxSkewMilliseconds: 5_000, wallClock: wall.reading)
        clock.receive(Timestamp(wall: 1_005_000, counter: 0))  // exactly at the bound
        #expect(clock.last == Timestamp(wall: 1_005_000, counter: 1))
        clock.receive(Timestamp(wall: 31_536_000_000 + 1_000_000, counter: 0))  // a year ahead
        #expect(clock.last == Timestamp(wall: 1_005_000, counter: 1))
        // The hub still refuses such a stamp when it is pushed to it.
        do {
            try clock.check(Timestamp(wall: 2_000_000, counter: 0))
            Issue.record("a stamp beyond the bound passed the check")
        } catch {
            #expect(error.description.contains("ahead of this machine's clock"))
            #expect(error.description.contains("5000 ms"))
        }
    }

    @Test func packingPreservesOrder() {
        let stamps = [Timestamp(wall: 1, counter: 0), Timestamp(wall: 1, counter: 65_535), Timestamp(wall: 2, counter: 0),
                      Timestamp(wall: Timestamp.maxWall, counter: 1)]
        for (a, b) in zip(stamps, stamps.dropFirst()) {
            #expect(a.packed < b.packed)
            #expect(Timestamp(packed: b.packed) == b)
        }
    }
}
