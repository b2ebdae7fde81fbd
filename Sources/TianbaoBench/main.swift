import Foundation
import Replication
import SQLite

// Quick design check for the merge path; issue 7 grows this into the full table.
let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
let batch = ReplicaStore.defaultBatchSize
let changes = Workload.changes(count: n)
let dir = NSTemporaryDirectory() + "tianbao-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let raw = try seconds {
    let db = try Database(path: dir + "/raw.sqlite")
    try db.execute("CREATE TABLE t (key INTEGER, hlc INTEGER, record TEXT, field TEXT, op INTEGER, vtype INTEGER, value, supersedes BLOB, author TEXT)")
    let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    for start in stride(from: 0, to: n, by: batch) {
        try db.transaction {
            for c in changes[start..<min(n, start + batch)] {
                try insert.bind(.integer(Int64(c.dot.seq)), at: 1)
                try insert.bind(.integer(c.timestamp.packed), at: 2)
                try insert.bind(.text(c.record), at: 3)
                try insert.bind(.text(c.field), at: 4)
                try insert.bind(.integer(0), at: 5)
                try insert.bind(.integer(4), at: 6)
                try insert.bind(.text(c.value?.text ?? ""), at: 7)
                try insert.bind(.null, at: 8)
                try insert.bind(.text(c.author ?? ""), at: 9)
                try insert.execute()
            }
        }
    }
}
let merge = try seconds {
    let store = try ReplicaStore(path: dir + "/replica.sqlite", configuration: .init(collections: ["submissions"]))
    for start in stride(from: 0, to: n, by: batch) {
        try store.apply(Array(changes[start..<min(n, start + batch)]))
    }
}
print(String(format: "merge %d changes: %.2fs (%.0f/s); raw insert %.2fs (%.0f/s); ratio %.2f (target >= 0.5)",
             n, merge, Double(n) / merge, raw, Double(n) / raw, raw / merge))
