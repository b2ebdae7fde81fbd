import Foundation
import Synchronization
import Testing
@testable import Hub
import Replication
import Submissions
import SyncClient
import TestSupport

@Suite struct HubConcurrencyTests {
    @Test func twoHundredReplicasSyncAtOnceAndConverge() throws {
        let f = try HubFixture()
        let hospitals = (1...20).map { i in
            Organization(code: "fz-h\(i)", name: "福州市第\(i)社区卫生服务中心", kind: .hospital, city: "fj-fuzhou")
        }
        try f.hub.saveOrganizations(hospitals)
        let replicas = try (0..<200).map { i in try f.replica("fz-h\(i % 20 + 1)", role: .hospital, name: "staff-\(i)") }
        let city = try f.replica("fj-fuzhou", role: .city)

        // Everyone at once, twice: the first round brings the organisations; each then drafts,
        // submits, and the second round pushes it.
        func allAtOnce(_ work: @escaping @Sendable (Int) throws -> Void) -> [String] {
            let errors = Mutex<[String]>([])
            let group = DispatchGroup()
            for i in 0..<replicas.count {
                group.enter()
                let thread = Thread {
                    do { try work(i) } catch { errors.withLock { $0.append("replica \(i): \(error)") } }
                    group.leave()
                }
                thread.start()
            }
            group.wait()
            return errors.withLock { $0 }
        }
        let shared = UncheckedBox(replicas)
        #expect(allAtOnce { i in try shared.value[i].sync() } == [])
        for (i, r) in replicas.enumerated() {
            let id = try r.workspace.create(call: "fujian-2026", form: "application",
                                            values: HubSyncTests.application("社区项目\(i)", leader: 1000 + i))
            try r.workspace.submit(id)
        }
        #expect(allAtOnce { i in try shared.value[i].sync() } == [])
        #expect(allAtOnce { i in try shared.value[i].sync() } == [])

        // Converged: the city holds all 200 submissions exactly as their hospitals do, and every
        // replica of one hospital holds the same records: its own ten.
        try city.sync()
        let cityRecords = try city.store.records(in: Workspace.Collection.submissions)
        #expect(cityRecords.count == 200)
        for r in replicas {
            let mine = try r.store.records(in: Workspace.Collection.submissions)
            #expect(mine.count == 10)
            for record in mine { #expect(cityRecords.contains(record)) }
        }
        let metrics = try #require(try f.raw("GET", "/metrics", token: nil, body: []))
        #expect(metrics.text.contains("tianbao_changes_refused_total 0"))
    }
}

/// Hands non-Sendable fixtures to test threads that use disjoint parts of them.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
