import Foundation
import Replication
import SQLite

/// (2) One local field edit through the store, durable, against one raw insert with its commit.
struct EditLatencyBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let dir = Bench.scratch("edit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ReplicaStore(path: "\(dir)/replica.sqlite", configuration: .init(collections: ["submissions"]))
        defer { store.close() }
        let raw = try Database(path: "\(dir)/raw.sqlite")
        defer { raw.close() }
        try raw.execute("CREATE TABLE t (record TEXT, field TEXT, value)")
        let insert = try raw.prepare("INSERT INTO t VALUES (?, ?, ?)")
        let record = RecordID.make(wallMilliseconds: 1)
        var ours: [Double] = [], reference: [Double] = []
        for i in 0..<scale.editSamples {
            let value = "项目名称第\(i)稿"
            ours.append(try Bench.seconds {
                try store.commit([.set(collection: "submissions", record: record, field: "project_name", value: .text(value))])
            })
            reference.append(try Bench.seconds {
                try raw.transaction {
                    try insert.bind(text: record, at: 1)
                    try insert.bind(text: "project_name", at: 2)
                    try insert.bind(text: value, at: 3)
                    try insert.execute()
                }
            })
        }
        let a = Bench.median(ours), b = Bench.median(reference)
        return [Figure(name: "local edit latency (median of \(scale.editSamples))", ours: String(format: "%.3f ms", a * 1000),
                       reference: String(format: "%.3f ms raw insert+commit", b * 1000), ratio: a / b, target: "≤ 2.00", pass: a / b <= 2)]
    }
}
