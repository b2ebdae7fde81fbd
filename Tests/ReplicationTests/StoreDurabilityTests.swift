import Testing
import SQLite
import Replication
import TestSupport

@Suite struct StoreDurabilityTests {
    @Test func aReopenedStoreKeepsItsIdentityStateAndClock() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let path = dir.file("replica.sqlite")
        let r = RecordID.make(wallMilliseconds: clock.now)
        var config = Replicas.configuration(clock: clock)
        config.synchronous = .full
        let store = try ReplicaStore(path: path, configuration: config)
        try store.commit([.set(collection: "forms", record: r, field: "项目名称", value: .text("智慧病房"))])
        let id = store.replicaID
        let snapshot = try store.snapshot()
        let last = store.lastTimestamp
        store.close()

        clock.advance(by: -60_000)  // the machine's clock went back while it was closed
        let reopened = try ReplicaStore(path: path, configuration: config)
        #expect(reopened.replicaID == id)
        #expect(try reopened.snapshot() == snapshot)
        let next = try reopened.commit([.set(collection: "forms", record: r, field: "项目名称", value: .text("智慧病房二期"))])
        #expect(next[0].timestamp > last)
        #expect(next[0].dot.seq == 2)
    }

    @Test func changesStreamInBoundedBatchesAndResumeFromTheVector() throws {
        let clock = ManualClock()
        let a = try Replicas.memory(clock: clock, id: Replicas.id(1))
        let b = try Replicas.memory(clock: clock, id: Replicas.id(2))
        let fresh = try Replicas.memory(clock: clock, id: Replicas.id(3))
        for i in 0..<25 {
            try a.commit([.set(collection: "forms", record: RecordID.make(wallMilliseconds: 1), field: "n", value: .int(Int64(i)))])
            try b.commit([.set(collection: "forms", record: RecordID.make(wallMilliseconds: 2), field: "n", value: .int(Int64(i)))])
        }
        try Replicas.sync(from: b, to: a)
        var sizes: [Int] = []
        var delivered = 0
        // The link drops after three batches.
        try a.changes(missingFrom: fresh.versionVector(), batchSize: 7) { batch in
            sizes.append(batch.count)
            if sizes.count <= 3 {
                delivered += try fresh.apply(batch).applied
            }
        }
        #expect(sizes == [7, 7, 7, 7, 7, 7, 7, 1])
        #expect(delivered == 21)
        // Resuming from the vector sends exactly the rest.
        var rest = 0
        try a.changes(missingFrom: fresh.versionVector(), batchSize: 7) { rest += try fresh.apply($0).applied }
        #expect(rest == 29)
        #expect(try fresh.snapshot().records == a.snapshot().records)
        #expect(fresh.versionVector() == a.versionVector())
    }

    @Test func twoConnectionsToOneFileSeeEachOthersWrites() throws {
        // `tianbao hub import` writes to the hub's file while `tianbao serve` holds it open.
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let path = dir.file("shared.sqlite")
        let server = try ReplicaStore(path: path, configuration: Replicas.configuration(clock: clock))
        let other = try ReplicaStore(path: path, configuration: Replicas.configuration(clock: clock))
        let remote = try Replicas.memory(clock: clock, id: Replicas.id(9))
        let r = RecordID.make(wallMilliseconds: clock.now)
        let first = try remote.commit([.set(collection: "forms", record: r, field: "f", value: .text("1"))])
        try other.apply(first)   // registers replica 9 through the other connection
        #expect(server.versionVector()[Replicas.id(9)] == 1)
        #expect(try server.record(r)?["f"] == .text("1"))
        let second = try remote.commit([.set(collection: "forms", record: r, field: "f", value: .text("2"))])
        try server.apply(second)  // would collide on the replica's number with stale caches
        #expect(try other.record(r)?["f"] == .text("2"))
        #expect(other.versionVector() == server.versionVector())
    }
}
