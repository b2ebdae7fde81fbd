import Foundation
import Testing
import Replication
import TestSupport

/// Runs every case in `Sync/vectors/`: each delivery order, into a fresh replica, must produce
/// the expected records, conflicts and version vector. The same files serve any other
/// implementation of the protocol.
@Suite struct ConformanceVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sync/vectors")

    static func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func theVectorsArePresent() {
        #expect(Self.files().count >= 33)
    }

    @Test(arguments: files())
    func vector(_ file: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(file))
        let vector = try JSONDecoder().decode(Vector.self, from: data)
        if let reason = vector.refuse {
            // The batch is refused whole, naming why, and the receiver holds nothing of it.
            let clock = ManualClock(vector.changes.map(\.timestamp.wall).max()! + 86_400_000)
            var configuration = Replicas.configuration(clock: clock, collections: Set(vector.collections))
            configuration.newReplicaID = ReplicaID(high: .max, low: .max)
            let store = try ReplicaStore(path: ":memory:", configuration: configuration)
            #expect(throws: ReplicationError.self, "\(vector.name)") { try store.apply(vector.changes) }
            do { try store.apply(vector.changes) } catch let error as ReplicationError {
                #expect(error.description.contains(reason), "\(vector.name): \(error)")
            }
            #expect(try store.snapshot().records.isEmpty, "\(vector.name): something of a refused batch was applied")
            return
        }
        guard let deliveries = vector.deliveries, let expected = vector.expect else {
            Issue.record("\(vector.name) has neither 'refuse' nor 'deliveries' and 'expect'")
            return
        }
        let orders: [[Int]]
        switch deliveries {
        case .all: orders = Self.permutations(Array(vector.changes.indices))
        case .orders(let listed): orders = listed
        }
        #expect(!orders.isEmpty)
        for order in orders {
            for oneBatch in [false, true] {
                let clock = ManualClock(vector.receiverClock ?? vector.changes.map(\.timestamp.wall).max()! + 86_400_000)
                var configuration = Replicas.configuration(clock: clock, collections: Set(vector.collections))
                configuration.newReplicaID = ReplicaID(high: .max, low: .max)
                let store = try ReplicaStore(path: ":memory:", configuration: configuration)
                let sequence = order.map { vector.changes[$0] }
                if oneBatch {
                    try store.apply(sequence)
                } else {
                    for change in sequence { try store.apply([change]) }
                }
                let actual = try Expectation(store.snapshot(), clockAtMost: expected.clockAtMost)
                #expect(actual == expected, "\(vector.name), delivery \(order)\(oneBatch ? " in one batch" : "")")
                if let bound = expected.clockAtMost {
                    #expect(store.lastTimestamp.wall <= bound, "\(vector.name): the clock moved to \(store.lastTimestamp)")
                }
            }
        }
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }
}

/// The JSON shape of a conformance case (see Sync/PROTOCOL.md, "Conformance vectors").
struct Vector: Decodable {
    enum Deliveries: Decodable {
        case all
        case orders([[Int]])
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let word = try? container.decode(String.self), word == "all" { self = .all; return }
            self = .orders(try container.decode([[Int]].self))
        }
    }

    let name: String
    let rule: String
    let collections: [String]
    let changes: [Change]
    /// The receiving replica's wall clock, when the case is about it (else a day after the latest change).
    let receiverClock: Int64?
    let deliveries: Deliveries?
    let expect: Expectation?
    /// A batch the receiver must refuse whole: what the refusal names.
    let refuse: String?
}

struct Expectation: Decodable, Equatable, CustomStringConvertible {
    struct Record: Decodable, Equatable {
        struct Value: Decodable, Equatable {
            let dot: String
            let value: FieldValue
        }
        let id: String
        let collection: String
        let deleted: Bool
        let fields: [String: [Value]]
        let sets: [String: [FieldValue]]
        let tombstones: [String]
    }

    struct ConflictEntry: Decodable, Equatable {
        let record: String
        let field: String?
        let deleteWhileEdited: Bool?
    }

    let records: [Record]
    let conflicts: [ConflictEntry]
    let versionVector: [String: UInt64]
    /// The receiving replica's clock must end at or below this (its last stamp's wall time).
    let clockAtMost: Int64?

    init(_ snapshot: StoreSnapshot, clockAtMost: Int64? = nil) {
        self.clockAtMost = clockAtMost
        records = snapshot.records.map { state in
            Record(id: state.id, collection: state.collection, deleted: state.isDeleted,
                   fields: state.fields.mapValues { $0.versions.map { Record.Value(dot: $0.dot.description, value: $0.value) } },
                   sets: state.sets, tombstones: state.tombstones.map(\.dot.description))
        }
        conflicts = snapshot.conflicts.map { conflict in
            switch conflict.kind {
            case .field(let field): ConflictEntry(record: conflict.record, field: field, deleteWhileEdited: nil)
            case .deleteWhileEdited: ConflictEntry(record: conflict.record, field: nil, deleteWhileEdited: true)
            }
        }
        versionVector = Dictionary(uniqueKeysWithValues: snapshot.versionVector.entries.map { ($0.key.hex, $0.value) })
    }

    var description: String {
        "records: \(records)\nconflicts: \(conflicts)\nversionVector: \(versionVector)"
    }
}
