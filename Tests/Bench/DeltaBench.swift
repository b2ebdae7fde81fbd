import Foundation
import Hub
import Replication
import SQLite
import Submissions
import SyncClient

/// (5) Syncing 100 new changes into a replica that holds few records, and one that holds many:
/// the cost should follow the delta, not the history.
struct DeltaBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let small = try measure(records: scale.deltaSmall)
        let large = try measure(records: scale.deltaLarge)
        let bytes = Double(large.bytes) / Double(small.bytes), time = large.seconds / small.seconds
        return [
            Figure(name: "delta of 100: bytes with \(scale.deltaLarge) vs \(scale.deltaSmall) records held", ours: "\(large.bytes) B",
                   reference: "\(small.bytes) B", ratio: bytes, target: "≤ 1.05", pass: bytes <= 1.05),
            Figure(name: "delta of 100: time with \(scale.deltaLarge) vs \(scale.deltaSmall) records held",
                   ours: String(format: "%.1f ms", large.seconds * 1000), reference: String(format: "%.1f ms", small.seconds * 1000),
                   ratio: time, target: "≤ 1.50", pass: time <= 1.5),
        ]
    }

    /// A replica and its hub both holding `records` records; another replica of the same hospital
    /// pushes 100 changes; the time and bytes of the first replica's sync that pulls them.
    func measure(records: Int) throws -> (bytes: Int, seconds: Double) {
        let hub = try BenchHub(name: "delta-\(records)")
        defer { hub.stop() }
        let history = Workload.changes(count: records, origin: ReplicaID(high: 0xD0, low: 1))
        try hub.load(history)
        let target = try hub.hub.enroll(org: "fz-first", role: .hospital)
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.newReplicaID = target.replica
        configuration.durability = .processCrash
        configuration.maxClockSkewMilliseconds = .max / 4
        let dir = Bench.scratch("delta-client-\(records)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ReplicaStore(path: "\(dir)/replica.sqlite", configuration: configuration)
        defer { store.close() }
        for start in stride(from: 0, to: history.count, by: 2_000) { try store.apply(Array(history[start..<min(history.count, start + 2_000)])) }
        let client = SyncClient(store: store, hub: URL(string: hub.url)!, token: target.token)
        try client.sync()   // the organisations; now both hold the same history

        let writer = try hub.hub.enroll(org: "fz-first", role: .hospital)
        let writerStore = try ReplicaStore(path: "\(dir)/writer.sqlite", configuration: {
            var c = ReplicaStore.Configuration(collections: Workspace.Collection.all)
            c.newReplicaID = writer.replica
            c.maxClockSkewMilliseconds = .max / 4
            return c
        }())
        defer { writerStore.close() }
        // Five rounds of: the writer pushes 100 changes, the replica pulls them. Medians.
        var times: [Double] = [], sizes: [Double] = []
        for round in 0..<5 {
            try writerStore.apply(Workload.records(count: 100, origin: writer.replica, unit: "fz-first", startSeq: UInt64(round * 100 + 1),
                                                   startWall: Int64(Date().timeIntervalSince1970 * 1000)))
            try SyncClient(store: writerStore, hub: URL(string: hub.url)!, token: writer.token).sync()
            _ = hub.wire.take()
            times.append(try Bench.seconds { _ = try client.sync() })
            let wire = hub.wire.take()
            sizes.append(Double(wire.bytesIn + wire.bytesOut))
        }
        let seconds = Bench.median(times)
        let wire = (bytesIn: Int(Bench.median(sizes)), bytesOut: 0)
        return (wire.bytesIn + wire.bytesOut, seconds)
    }
}
