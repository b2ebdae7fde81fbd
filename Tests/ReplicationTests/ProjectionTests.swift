import Testing
import TestSupport
@testable import Replication

/// The store's derived rows: kept in key order, read by prefix, following every change of the
/// records and every change of what they depend on.
@Suite struct ProjectionTests {
    /// Rows keyed by a record's `group` (text) and `rank` (int), holding its `name`.
    struct ByGroup: Projection {
        let name = "by-group"
        let collection = "forms"
        var signature = "v1"
        func row(of record: RecordState) -> ProjectedRow? {
            guard let group = record["group"]?.text, case .int(let rank)? = record["rank"] else { return nil }
            return ProjectedRow(key: [.text(group), .int(rank)], payload: (signature == "v1" ? "" : "2:") + (record["name"]?.text ?? ""))
        }
    }

    static func compare(_ a: [ProjectedRow.Part], _ b: [ProjectedRow.Part]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.text(let s), .text(let t)) where s != t: return s.utf8.lexicographicallyPrecedes(t.utf8)
            case (.int(let i), .int(let j)) where i != j: return i < j
            default: continue
            }
        }
        return a.count < b.count
    }

    @Test func keysSortAsTheirParts() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        let texts = ["", "a", "ab", "a\u{0}", "a\u{1}", "a\u{1}b", "\u{1}", "福州", "福", "z", "\u{7F}"]
        let ints: [Int64] = [.min, -1, 0, 1, 255, 256, .max]
        for _ in 0..<2_000 {
            let a: [ProjectedRow.Part] = [.text(texts.randomElement(using: &rng)!), .int(ints.randomElement(using: &rng)!), .text(texts.randomElement(using: &rng)!)]
            let b: [ProjectedRow.Part] = [.text(texts.randomElement(using: &rng)!), .int(ints.randomElement(using: &rng)!), .text(texts.randomElement(using: &rng)!)]
            let (x, y) = (ProjectedRow.encode(a), ProjectedRow.encode(b))
            #expect(x.lexicographicallyPrecedes(y) == Self.compare(a, b), "\(a) \(b) [seed \(seed)]")
            // A prefix's range holds exactly the keys that start with it.
            let prefix = ProjectedRow.encode(Array(a.prefix(1)))
            let inRange = !y.lexicographicallyPrecedes(prefix) && ProjectedRow.successor(of: prefix).map { y.lexicographicallyPrecedes($0) } ?? true
            #expect(inRange == (b.first == a.first), "\(a) \(b) [seed \(seed)]")
        }
    }

    @Test func rowsFollowTheRecordsAndTheSignature() throws {
        let store = try Replicas.memory()
        var projection = ByGroup()
        let ids = (1...6).map { RecordID.make(wallMilliseconds: 1_763_800_000_000 + Int64($0)) }
        for (i, id) in ids.enumerated() {
            _ = try store.commit([.set(collection: "forms", record: id, field: "group", value: .text(i % 2 == 0 ? "a" : "b")),
                                  .set(collection: "forms", record: id, field: "rank", value: .int(Int64(10 - i))),
                                  .set(collection: "forms", record: id, field: "name", value: .text("n\(i)"))])
        }
        func names(_ prefix: [ProjectedRow.Part]) throws -> [String] {
            try store.refresh(projection)
            return try store.projectedRows(projection.name, prefix: prefix) { _, payload in String(decoding: payload, as: UTF8.self) }
        }
        #expect(try names([.text("a")]) == ["n4", "n2", "n0"])
        #expect(try names([]) == ["n4", "n2", "n0", "n5", "n3", "n1"])
        #expect(try names([.text("b"), .int(7)]) == ["n3"])
        // An edit moves a row; a deleted record loses its row; a record without the fields has none.
        _ = try store.commit([.set(collection: "forms", record: ids[0], field: "group", value: .text("b"))])
        _ = try store.commit([.delete(record: ids[2])])
        _ = try store.commit([.set(collection: "forms", record: ids[4], field: "rank", value: .text("none"))])
        #expect(try names([]) == ["n5", "n3", "n1", "n0"])
        // What the rows depend on besides the records changed: every row is derived again.
        projection.signature = "v2"
        #expect(try names([.text("b")]) == ["2:n5", "2:n3", "2:n1", "2:n0"])
    }

    /// Rows kept up to date across many refreshes — a few changes at a time (each touched record
    /// derived again) or more changes than records (every row derived in one pass) — are the rows
    /// derived from scratch.
    @Test func rowsKeptUpToDateAreTheRowsDerivedFromScratch() throws {
        struct Rows: Projection {
            let name: String
            let collection = "forms"
            let signature: String
            func row(of record: RecordState) -> ProjectedRow? {
                guard let group = record["group"]?.text else { return nil }
                return ProjectedRow(key: [.text(group)], payload: record["name"]?.text ?? "-")
            }
        }
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        let store = try Replicas.memory()
        let ids = (1...40).map { RecordID.make(wallMilliseconds: 1_763_800_000_000 + Int64($0)) }
        let kept = Rows(name: "kept", signature: "v1")
        for step in 0..<60 {
            // Some rounds touch a record or two, others far more changes than there are records.
            let edits = Bool.random(using: &rng) ? Int.random(in: 1...3, using: &rng) : Int.random(in: 40...120, using: &rng)
            for _ in 0..<edits {
                let id = ids.randomElement(using: &rng)!
                let deleted = try store.record(id)?.isDeleted ?? false
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: if try store.record(id) != nil { _ = try store.commit([deleted ? .restore(record: id) : .delete(record: id)]) }
                case _ where deleted: continue
                case 1...3: _ = try store.commit([.set(collection: "forms", record: id, field: "group", value: .text(["a", "b", "c"].randomElement(using: &rng)!))])
                default: _ = try store.commit([.set(collection: "forms", record: id, field: "name", value: .text("n\(Int.random(in: 0..<1000, using: &rng))"))])
                }
            }
            try store.refresh(kept)
            let fresh = Rows(name: "fresh", signature: "step \(step)")
            try store.refresh(fresh)
            func rows(_ name: String) throws -> [String] {
                try store.projectedRows(name, prefix: []) { record, payload in record + "=" + String(decoding: payload, as: UTF8.self) }
            }
            #expect(try rows("kept") == rows("fresh"), "step \(step) [seed \(seed)]")
        }
    }
}

