import Testing
import TestSupport
@testable import Replication

/// A walk for some readers gives exactly the arrivals tagged for any of them, in order, however
/// many readers it names (past the compound SELECT's arms too) and however it is paged.
@Suite struct ReaderWalkMergeTests {
    @Test(arguments: [1, 3, 450, 900])
    func aWalkForReadersIsTheLogFilteredByTheirTags(readerCount: Int) throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        var configuration = Replicas.configuration(clock: ManualClock())
        configuration.recordsArrivals = true
        configuration.readerRule = ReaderRule(collection: "forms", fields: ["readers"]) { state in
            state["readers"]?.text.map { $0.split(separator: ",").map(String.init) } ?? []
        }
        let store = try ReplicaStore(path: ":memory:", configuration: configuration)
        let pool = (0..<1_000).map { "k\($0)" }
        var keysOf: [String: Set<String>] = [:]
        var ids: [String] = []
        for i in 0..<300 {
            let id = RecordID.make(wallMilliseconds: 1_763_800_000_000 + Int64(i))
            let keys = Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in pool.randomElement(using: &rng)! })
            keysOf[id] = keys
            ids.append(id)
            _ = try store.commit([.set(collection: "forms", record: id, field: "readers", value: .text(keys.sorted().joined(separator: ","))),
                                  .set(collection: "forms", record: id, field: "name", value: .text("n\(i)"))])
        }
        for _ in 0..<600 {
            let id = ids.randomElement(using: &rng)!
            _ = try store.commit([.set(collection: "forms", record: id, field: "name", value: .text("e\(Int.random(in: 0..<1_000, using: &rng))"))])
        }
        var all: [(Int64, String)] = []
        try store.walkArrivals(after: 0, limit: .max) { all.append(($0.position, $0.record)); return true }

        for round in 0..<5 {
            let readers = Array(Set((0..<readerCount).map { _ in pool.randomElement(using: &rng)! })).sorted()
            let wanted = Set(readers)
            let start = Int64.random(in: 0...Int64(all.count / 2), using: &rng)
            let expected = all.filter { $0.0 > start && !(keysOf[$0.1] ?? []).isDisjoint(with: wanted) }.map(\.0)
            // Paged as a hub pages a pull: from where the last page's walk says the log is covered.
            var got: [Int64] = []
            var position = start
            while true {
                let limit = Int.random(in: 1...200, using: &rng)
                let walked = try store.walkArrivals(after: position, limit: limit, readers: readers) { got.append($0.position); return true }
                #expect(walked.seen <= limit)
                if walked.seen == 0 { break }
                position = walked.covered
            }
            #expect(got == expected, "round \(round), \(readers.count) readers [seed \(seed)]")
        }
    }
}
