import Foundation
@testable import Hub
import Replication
import SQLite
import Submissions
import Synchronization
import Testing
import TestSupport

/// A replica's pull walks only the arrivals tagged with its readers' keys (ReaderRule). Whatever
/// the units do — drafts, submissions, joint applicants, returns, recommendations, selections,
/// deletions, a hospital moved to another city — once everyone has synced, each replica holds
/// every change of every record it may read, and nothing of a record it may not — a city a
/// hospital moved to included, from the move on.
@Suite struct ReaderWalkTests {
    @Test func everyReplicaHoldsAllItMayReadAndNothingElse() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let f = try HubFixture()
        let province = try f.replica("fj-province", role: .province)
        let cities = [try f.replica("fj-fuzhou", role: .city), try f.replica("fj-xiamen", role: .city)]
        let hospitals = [try f.replica("fz-first", role: .hospital), try f.replica("fz-first", role: .hospital, name: "fz-first-2"),
                         try f.replica("fz-second", role: .hospital), try f.replica("xm-first", role: .hospital),
                         try f.replica("fj-slyy", role: .hospital)]
        let everyone = [province] + cities + hospitals
        for replica in everyone { try replica.sync() }
        var records: [(HubFixture.Replica, String)] = []
        var moved = false
        // Half way, the hub is as one that logged arrivals before it tagged them: it tags them all
        // as its records stand, and the walks that follow must still bring everyone everything.
        let db = try Database(path: f.dir.file("hub.sqlite"))
        func tagAfresh() throws {
            let asTheyCame = try db.first("SELECT count(*) FROM arrival_readers") { $0.int64(0) } ?? 0
            try db.execute("DELETE FROM arrival_readers; DELETE FROM record_readers; DELETE FROM meta WHERE key = 'local.arrival readers tagged'")
            try f.hub.state.withLock { s in
                #expect(try !s.store.arrivalsTagged())
                try s.store.tagEveryArrival(extra: try s.tables.grantKeys())
                #expect(try s.store.arrivalsTagged())
            }
            let afresh = try db.first("SELECT count(*) FROM arrival_readers") { $0.int64(0) } ?? 0
            #expect(asTheyCame > 500 && afresh > asTheyCame / 2, "seed \(seed): \(asTheyCame) tags as they came, \(afresh) afresh")
        }

        for step in 0..<240 {
            switch random.next() % 12 {
            case 0, 1, 2:
                let hospital = pick(hospitals)
                let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("项目\(step)", leader: step + 1))
                records.append((hospital, id))
            case 3 where !records.isEmpty:
                let (hospital, id) = pick(records)
                try? hospital.workspace.edit(id, values: [("项目简介", "第\(step)步改过的简介。")])
            case 4...5 where !records.isEmpty:
                let (hospital, id) = pick(records)
                try? hospital.workspace.submit(id)
            case 6 where !records.isEmpty:
                let (hospital, id) = pick(records)
                try? hospital.workspace.share(id, with: [pick(["fz-second", "xm-first", "fj-slyy"])])
            case 7 where !records.isEmpty:
                let city = pick(cities)
                _ = try? city.workspace.take(pick([.return, .recommend]), ids: [pick(records).1], text: "第\(step)步的意见", dryRun: false)
            case 8 where !records.isEmpty:
                _ = try? province.workspace.take(.select, ids: [pick(records).1], text: nil, dryRun: false)
            case 9 where !records.isEmpty:
                let (hospital, id) = pick(records)
                try? hospital.workspace.delete(id)
            case 10:
                // 福州市第二医院 reports to the other city from now on (and back).
                moved.toggle()
                var org = HubFixture.organizations.first { $0.code == "fz-second" }!
                org.city = moved ? "fj-xiamen" : "fj-fuzhou"
                try f.hub.saveOrganizations([org])
            default:
                break
            }
            for _ in 0..<2 { _ = try? pick(everyone).sync() }
            if step == 120 { try tagAfresh() }
        }
        for _ in 0..<3 { for replica in everyone { _ = try? replica.sync() } }

        let (hubRecords, directory) = try f.hub.withWorkspace { w in (try w.store.records(in: Workspace.Collection.submissions, includeDeleted: true), try w.directory()) }
        var checked = 0
        for replica in everyone {
            let actor = replica.workspace.actor
            for record in hubRecords {
                let granted = try f.hub.state.withLock { s in try s.tables.grant(replica.store.replicaID, record.id) } != nil
                let visible = ReadScope.visible(try f.hub.withWorkspace { try $0.store.record(record.id, only: ReadScope.fields) }, to: actor, directory: directory)
                let history = try f.hub.withWorkspace { try $0.store.history(of: record.id) }
                let held = try history.filter { try replica.store.holds($0.dot) }.count
                // A city a hospital moved to receives its submitted records at the move.
                if visible || granted {
                    checked += 1
                    #expect(held == history.count, "seed \(seed) (replay with TIANBAO_SEED): \(actor.org) may read \(record.id) (\(visible ? "in scope" : "granted")) but holds \(held) of its \(history.count) changes")
                } else if record[WorkflowField.unit]?.text != actor.org {
                    #expect(held == 0, "seed \(seed) (replay with TIANBAO_SEED): \(actor.org) holds \(held) changes of \(record.id), which it may not read")
                }
            }
        }
        // An arrival whose tags were deleted from the file is withheld from every walk by keys:
        // `hub verify` says so.
        #expect(try !f.hub.verify().anomalies.contains { $0.kind == .untagged }, "seed \(seed): an intact hub reports untagged arrivals")
        try db.execute("DELETE FROM arrival_readers WHERE position = (SELECT max(seq) FROM arrivals)")
        let untagged = try f.hub.verify().anomalies.filter { $0.kind == .untagged }
        #expect(untagged.count == 1 && untagged[0].first == untagged[0].last, "seed \(seed): \(untagged)")
        #expect(checked > 60, "seed \(seed): only \(checked) readable records checked; the workload is too thin to matter")
    }
}
