import Foundation
import Hub
import Testing
import Replication
import Submissions
import SyncClient
import TestSupport

/// Replicas of one hospital and its city create, edit, delete and restore records and sync with a
/// real hub in a random order; after everyone syncs, every replica of the unit shows the same
/// records, conflicts and history, and the city what it may read of them.
///
/// Replay a failure with `TIANBAO_SEED=<seed> swift test --filter HubConvergenceTests`.
@Suite struct HubConvergenceTests {
    @Test func deletesAndRestoresConvergeThroughTheHub() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var done = Done()
        for round in 0..<4 { try run(seed: seed &+ UInt64(round), steps: 160, &done) }
        // The run exercised what it is about.
        #expect(done.deletes > 0 && done.restores > 0, "\(done), seed \(seed)")
    }

    struct Done { var deletes = 0, restores = 0, deletedWhileEdited = 0 }

    func run(seed: UInt64, steps: Int, _ done: inout Done) throws {
        var rng = SeededRandom(seed: seed)
        let note = Comment(rawValue: "seed \(seed) — replay with TIANBAO_SEED=\(seed)")
        let f = try HubFixture()
        let laptops = try (0..<3).map { try f.replica("fz-first", role: .hospital, name: "laptop\($0)") }
        for r in laptops { try r.sync() }
        var ids: [String] = []
        let fields = ["project_name", "project_summary", "team_profile"]
        for _ in 0..<steps {
            f.clock.advance(by: Int64.random(in: 1...5_000, using: &rng))
            let r = laptops[Int.random(in: 0..<laptops.count, using: &rng)]
            let w = r.workspace
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                ids.append(try w.create(call: "fujian-2026", form: "application", values: [("project_name", "项目\(ids.count)")]))
            case 1...4 where !ids.isEmpty:
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                guard (try? w.submission(id)) != nil, (try w.store.record(id))?.tombstones.isEmpty == true else { continue }
                try w.edit(id, values: [(fields[Int.random(in: 0..<fields.count, using: &rng)], "值\(Int.random(in: 0..<1_000, using: &rng))")])
            case 5 where !ids.isEmpty:
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                if (try? w.submission(id)) != nil { try w.delete(id); done.deletes += 1 }
            case 6 where !ids.isEmpty:
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                if try w.store.record(id)?.tombstones.isEmpty == false { try w.restore(id); done.restores += 1 }
            case 7 where !ids.isEmpty:
                // Confirm a delete that met an edit.
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                if try w.store.record(id)?.hasDeleteConflict == true { try w.delete(id); done.deletedWhileEdited += 1 }
            default:
                try r.sync()
            }
        }
        // A replica of the unit enrolled at the end must catch up as well.
        let late = try f.replica("fz-first", role: .hospital, name: "late")
        let everyone = laptops + [late]
        for _ in 0..<2 { for r in everyone { try r.sync() } }
        let expected = try laptops[0].store.snapshot()
        for r in everyone.dropFirst() {
            let snapshot = try r.store.snapshot()
            #expect(snapshot.records == expected.records, note)
            #expect(snapshot.conflicts == expected.conflicts, note)
        }
        #expect(try f.hub.withWorkspace { try $0.store.snapshot().records.filter { $0.collection == "submissions" } }
                == expected.records.filter { $0.collection == "submissions" }, note)
    }
}
