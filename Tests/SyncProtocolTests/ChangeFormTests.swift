import Replication
import SyncProtocol
import Testing
import TestSupport

/// The form a chain hashes (PROTOCOL.md 2.11) spells numbers in decimal and the origin in hex,
/// written digit by digit into a buffer: held to the plain spelling of every value, at the edges
/// of a digit's count and at random.
@Suite struct ChangeFormTests {
    static func reference(_ c: Change) -> [UInt8] {
        func net(_ s: String) -> String { "\(s.utf8.count):\(s)," }
        func hex(_ w: UInt64) -> String { let h = String(w, radix: 16); return String(repeating: "0", count: 16 - h.count) + h }
        let value = c.value.map { if case .text(let t) = $0 { return "t" + t }; return "?" } ?? "-"
        return Array((net("tianbao-change-1") + "32:" + hex(c.dot.replica.high) + hex(c.dot.replica.low) + ","
            + net(String(c.dot.seq)) + net(String(c.timestamp.wall)) + net(String(c.timestamp.counter))
            + net(c.collection) + net(c.record) + net(c.field) + net(c.op.rawValue) + net(value) + "0:," + net("=" + (c.author ?? ""))).utf8)
    }

    @Test func numbersAndTheOriginAreSpelledAsPlainDecimalAndHex() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        let edges: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 999_999_999_999, 1_000_000_000_000, UInt64(Int64.max)]
        for round in 0..<2_000 {
            func pick() -> UInt64 { round < edges.count * 4 ? edges[round % edges.count] : random.next() >> (random.next() % 64) }
            let replica = ReplicaID(high: round % 3 == 0 ? 0 : random.next(), low: round % 5 == 0 ? UInt64.max : random.next())
            let change = Change(dot: Dot(replica: replica, seq: max(1, pick())),
                                timestamp: Timestamp(wall: Int64(pick() & UInt64(Int64.max)), counter: UInt16(truncatingIfNeeded: pick())),
                                collection: "submissions", record: "rec-\(round)", field: "项目名称", op: .set,
                                value: .text("值\(round)"), author: "福州市第一医院")
            #expect(ChangeEncoding.form(change) == Self.reference(change),
                    "round \(round), seed \(seed) (replay with TIANBAO_SEED=\(seed)): \(change.dot) \(change.timestamp)")
        }
    }
}