/// Found by review: a change taken back (refused by the hub, discarded here) leaves the version
/// vector where it was; the rows must follow the record anyway.
@Suite struct ProjectionTakeBackTests {
    struct ByName: Projection {
        let name = "by-name"
        let collection = "forms"
        let signature = "v1"
        func row(of record: RecordState) -> ProjectedRow? { ProjectedRow(key: [.text("k")], payload: record["name"]?.text ?? "") }
    }

    @Test func aTakenBackChangeTakesItsRowWithIt() throws {
        let store = try Replicas.memory(id: Replicas.id(1))
        let r = RecordID.make(wallMilliseconds: 1_763_800_000_000)
        _ = try store.commit([.set(collection: "forms", record: r, field: "name", value: .text("old"))])
        let refused = try store.commit([.set(collection: "forms", record: r, field: "name", value: .text("refused"))])
        func rows() throws -> [String] {
            try store.refresh(ByName())
            return try store.projectedRows("by-name", prefix: []) { _, p in String(decoding: p, as: UTF8.self) }
        }
        #expect(try rows() == ["refused"])
        try store.takeBack(refused.map(\.dot), remake: false)
        #expect(try rows() == ["old"])
    }

    /// A change checked by one store is checked afresh by another (which may hold other collections).
    @Test func aChangeCheckedElsewhereIsCheckedAgain() throws {
        let a = try Replicas.memory(id: Replicas.id(1))
        var configuration = Replicas.configuration(clock: ManualClock(), collections: ["orgs"])
        configuration.newReplicaID = Replicas.id(2)
        let b = try ReplicaStore(path: ":memory:", configuration: configuration)
        let change = try a.commit([.set(collection: "forms", record: RecordID.make(wallMilliseconds: 5), field: "f", value: .int(1))])[0]
        #expect(throws: ReplicationError.self) { try b.apply([try a.check(change)]) }
    }
}
