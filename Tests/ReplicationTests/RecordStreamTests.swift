import Testing
import TestSupport
@testable import Replication

/// Records handed over one at a time: every one, in id order, even when the reader reads the
/// store (other records, other collections) before taking the next.
@Suite struct RecordStreamTests {
    @Test func aReaderThatReadsTheStoreStillGetsEveryRecordInOrder() throws {
        let store = try Replicas.memory()
        let ids = (1...25).map { RecordID.make(wallMilliseconds: 1_763_800_000_000 + Int64($0)) }
        for (i, id) in ids.enumerated() {
            _ = try store.commit([.set(collection: "forms", record: id, field: "name", value: .text("n\(i)"))])
        }
        let other = RecordID.make(wallMilliseconds: 1_763_900_000_000)
        _ = try store.commit([.set(collection: "orgs", record: other, field: "name", value: .text("单位"))])
        _ = try store.commit([.delete(record: ids[3])])

        var seen: [String] = []
        try store.forEachRecord(in: "forms") { state in
            seen.append(state.id)
            // What a command does per record: look something else up in the same store.
            let orgs = try store.records(in: "orgs").count
            let itself = try store.record(state.id)
            #expect(orgs == 1 && itself?["name"] != nil)
        }
        #expect(seen == ids.filter { $0 != ids[3] })
        var all: [String] = []
        try store.forEachRecord(in: "forms", includeDeleted: true) { all.append($0.id) }
        #expect(all == ids)
    }
}
