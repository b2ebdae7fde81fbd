import Foundation
import Replication
import Submissions

/// (12) The command line's own cost: `tianbao list` and `tianbao show` on a province replica
/// holding many submissions, as processes (median wall time), against the `sqlite3` shell reading
/// the same live rows from the same file. The binary is the `tianbao` built beside this one.
struct OfflineCommandBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tianbao").path
        let sqlite3 = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: binary), FileManager.default.isExecutableFile(atPath: sqlite3) else {
            return [Figure(name: "offline commands", ours: "needs \(binary) and \(sqlite3) (apt-get install sqlite3)", reference: "", ratio: nil, target: "", pass: nil)]
        }
        let n = scale.submissions
        let dir = Bench.scratch("offline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A province replica's folder, as `tianbao init` leaves it, holding n submitted applications.
        let replica = ReplicaID(high: 0x0F, low: 1)
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.newReplicaID = replica
        configuration.maxClockSkewMilliseconds = .max / 4
        let store = try ReplicaStore(path: "\(dir)/replica.sqlite", configuration: configuration)
        let workspace = Workspace(store: store, actor: Actor(org: "fj-province", role: .province))
        try workspace.save(Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province))
        let units = (1...10).map { Organization(code: "fj-h\($0)", name: "福建省第\($0)医院", kind: .hospital, provincial: true) }
        for unit in units { try workspace.save(unit) }
        let origin = ReplicaID(high: 0x0E, low: 1)
        var changes: [Change] = [], ids: [String] = []
        var seq: UInt64 = 0
        let wall: Int64 = 1_763_800_000_000
        for i in 0..<n {
            let record = RecordID.make(wallMilliseconds: wall + Int64(i))
            ids.append(record)
            let unit = units[i % units.count]
            let submission = WorkflowEntry(action: .submit, revision: "r", by: unit.code).stored
            for (field, op, value) in [("_unit", Operation.set, FieldValue.text(unit.code)), ("_call", .set, .text("fujian-2026")),
                                       ("_form", .set, .text("application")), ("_template", .set, .int(1)),
                                       ("applicant", .set, .text(unit.name)), ("project_name", .set, .text("人工智能应用场景第\(i)号")),
                                       ("project_summary", .set, .text(Workload.text(i, length: 120))), ("_submission", .set, submission)] {
                seq += 1
                changes.append(Change(dot: Dot(replica: origin, seq: seq), timestamp: Timestamp(wall: wall + Int64(seq), counter: 0),
                                      collection: "submissions", record: record, field: field, op: op, value: value))
            }
        }
        for start in stride(from: 0, to: changes.count, by: 5_000) { try store.apply(Array(changes[start..<min(changes.count, start + 5_000)])) }
        store.close()
        let config = #"{"hub":"http://127.0.0.1:9","replica":"\#(replica.hex)","org":"fj-province","role":"province"}"#
        try config.write(toFile: "\(dir)/config.json", atomically: true, encoding: .utf8)

        let live = "FROM entries e JOIN records r ON r.ord = e.record JOIN fields f ON f.ord = e.field JOIN changes c ON c.key = e.key WHERE e.live = 1"
        let middle = ids[n / 2]
        func median(_ executable: String, _ arguments: [String]) -> Double {
            Bench.run(executable, arguments)   // warm: the file in the page cache, as for a person at work
            return Bench.median((0..<7).map { _ in Bench.run(executable, arguments).seconds })
        }
        let list = median(binary, ["list", "--dir", dir])
        let listSQL = median(sqlite3, ["\(dir)/replica.sqlite", "SELECT r.id, f.name, c.value \(live) AND r.collection = 'submissions'"])
        let show = median(binary, ["show", middle, "--dir", dir])
        let showSQL = median(sqlite3, ["\(dir)/replica.sqlite", "SELECT f.name, c.value \(live) AND r.id = '\(middle)'"])
        let version = median(binary, ["--version"])
        return [
            Figure(name: "tianbao list, \(n) records (process)", ours: String(format: "%.1f ms", list * 1000),
                   reference: String(format: "%.1f ms sqlite3, same rows", listSQL * 1000), ratio: list / listSQL, target: "≤ 5", pass: list / listSQL <= 5),
            Figure(name: "tianbao show, one of \(n) (process)", ours: String(format: "%.1f ms", show * 1000),
                   reference: String(format: "%.1f ms sqlite3, same rows", showSQL * 1000), ratio: show / showSQL, target: "≤ 5", pass: show / showSQL <= 5),
            Figure(name: "  tianbao --version (the process's own start)", ours: String(format: "%.1f ms", version * 1000),
                   reference: String(format: "%.1f ms sqlite3 show", showSQL * 1000), ratio: version / showSQL, target: "report", pass: nil),
        ]
    }
}
