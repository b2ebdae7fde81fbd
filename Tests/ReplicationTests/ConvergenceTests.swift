import Testing
import Replication
import TestSupport

/// Many replicas edit concurrently, partitioned, and exchange changes with duplicated, reordered
/// and interrupted delivery; once they have all the same changes, they must all show the same state.
///
/// Replay a failure with `TIANBAO_SEED=<seed> swift test --filter ConvergenceTests`; soak with
/// `TIANBAO_SOAK_SEEDS=200 swift test --filter soak`.
@Suite struct ConvergenceTests {
    struct Parameters {
        var replicas = 8
        var edits = 10_000
        var records = 40
    }

    @Test func replicasConvergeUnderChaos() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        try run(seed: seed, Parameters())
    }

    @Test(.enabled(if: ProcessInfoLite.environment("TIANBAO_SOAK_SEEDS") != nil))
    func soak() throws {
        let count = Int(ProcessInfoLite.environment("TIANBAO_SOAK_SEEDS") ?? "") ?? 100
        var seeds = SeededRandom(seed: SeededRandom.seed(fromEnvironment: "TIANBAO_SEED"))
        for _ in 0..<count {
            try run(seed: seeds.next(), Parameters(replicas: 5, edits: 2_000, records: 12))
        }
    }

    func run(seed: UInt64, _ p: Parameters) throws {
        var rng = SeededRandom(seed: seed)
        let note = Comment(rawValue: "seed \(seed) — replay with TIANBAO_SEED=\(seed)")
        let dir = TemporaryDirectory(prefix: "tianbao-convergence")
        let base = ManualClock()
        // Each machine's clock is off by up to two minutes, within the skew bound.
        let clocks = (0..<p.replicas).map { _ in ManualClock(base.now + Int64.random(in: -120_000...120_000, using: &rng)) }
        var stores = try (0..<p.replicas).map { i in
            try ReplicaStore(path: dir.file("r\(i).sqlite"), configuration: Replicas.configuration(clock: clocks[i]))
        }
        let records = (0..<p.records).map { RecordID.make(wallMilliseconds: base.now + Int64($0)) }
        let fields = ["项目名称", "单位简介", "团队简介", "研发进展", "拟投入资金", "status"]
        let elements = ["卫生便民服务方向", "基层能力提升方向", "高水平诊疗能力方向", "临床科学研究方向", "其他方向"]
        var partition = [Int](repeating: 0, count: p.replicas)
        var made = 0, deliveries = 0

        func deliver(from: ReplicaStore, to: ReplicaStore) throws {
            // Collect what the receiver lacks, then deliver it the hard way: shuffled into
            // batches, some changes twice, and sometimes cut off before the end.
            var lacking: [Change] = []
            try from.changes(missingFrom: to.versionVector(), batchSize: 64) { lacking += $0 }
            guard !lacking.isEmpty else { return }
            if Int.random(in: 0..<3, using: &rng) == 0 { lacking.shuffle(using: &rng) }
            let duplicates = (0..<Int.random(in: 0...3, using: &rng)).compactMap { _ in lacking.randomElement(using: &rng) }
            lacking += duplicates
            let cut = Int.random(in: 0..<5, using: &rng) == 0 ? Int.random(in: 0..<lacking.count, using: &rng) : lacking.count
            var index = 0
            while index < cut {
                let size = min(cut - index, Int.random(in: 1...40, using: &rng))
                try to.apply(Array(lacking[index..<(index + size)]))
                index += size
            }
            deliveries += 1
        }

        while made < p.edits {
            for clock in clocks { clock.advance(by: Int64.random(in: 0...3, using: &rng)) }
            let i = Int.random(in: 0..<p.replicas, using: &rng)
            let store = stores[i]
            let record = records.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 12 {
                if Int.random(in: 0..<40, using: &rng) == 0 {
                    partition = (0..<p.replicas).map { _ in Int.random(in: 0..<3, using: &rng) }
                }
                let peers = (0..<p.replicas).filter { $0 != i && partition[$0] == partition[i] }
                if let j = peers.randomElement(using: &rng) { try deliver(from: stores[j], to: store) }
                continue
            }
            let edit: Edit
            switch roll {
            case ..<65:
                let value: FieldValue = Int.random(in: 0..<4, using: &rng) == 0
                    ? .int(Int64.random(in: 0...500, using: &rng))
                    : .text("\(fields.randomElement(using: &rng)!)-\(Int.random(in: 0...9, using: &rng))")
                edit = .set(collection: "forms", record: record, field: fields.randomElement(using: &rng)!, value: value)
            case ..<80:
                edit = .add(collection: "forms", record: record, field: "应用场景方向", element: .text(elements.randomElement(using: &rng)!))
            case ..<92:
                edit = .remove(record: record, field: "应用场景方向", element: .text(elements.randomElement(using: &rng)!))
            case ..<95:
                edit = .delete(record: record)
            case ..<97:
                edit = .restore(record: record)
            default:
                // A person resolves one of the conflicts this replica shows.
                guard let conflict = try store.conflicts().randomElement(using: &rng) else { continue }
                switch conflict.kind {
                case .field(let field):
                    edit = .set(collection: "forms", record: conflict.record, field: field, value: conflict.versions.randomElement(using: &rng)!.value)
                case .deleteWhileEdited:
                    edit = Bool.random(using: &rng) ? .restore(record: conflict.record) : .delete(record: conflict.record)
                }
            }
            do {
                made += try store.commit([edit], author: "staff-\(i)").count
            } catch ReplicationError.recordDeleted, ReplicationError.noSuchRecord {
                continue  // what a person could not do on this replica either
            }
        }

        // Heal the partitions: everyone through replica 0 and back, until nothing moves.
        var moved = 1
        var rounds = 0
        while moved > 0 {
            moved = 0
            for i in 1..<p.replicas { moved += try Replicas.sync(from: stores[i], to: stores[0]) }
            for i in 1..<p.replicas { moved += try Replicas.sync(from: stores[0], to: stores[i]) }
            rounds += 1
            #expect(rounds < 5, note)
        }

        let expected = try stores[0].snapshot()
        #expect(expected.records.count > p.records / 2, note)
        for (i, store) in stores.enumerated() {
            if let difference = Self.difference(try store.snapshot(), expected) {
                Issue.record("replica \(i) differs from replica 0: \(difference) — \(note)")
            }
        }
        // What is on disk is what was shown.
        for i in 0..<p.replicas {
            stores[i].close()
            stores[i] = try ReplicaStore(path: dir.file("r\(i).sqlite"), configuration: Replicas.configuration(clock: clocks[i]))
            if let difference = Self.difference(try stores[i].snapshot(), expected) {
                Issue.record("replica \(i) reopened from disk differs: \(difference) — \(note)")
            }
        }
        // The run must have exercised what it claims to.
        #expect(made >= p.edits, note)
        #expect(deliveries > p.edits / 20, note)
        #expect(expected.versionVector.entries.values.reduce(0, +) == UInt64(made), note)
        if p.edits >= 10_000 {
            // At this size a run that ends without conflicts or deletions did not test merging.
            #expect(!expected.conflicts.isEmpty, note)
            #expect(expected.records.contains { $0.isDeleted }, note)
            #expect(expected.records.contains { !$0.sets.isEmpty }, note)
        }
        print("convergence seed \(seed): \(made) changes, \(deliveries) deliveries, \(expected.records.count) records, \(expected.conflicts.count) conflicts, \(expected.records.filter(\.isDeleted).count) deleted")
    }

    /// The first difference between two snapshots, short enough to read in a test log.
    static func difference(_ a: StoreSnapshot, _ b: StoreSnapshot) -> String? {
        if a.versionVector != b.versionVector { return "version vectors \(a.versionVector) vs \(b.versionVector)" }
        if a.records.count != b.records.count { return "\(a.records.count) records vs \(b.records.count)" }
        for (x, y) in zip(a.records, b.records) where x != y {
            let fields = Set(x.fields.keys).union(y.fields.keys).sorted().filter { x.fields[$0] != y.fields[$0] }
            return "record \(x.id): fields \(fields), sets equal: \(x.sets == y.sets), tombstones \(x.tombstones.count) vs \(y.tombstones.count)"
        }
        if a.conflicts != b.conflicts { return "\(a.conflicts.count) conflicts vs \(b.conflicts.count)" }
        return nil
    }
}
