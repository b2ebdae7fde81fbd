import Foundation
import Hub
import Replication
import Submissions
import SyncClient

/// (4) A sync with nothing to do: round trips, bytes each way, and the whole process's time
/// against a bare request to /healthz from a process of the same program.
struct IdleSyncBench {
    func run() throws -> [Figure] {
        let hub = try BenchHub(name: "idle")
        defer { hub.stop() }
        let enrolled = try hub.hub.enroll(org: "fz-first", role: .hospital)
        let dir = Bench.scratch("idle-client")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The first sync pulls the organisations; the ones after have nothing to do.
        _ = Bench.child(["--child", "sync", hub.url, enrolled.token, dir])
        _ = hub.wire.take()
        var syncTimes: [Double] = [], healthTimes: [Double] = []
        var failures = 0
        for _ in 0..<7 {
            let sync = Bench.child(["--child", "sync", hub.url, enrolled.token, dir])
            if sync.status != 0 { failures += 1 }
            syncTimes.append(sync.seconds)
        }
        let wire = hub.wire.take()
        for _ in 0..<7 {
            let health = Bench.child(["--child", "healthz", hub.url])
            if health.status != 0 { failures += 1 }
            healthTimes.append(health.seconds)
        }
        let a = Bench.median(syncTimes), b = Bench.median(healthTimes)
        let roundTrips = Double(wire.requests) / 7
        return [
            Figure(name: "idle sync round trips", ours: String(format: "%.0f", roundTrips), reference: "1", ratio: roundTrips,
                   target: "= 1", pass: roundTrips == 1 && failures == 0),
            Figure(name: "idle sync bytes up / down (HTTP, headers included)",
                   ours: "\(wire.bytesIn / 7) / \(wire.bytesOut / 7) B", reference: "1024 B each way",
                   ratio: Double(max(wire.bytesIn, wire.bytesOut) / 7) / 1024, target: "≤ 1.00",
                   pass: max(wire.bytesIn, wire.bytesOut) / 7 <= 1024),
            Figure(name: "idle sync process wall time", ours: String(format: "%.1f ms", a * 1000),
                   reference: String(format: "%.1f ms bare /healthz process", b * 1000), ratio: a / b, target: "report", pass: nil),
        ]
    }
}
