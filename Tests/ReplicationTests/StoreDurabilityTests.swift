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
        config.durability = .powerLoss
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

@Suite struct RetireRuleMigrationTests {
    /// A store written under the earlier rule (a listing retired any entry of its record) is
    /// replayed under the per-field rule when opened, so it shows what a fresh clone shows.
    @Test func aStoreFromTheEarlierRuleIsReplayedPerField() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let path = dir.file("replica.sqlite")
        let config = Replicas.configuration(clock: clock)
        let r = "01900000-0000-7000-8000-000000000001"
        let a = Replicas.id(1), b = Replicas.id(2)
        func change(_ origin: ReplicaID, _ seq: UInt64, _ field: String, _ op: Replication.Operation, _ value: FieldValue?, _ supersedes: [Dot] = []) -> Change {
            Change(dot: Dot(replica: origin, seq: seq), timestamp: Timestamp(wall: clock.now + Int64(seq) + (origin == b ? 10 : 0), counter: 0),
                   collection: "forms", record: r, field: field, op: op, value: value, supersedes: supersedes)
        }
        let changes = [change(a, 1, "_unit", .set, .text("fz-first")), change(b, 1, "_review", .set, .text("同意")),
                       change(a, 2, "name", .set, .text("n"), [Dot(replica: b, seq: 1)]),
                       change(a, 3, "", .delete, nil, [Dot(replica: a, seq: 1), Dot(replica: a, seq: 2), Dot(replica: a, seq: 9)])]
        let store = try ReplicaStore(path: path, configuration: config)
        try store.apply(changes)
        let expected = try store.snapshot()
        store.close()

        // What the earlier rule left: every listed entry dead, the awaited dot remembered unconditionally.
        let db = try Database(path: path)
        try db.execute("""
            UPDATE entries SET live = 0 WHERE op IN (0, 1, 3) AND key IN (SELECT key FROM entries WHERE field IN (SELECT ord FROM fields WHERE name IN ('_unit', '_review')));
            DROP TABLE pending;
            CREATE TABLE pending (record INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (record, key)) WITHOUT ROWID;
            PRAGMA user_version = 3;
            """)
        db.close()

        let reopened = try ReplicaStore(path: path, configuration: config)
        #expect(try reopened.snapshot() == expected)
        #expect(try reopened.record(r)?[WorkflowFieldNames.unit] == .text("fz-first"))
        #expect(try reopened.record(r)?["_review"] == .text("同意"))
        // The awaited dot is remembered with what listed it: when it arrives, the delete retires it.
        try reopened.apply([Change(dot: Dot(replica: a, seq: 9), timestamp: Timestamp(wall: clock.now + 50, counter: 0), collection: "forms",
                                   record: r, field: "name", op: .set, value: .text("late"))])
        #expect(try reopened.record(r)?.isDeleted == true)
    }
}

enum WorkflowFieldNames { static let unit = "_unit" }
