import Foundation
import Hub
import Replication
import Submissions

/// (3) A fresh replica pulls N changes from a hub through the real HTTP server, paging.
struct CloneBench {
    let scale: Scale
    /// The reference: a merge is run right before each clone, and each clone is divided by its own.
    let merge: MergeBench

    func run() throws -> [Figure] {
        let n = scale.cloneChanges
        let hub = try BenchHub(name: "clone")
        defer { hub.stop() }
        let origin = try hub.hub.enroll(org: "fz-first", role: .hospital).replica
        let changes = Workload.records(count: n, origin: origin, unit: "fz-first")
        try hub.load(changes)
        // Three fresh replicas clone in turn, each right after a merge of the same size, and the
        // figure is the median of the three ratios: drift on a shared machine (its speed moved by
        // a fifth between runs here) hits both halves of a pair alike, as in the merge's own row.
        var runs: [(ratio: Double, rate: Double, mergeRate: Double, hubShare: Double, bytesOut: Int, peakMiB: Double)] = []
        for round in 0..<3 {
            let mergeRate = Double(merge.count) / (try merge.seconds(round: 10 + round))
            let clone = try hub.hub.enroll(org: "fz-first", role: .hospital)
            let dir = Bench.scratch("clone-client-\(round)")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = hub.wire.take()
            _ = hub.wire.takeServingMilliseconds()
            let child = Bench.child(["--child", "clone", hub.url, clone.token, dir, String(n)])
            let wire = hub.wire.take()
            let hubShare = hub.wire.takeServingMilliseconds() / 1000 / child.seconds
            guard child.status == 0 else {
                return [Figure(name: "clone \(n) over loopback", ours: "child exited \(child.status)", reference: "", ratio: nil, target: "", pass: false)]
            }
            let rate = Double(n) / child.seconds
            runs.append((rate / mergeRate, rate, mergeRate, hubShare, wire.bytesOut, child.peakMiB))
        }
        let median = runs.sorted { $0.ratio < $1.ratio }[1]
        let peakMiB = runs.map(\.peakMiB).max()!
        let perChange = Double(median.bytesOut) / Double(n)
        let rawPerChange = Double(Workload.valueBytes(changes)) / Double(n)
        return [
            Figure(name: "clone \(n) changes over loopback (paged; median of 3 pairs)", ours: String(format: "%.0f/s end to end (hub %.0f%% of it)", median.rate, median.hubShare * 100),
                   reference: String(format: "%.0f/s merge just before", median.mergeRate), ratio: median.ratio, target: "≥ 0.50", pass: median.ratio >= 0.5),
            Figure(name: "clone client peak RSS", ours: String(format: "%.1f MiB", peakMiB), reference: "64 MiB",
                   ratio: peakMiB / 64, target: "≤ 1.00", pass: peakMiB <= 64),
            Figure(name: "clone bytes on the wire per change (gzip)", ours: String(format: "%.0f B", perChange),
                   reference: String(format: "%.0f B of values", rawPerChange), ratio: perChange / rawPerChange, target: "≤ 1.10",
                   pass: perChange / rawPerChange <= 1.1),
        ]
    }
}
