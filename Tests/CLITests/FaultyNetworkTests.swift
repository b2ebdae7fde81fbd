import Foundation
import Replication
import Submissions
import Testing
import TestSupport

/// Hospitals, a city and the province work for many rounds and sync through a proxy that breaks
/// the network on purpose (cuts either way, truncated and lost replies, delays, requests the hub
/// sees twice, 500/502/503, resets). No command crashes; after one clean final sync every replica
/// holds exactly what the hub holds of its scope, every acknowledged change is at the hub once or
/// listed as refused by `status`, and nothing is applied twice.
///
/// Replay a failure with `TIANBAO_SEED=<seed> swift test --filter FaultyNetworkTests`; the long
/// mode is `TIANBAO_LONG=1` (Tests/README.md).
@Suite struct FaultyNetworkTests {
    struct Member { let name: String, org: String, role: String }
    static let members = [
        Member(name: "a", org: "fz-first", role: "hospital"), Member(name: "b", org: "fz-first", role: "hospital"),
        Member(name: "x", org: "xm-first", role: "hospital"), Member(name: "city", org: "fj-fuzhou", role: "city"),
        Member(name: "province", org: "fj-province", role: "province"),
    ]
    static let reportsTo = ["fz-first": "fj-fuzhou", "xm-first": "fj-xiamen"]

    /// A command that exited 0, with the marker its text carries (if any).
    struct Acknowledged { let replica: String, record: String, marker: String? }

