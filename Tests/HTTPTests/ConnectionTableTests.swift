import Testing
@testable import HTTP

/// Who gives way at the connection cap, without sockets (the descriptors are -1: shutting them
/// down does nothing). ResourceExhaustionTests covers the same over real connections.
@Suite struct ConnectionTableTests {
    @Test func theConnectionIdleTheLongestGivesWayAndOneMidRequestNever() throws {
        var table = ConnectionTable()
        let a = try #require(table.admit(-1, capacity: 2) as Int?)
        let b = try #require(table.admit(-1, capacity: 2) as Int?)
        let aStarts = table.claim(a)
        #expect(aStarts)
        let c = try #require(table.admit(-1, capacity: 2) as Int?)   // b, the only idle one, gives way
        let bStarts = table.claim(b)
        #expect(!bStarts, "an evicted connection must not start a request")
        let cStarts = table.claim(c)
        #expect(cStarts)
        let refused = table.admit(-1, capacity: 2)                    // a and c mid-request: 503
        #expect(refused == nil)
        table.markIdle(a)                                              // a finished its request
        let d = table.admit(-1, capacity: 2)
        #expect(d != nil)
        let aStartsAgain = table.claim(a)
        #expect(!aStartsAgain)
        #expect(table.count == 4)                                      // until the evicted threads leave
        table.remove(a)
        table.remove(b)
        #expect(table.count == 2)
    }

    @Test func idleTimeRestartsWithEachRequest() throws {
        var table = ConnectionTable()
        let first = try #require(table.admit(-1, capacity: 2) as Int?)
        let second = try #require(table.admit(-1, capacity: 2) as Int?)
        _ = table.claim(first)
        table.markIdle(first)                                          // served, and idle again: now the newer
        let third = table.admit(-1, capacity: 2)
        #expect(third != nil)
        let secondStarts = table.claim(second), firstStarts = table.claim(first)
        #expect(!secondStarts)
        #expect(firstStarts)
    }
}
