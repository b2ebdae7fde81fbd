import Foundation
import JSON
import Replication
import Synchronization
@testable import SyncClient
import SyncProtocol
import Testing

/// The pulls a syncing replica runs ahead of what it applies: they keep the hub busy, and they
/// stay bounded however slowly the replica applies.
@Suite struct PullAheadTests {
    /// A hub of endless pages: each reply names the next checkpoint. Counts the requests.
    final class EndlessHub: SyncTransport, @unchecked Sendable {
        let asked = Mutex<[Int64]>([])

        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            let checkpoint = (try? SyncCodec.request(JSONTree.parse(body)).checkpoint) ?? -1
            asked.withLock { $0.append(checkpoint) }
            return TransportReply(status: 200, body: Array("{}".utf8), headers: [SyncProtocol.nextCheckpointHeader.lowercased(): String(checkpoint + 10)])
        }

        var count: Int { asked.withLock { $0.count } }
    }

    static func settle() { Thread.sleep(forTimeInterval: 0.2) }

    static func chain(_ hub: EndlessHub) -> PullAhead {
        PullAhead(transport: hub, url: URL(string: "http://127.0.0.1:9")!, token: "t", verifying: false, checkpoint: 10) { checkpoint in
            var pull = SyncRequest(replica: ReplicaID(high: 1, low: 2), checkpoint: checkpoint, changes: [], maxBytes: 1_024)
            pull.protocol = SyncProtocol.version
            return SyncCodec.encode(pull)
        }
    }

    @Test func pullsRunAheadByTheDepthAndNoFurther() throws {
        let hub = EndlessHub()
        let ahead = Self.chain(hub)
        defer { ahead.stop() }
        Self.settle()
        // Nothing taken yet: exactly `depth` pulls left, however long the replica takes.
        #expect(hub.count == PullAhead.depth)
        Self.settle()
        #expect(hub.count == PullAhead.depth)
        // Each page taken lets one more pull leave, for the checkpoint after the last.
        let first = try #require(ahead.take(for: 10))
        #expect(try first.reply().status == 200)
        Self.settle()
        #expect(hub.asked.withLock { $0 } == [10, 20, 30])
        // A checkpoint the chain does not hold is not answered from it.
        #expect(ahead.take(for: 99) == nil)
        #expect(ahead.take(for: 20) != nil)
    }

    @Test func aStoppedChainSendsNothingMore() throws {
        let hub = EndlessHub()
        let ahead = Self.chain(hub)
        Self.settle()
        ahead.stop()
        #expect(ahead.isStopped)
        _ = ahead.take(for: 10)
        Self.settle()
        #expect(hub.count == PullAhead.depth, "the pull waiting for its place did not leave")
        #expect(ahead.take(for: 20) == nil)
    }
}