    @Test func replicasConvergeThroughAFaultyNetwork() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        try reportingSeed(seed) { try run(seed: seed) }
    }

    func run(seed: UInt64) throws {
        let rounds = Soak.count(short: 90, long: 600)
        let note = "seed \(seed) — replay with TIANBAO_SEED=\(seed)"
        var rng = SeededRandom(seed: seed)
        let w = try CLIWorld()
        let proxy = FaultProxy(upstream: UInt16(w.port), seed: seed ^ 0x5EED_FA17_0000_0001)   // its own stream
        defer { proxy.stop() }
        for m in Self.members {
            try w.replica(m.name, org: m.org, role: m.role)
            try pointAt(proxy, w.dir.file(m.name))
        }

        var ids: [String: [String]] = [:]          // records by unit, as their creators know them
        var submitted: [String] = []
        var acknowledged: [Acknowledged] = []
        var syncs: [Int32: Int] = [:]
        var outcomes: [String: Int] = [:]
        for n in 0..<rounds {
            let m = Self.members[Int.random(in: 0..<Self.members.count, using: &rng)]
            let marker = "#\(n)#"
            let pick = { (pool: [String], rng: inout SeededRandom) in pool.isEmpty ? nil : pool[Int.random(in: 0..<pool.count, using: &rng)] }
            var arguments: [String]
            var record: String?
            let roll = Int.random(in: 0..<20, using: &rng)
            switch (m.role, roll) {
            case (_, 0..<6):
                // Half the syncs give up at the first fault (exit 75, as cron sees it); the rest retry.
                let result = w.run(m.name, Bool.random(using: &rng) ? ["sync", "--budget", "0"] : ["sync"])
                #expect(result.isOrderly && [0, 65, 75].contains(result.status), "sync exited \(result.status): \(result.stderr) [\(note)]")
                syncs[result.status, default: 0] += 1
                continue
            case ("hospital", 6..<10):
                // Each project has its own leader: one leader's unfinished project blocks another.
                arguments = ["new", "fujian-2027", "application", "--set", "项目名称=项目\(marker)", "--set", "项目简介=初稿"] + CLIWorkflowTests.application
                    + ["--set", "项目负责人=负责人\(n)", "--set", "项目负责人手机号码=139\(String(format: "%08d", n))",
                       "--set", "统一社会信用代码=\(m.org == "xm-first" ? "91350200M000200Y40" : "91350100M000100Y43")"]
            case ("hospital", 10..<15):
                record = pick(ids[m.org] ?? [], &rng)
                arguments = ["edit", record ?? "", "--set", "项目简介=简介\(marker)"]
            case ("hospital", 15..<18):
                record = pick(ids[m.org] ?? [], &rng)
                arguments = ["submit", record ?? ""]
            case ("hospital", 18..<20) where Bool.random(using: &rng):
                record = pick(ids[m.org] ?? [], &rng)
                arguments = ["delete", record ?? ""]
            case ("hospital", _):
                record = pick(ids[m.org] ?? [], &rng)
                arguments = ["restore", record ?? ""]
            case ("city", _):
                record = pick(submitted.filter { (ids["fz-first"] ?? []).contains($0) }, &rng)
                arguments = roll < 15 ? ["recommend", record ?? "", "--opinion", "同意推荐\(marker)"] : ["return", record ?? "", "--reason", "请补充\(marker)"]
            default:
                record = pick(submitted, &rng)
                arguments = roll < 15 ? ["select", record ?? "", "--note", "入库\(marker)"] : ["reject", record ?? "", "--note", "不入库\(marker)"]
            }
            if arguments.count > 1 && arguments[1].isEmpty { continue }
            if m.role != "hospital" {
                // Reviewers fetch before they act on a unit's submission.
                let fetched = w.run(m.name, ["sync", "--budget", "0"])
                #expect(fetched.isOrderly && [0, 65, 75].contains(fetched.status), "sync exited \(fetched.status): \(fetched.stderr) [\(note)]")
                syncs[fetched.status, default: 0] += 1
            }
            let result = w.run(m.name, arguments)
            // Refusing an action the record's state does not allow is fine; crashing is not.
            #expect(result.isOrderly, "tianbao \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr) [\(note)]")
            outcomes["\(arguments[0]) \(result.status)", default: 0] += 1
            guard result.status == 0 else { continue }
            if arguments[0] == "new" {
                record = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                ids[m.org, default: []].append(record!)
            }
            if arguments[0] == "submit" { submitted.append(record!) }
            let marked = arguments.contains { $0.contains(marker) } && arguments[0] != "submit"
            acknowledged.append(Acknowledged(replica: m.name, record: record!, marker: marked ? marker : nil))
        }
        #expect(proxy.totalInjected > rounds / 20, "the proxy injected too little to matter: \(proxy.summary) [\(note)]")

        // One clean final sync: everything that can reach the hub does.
        proxy.setFaultRate(0)
        try syncEveryone(w)
        var refusals: [String: Set<String>] = [:]
        for m in Self.members {
            let listed = try refused(w, m.name)
            refusals[m.name] = Set(listed.map(\.dot))
            // Only a race between people is a reason: the network's faults never are.
            for (dot, code) in listed {
                #expect(Self.raceCodes.contains(code), "\(m.name)'s change \(dot) was refused '\(code)', which no race between people explains [\(note)]")
            }
        }
        if Soak.isLong {
            for kind in FaultProxy.Fault.allCases {
                #expect(proxy.injected[kind, default: 0] > 0, "the long run never injected \(kind) [\(note)]")
            }
        }
        #expect(w.stopHub()?.status == 0, "\(note)")
        try checkNothingLost(w, acknowledged: acknowledged, refusals: refusals, note: note)

        // Refusals are dropped as a user would, after which every replica shows what the hub holds.
        try w.startHub()
        for (name, dots) in refusals where !dots.isEmpty { try w.check(["discard", "--all"], in: name) }
        try syncEveryone(w)
        #expect(w.stopHub()?.status == 0, "\(note)")
        try checkConverged(w, note: note)
        print("FaultyNetworkTests: seed \(seed), \(rounds) rounds, \(acknowledged.count) acknowledged commands, syncs by exit \(syncs), commands by exit \(outcomes.sorted { $0.key < $1.key }), "
              + "refused \(refusals.values.map(\.count).reduce(0, +)); \(proxy.summary)")
    }

    // MARK: Steps

    func pointAt(_ proxy: FaultProxy, _ folder: String) throws {
        let path = folder + "/config.json"
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        config["hub"] = "http://127.0.0.1:\(proxy.port)"
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    }

    /// Everyone syncs until a whole pass moves nothing: pushes reach cities and the province,
    /// whose actions come back to the units.
    func syncEveryone(_ w: CLIWorld) throws {
        for _ in 0..<3 {
            for m in Self.members {
                let result = w.run(m.name, ["sync"])
                guard result.status == 0 || result.status == 65 else {
                    throw CLIWorldError("\(m.name): a clean sync exited \(result.status): \(result.stderr)")
                }
            }
        }
    }

    /// Refusals that concurrent work explains: a unit deleting or editing what its colleague just
    /// submitted, a province deciding on what its city just returned.
    static let raceCodes: Set<String> = ["submitted_record", "frozen_submission", "not_submitted", "not_recommended"]

    /// The refusals `status` lists: each change's dot and the code the hub gave.
    func refused(_ w: CLIWorld, _ name: String) throws -> [(dot: String, code: String)] {
        let json = try w.check(["status", "--json"], in: name).stdout
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let refused = object["refused"] as? [[String: Any]] ?? []
        for r in refused { print("FaultyNetworkTests: \(name) has a refusal: \(r)") }
        return refused.map { ($0["dot"] as? String ?? "?", $0["code"] as? String ?? "?") }
    }

    func open(_ path: String) throws -> ReplicaStore {
        try ReplicaStore(path: path, configuration: .init(collections: Workspace.Collection.all))
    }

    /// Every change a replica made is at the hub or listed as refused; every acknowledged command
    /// left its change in the replica, and the hub holds each marked change exactly once.
    func checkNothingLost(_ w: CLIWorld, acknowledged: [Acknowledged], refusals: [String: Set<String>], note: String) throws {
        let hub = try open(w.hubDB)
        defer { hub.close() }
        for m in Self.members {
            let store = try open(w.dir.file(m.name) + "/replica.sqlite")
            defer { store.close() }
            try store.changes(from: store.replicaID, after: 0) { batch in
                for change in batch {
                    let atHub = try hub.holds(change.dot)
                    #expect(atHub || refusals[m.name]!.contains(change.dot.description),
                            "\(m.name)'s change \(change.dot) to \(change.record) is neither at the hub nor listed as refused [\(note)]")
                }
            }
            for ack in acknowledged where ack.replica == m.name {
                let local = try store.history(of: ack.record)
                #expect(!local.isEmpty, "\(m.name): the record \(ack.record) of an acknowledged command is gone [\(note)]")
                guard let marker = ack.marker else { continue }
                let mine = local.filter { $0.dot.replica == store.replicaID && $0.value?.description.contains(marker) == true }
                #expect(mine.count == 1, "\(m.name): the acknowledged change \(marker) is held \(mine.count) times locally [\(note)]")
                let atHub = try hub.history(of: ack.record).filter { $0.value?.description.contains(marker) == true }
                let refusedHere = mine.contains { refusals[m.name]!.contains($0.dot.description) }
                #expect(atHub.count == (refusedHere ? 0 : 1), "\(m.name): the hub holds \(marker) \(atHub.count) times [\(note)]")
            }
        }
    }

    /// Every replica holds exactly the hub's records of its scope, conflicts included.
    func checkConverged(_ w: CLIWorld, note: String) throws {
        let hub = try open(w.hubDB)
        defer { hub.close() }
        let all = try hub.records(in: "submissions", includeDeleted: true)
        #expect(!all.isEmpty, "\(note)")
        for m in Self.members {
            let store = try open(w.dir.file(m.name) + "/replica.sqlite")
            defer { store.close() }
            let mine = try store.records(in: "submissions", includeDeleted: true)
            let expected = Set(all.filter { visible($0, to: m) }.map(\.id))
            let held = Set(mine.map(\.id))
            #expect(expected.subtracting(held).isEmpty, "\(m.name) lacks records of its scope: \(expected.subtracting(held).sorted()) [\(note)]")
            // Scope only grows: a record once read stays (a returned or deleted submission stays with its city).
            let hubByID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            for record in mine {
                if record != hubByID[record.id] {
                    // What the replica says of it: changes kept apart (and why), refusals, its last outcome.
                    let verify = w.run(m.name, ["verify"]), status = w.run(m.name, ["status"])
                    Issue.record("\(m.name)'s \(record.id) differs from the hub's [\(note)]\nverify: \(verify.stdout)\(verify.stderr)\nstatus: \(status.stdout)")
                }
                #expect(record == hubByID[record.id], "\(m.name)'s \(record.id) differs from the hub's [\(note)]")
                if !expected.contains(record.id) { print("FaultyNetworkTests: \(m.name) keeps \(record.id), in its scope once (scope only grows)") }
            }
        }
    }

    /// The read scope of PROTOCOL.md, stated again independently of the hub's code.
    func visible(_ record: RecordState, to m: Member) -> Bool {
        guard let unit = record[WorkflowField.unit]?.text else { return false }
        if unit == m.org { return true }
        if WorkflowEntry(record[WorkflowField.decision])?.action == .select { return true }
        let submitted = record.fields[WorkflowField.submission] != nil
        switch m.role {
        case "province": return submitted
        case "city": return submitted && Self.reportsTo[unit] == m.org
        default: return false
        }
    }
}
