import Testing
import Foundation
import Replication
import TestSupport

/// Bad input gets a specific error and changes nothing.
@Suite struct StoreInputTests {
    let clock = ManualClock()
    let origin: ReplicaStore
    let store: ReplicaStore
    let r = RecordID.make(wallMilliseconds: 1_763_800_000_000)

    init() throws {
        origin = try Replicas.memory(clock: clock, id: Replicas.id(1))
        store = try Replicas.memory(clock: clock, id: Replicas.id(2))
    }

    func good(_ n: Int) throws -> [Change] {
        try (0..<n).flatMap { i in
            try origin.commit([.set(collection: "forms", record: r, field: "f\(i)", value: .text("v\(i)"))])
        }
    }

    /// Applies `changes` and asserts the store is exactly as before.
    func expectRefused(_ changes: [Change], _ matches: (ReplicationError) -> Bool,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try store.snapshot()
        #expect(sourceLocation: sourceLocation) { try store.apply(changes) } throws: { error in
            guard let error = error as? ReplicationError else { return false }
            return matches(error)
        }
        #expect(try store.snapshot() == before, sourceLocation: sourceLocation)
    }

    @Test func unknownCollection() throws {
        var changes = try good(3)
        changes[1].collection = "patients"
        try expectRefused(changes) {
            if case .unknownCollection("patients", _) = $0 { return $0.description.contains("'patients'") }
            return false
        }
    }

    /// One machine's clock a year fast must not brick the replicas that receive its changes: the
    /// change is applied (its stamp orders it), and this replica's clock moves only up to its own
    /// wall clock plus the bound, so its next edits are stamped sanely.
    @Test func stampsFromFarInTheFutureAreAppliedWithoutDraggingTheClock() throws {
        var changes = try good(2)
        let yearAhead = clock.now + 365 * 86_400_000
        changes[1].timestamp = Timestamp(wall: yearAhead, counter: 0)
        let store = try Replicas.memory(clock: clock, id: Replicas.id(9))
        #expect(try store.apply(changes).applied == 2)
        let mine = try store.commit([.set(collection: "forms", record: changes[0].record, field: "other", value: .text("x"))])
        #expect(mine[0].timestamp.wall <= clock.now + 10 * 60 * 1000)
        #expect(mine[0].timestamp.wall >= clock.now)
    }

    @Test func malformedValuesAndShapes() throws {
        let base = try good(1)[0]
        var cases: [(String, Change)] = []
        var c = base; c.value = .real(.nan); cases.append(("not a finite number", c))
        c = base; c.value = nil; cases.append(("set needs a value", c))
        c = base; c.field = ""; cases.append(("needs a field name", c))
        c = base; c.field = "a\u{7}b"; cases.append(("control character", c))
        c = base; c.record = "RECORD-1"; cases.append(("not a lowercase UUID", c))
        c = base; c.op = .delete; cases.append(("takes no field", c))
        c = base; c.op = .add; c.value = .null; cases.append(("non-null element", c))
        c = base; c.supersedes = [c.dot]; cases.append(("cannot supersede itself", c))
        c = base; c.collection = "Forms!"; cases.append(("collection name", c))
        c = base; c.timestamp = Timestamp(wall: 0, counter: 0); cases.append(("not a time after 1970", c))
        c = base; c.value = .text(String(repeating: "字", count: 400_000)); cases.append(("at most", c))
        for (reason, change) in cases {
            try expectRefused([change]) { error in
                if case .malformedChange = error { return error.description.contains(reason) }
                return false
            }
        }
    }

    @Test func aBatchThatFailsHalfWayLeavesNothingBehind() throws {
        // The third change is caught only while merging, after two were written in the transaction.
        var changes = try good(4)
        try store.apply([changes[0]])
        changes[2].collection = "orgs"
        changes[2].record = r
        try expectRefused(Array(changes[1...])) {
            if case .collectionMismatch = $0 { return true }
            return false
        }
        #expect(store.versionVector()[origin.replicaID] == 1)
        // The store still works, and its caches were not left holding the rolled-back writes.
        try store.apply(Array(try good(0)))
        try Replicas.sync(from: origin, to: store)
        #expect(try store.snapshot().records == origin.snapshot().records)
        #expect(store.versionVector() == origin.versionVector())
    }
}
