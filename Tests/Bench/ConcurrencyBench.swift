import Foundation
import SQLite
import Hub
import Replication
import Submissions
import Synchronization
import SyncClient

/// (6) Many replicas at once against one hub, each pushing its changes and pulling everyone's.
struct ConcurrencyBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let hub = try BenchHub(name: "concurrency")
        defer { hub.stop() }
        let dir = Bench.scratch("concurrency-clients")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Replicas of one hospital: each may read everything the others write (their own unit's
        // records, drafts included), and a hospital is who files the application the workload writes.
        let clients: [SyncClient] = try (0..<scale.replicas).map { i in
            let enrolled = try hub.hub.enroll(org: "fz-first", role: .hospital)
            var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
            configuration.newReplicaID = enrolled.replica
            configuration.durability = .processCrash
            configuration.maxClockSkewMilliseconds = .max / 4
            let store = try ReplicaStore(path: "\(dir)/r\(i).sqlite", configuration: configuration)
            try store.apply(Workload.records(count: scale.changesPerReplica, origin: enrolled.replica, unit: "fz-first",
                                             startWall: Int64(Date().timeIntervalSince1970 * 1000)))
            return SyncClient(store: store, hub: URL(string: hub.url)!, token: enrolled.token)
        }
        let shared = Shared(clients)
        let latencies = Mutex<[Double]>([])
        let errors = Mutex<[String]>([])
        let group = DispatchGroup()
        let total = Bench.seconds {
            for i in 0..<clients.count {
                group.enter()
                let thread = Thread {
                    do {
                        var refused = 0
                        let t = try Bench.seconds { refused = try shared.value[i].sync().refused.count }
                        latencies.withLock { $0.append(t) }
                        if refused > 0 { errors.withLock { $0.append("\(refused) changes refused") } }
                    } catch {
                        errors.withLock { $0.append("\(error)") }
                    }
                    group.leave()
                }
                thread.start()
            }
            group.wait()
        }
        // One more round: everybody pulls what the others pushed.
        for client in clients { _ = try client.sync() }
        let expected = UInt64(scale.replicas * scale.changesPerReplica)
        let held = clients.map { c in c.store.versionVector().entries.filter { $0.key != hub.hub.replicaID }.values.reduce(0, +) }
        let converged = held.allSatisfy { $0 == expected }
        let lat = latencies.withLock { $0 }
        let errorCount = errors.withLock { $0.count }
        for client in clients { client.store.close() }
        return [
            Figure(name: "\(scale.replicas) replicas × \(scale.changesPerReplica) changes at once: errors",
                   ours: "\(errorCount) errors, \(converged ? "converged" : "NOT converged")", reference: "0", ratio: nil, target: "0, converged",
                   pass: errorCount == 0 && converged),
            Figure(name: "concurrent syncs: total / p50 / p99", ours: String(format: "%.2f s / %.0f ms / %.0f ms", total, Bench.percentile(lat, 0.5) * 1000, Bench.percentile(lat, 0.99) * 1000),
                   reference: "", ratio: nil, target: "report", pass: nil),
            Figure(name: "peak RSS of the process (hub and clients)", ours: String(format: "%.0f MiB", Bench.peakRSSMiB()),
                   reference: "", ratio: nil, target: "report", pass: nil),
        ]
    }

    final class Shared: @unchecked Sendable {
        let value: [SyncClient]
        init(_ value: [SyncClient]) { self.value = value }
    }
}
