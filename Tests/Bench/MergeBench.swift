import Foundation
import Replication
import SQLite

/// (1) Merging remote changes durably, against inserting the same rows into a plain table.
final class MergeBench {
    let scale: Scale
    /// Changes merged per second, for the clone figure's reference.
    private(set) var rate = 0.0

    init(scale: Scale) { self.scale = scale }

    func run() throws -> [Figure] {
        let n = scale.mergeChanges, batch = scale.batch
        let changes = Workload.changes(count: n)
        let dir = Bench.scratch("merge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Each merge run is paired with a raw run right after it, and the figure is the median of
        // the pairs' ratios: drift on a shared machine hits both halves of a pair alike.
        var ratios: [Double] = [], merges: [Double] = [], raws: [Double] = []
        for round in 0..<3 {
            let merge = try Bench.seconds {
                let store = try ReplicaStore(path: "\(dir)/replica\(round).sqlite", configuration: .init(collections: ["submissions"]))
                for start in stride(from: 0, to: n, by: batch) { try store.apply(Array(changes[start..<min(n, start + batch)])) }
                store.close()
            }
            let raw = try Bench.seconds { try Self.rawInsert(changes, batch: batch, path: "\(dir)/raw\(round).sqlite") }
            ratios.append(raw / merge)
            merges.append(merge)
            raws.append(raw)
        }
        let ratio = Bench.median(ratios)
        let merge = Bench.median(merges), raw = Bench.median(raws)
        rate = Double(n) / merge
        return [Figure(name: "merge \(n) remote changes (durable, batches of \(batch))",
                       ours: String(format: "%.0f/s", rate), reference: String(format: "%.0f/s raw insert", Double(n) / raw),
                       ratio: ratio, target: "≥ 0.50", pass: ratio >= 0.5)]
    }

    /// The physical limit: the same rows, same width, one prepared statement, same batches.
    static func rawInsert(_ changes: [Change], batch: Int, path: String) throws {
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("CREATE TABLE t (key INTEGER, hlc INTEGER, record TEXT, field TEXT, op INTEGER, vtype INTEGER, value, supersedes BLOB, author TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for start in stride(from: 0, to: changes.count, by: batch) {
            try db.transaction {
                for c in changes[start..<min(changes.count, start + batch)] {
                    try insert.bind(integer: Int64(c.dot.seq), at: 1)
                    try insert.bind(integer: c.timestamp.packed, at: 2)
                    try insert.bind(text: c.record, at: 3)
                    try insert.bind(text: c.field, at: 4)
                    try insert.bind(integer: 0, at: 5)
                    try insert.bind(integer: 4, at: 6)
                    try insert.bind(text: c.value?.text ?? "", at: 7)
                    try insert.bind(.null, at: 8)
                    try insert.bind(text: c.author ?? "", at: 9)
                    try insert.execute()
                }
            }
        }
    }
}
