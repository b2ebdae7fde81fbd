import Foundation
import Synchronization
import Replication
import SQLite
import Submissions
import Testing
import TestSupport

/// The real binary killed with SIGKILL at random moments: during `sync`, `bundle import`,
/// `hub import`, a burst of `edit`s, and the hub itself while replicas push and clone. After
/// every kill each SQLite file passes `integrity_check`, every acknowledged local edit is still
/// there, and the next run completes and converges.
///
/// Each scenario first times its work unkilled, then kills at a random moment within that time.
/// Replay with `TIANBAO_SEED=<seed>`; `TIANBAO_LONG=1` runs 12 trials of each (Tests/README.md).
@Suite(.serialized) struct CrashLoopTests {
    let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
    var note: String { "seed \(seed) — replay with TIANBAO_SEED=\(seed)" }
    static var trials: Int { Soak.count(short: 2, long: 12) }

    // MARK: Scenarios

    @Test func killedSyncs() throws { try reportingSeed(seed) { try killedSyncsBody() } }

    func killedSyncsBody() throws {
        var rng = SeededRandom(seed: seed)
        let w = try CLIWorld()
        try w.replica("r", org: "fz-first", role: "hospital")
        try w.replica("peer", org: "fz-first", role: "hospital")
        var push = 0.0, pull = 0.0
        var partial = 0
        for trial in 0...Self.trials {
            // Killed while pushing.
            try Bulk.drafts(in: store(w, "r"), count: 300)
            let before = try ownCount(store(w, "r"))
            let atHub = try Bulk.changeCount(hub: w.hubDB, origin: store(w, "r")).hub
            runOrKill(["sync", "--dir", w.dir.file("r")], trial: trial, window: &push, &rng)
            try expectIntact(store(w, "r"))
            #expect(try ownCount(store(w, "r")) == before, "a killed sync lost local changes [\(note)]")
            let reached = try Bulk.changeCount(hub: w.hubDB, origin: store(w, "r")).hub
            if reached > atHub && reached < before { partial += 1 }
            try w.check(["sync"], in: "r")
            let counts = try Bulk.changeCount(hub: w.hubDB, origin: store(w, "r"))
            #expect(counts.hub == counts.local, "the hub holds \(counts.hub) of \(counts.local) changes after a resumed sync [\(note)]")

            // Killed while pulling what was just pushed.
            runOrKill(["sync", "--dir", w.dir.file("peer")], trial: trial, window: &pull, &rng)
            try expectIntact(store(w, "peer"))
            try w.check(["sync"], in: "peer")
            #expect(try submissions(store(w, "peer")) == submissions(store(w, "r")), "the unit's replicas differ after a resumed pull [\(note)]")
        }
        print("CrashLoopTests: \(partial) of \(Self.trials) killed pushes had sent part of their changes [\(note)]")
        expectKillsLanded("sync")
    }

    @Test func aKilledHubWhileReplicasPushAndClone() throws { try reportingSeed(seed) { try aKilledHubWhileReplicasPushAndCloneBody() } }

    func aKilledHubWhileReplicasPushAndCloneBody() throws {
        var rng = SeededRandom(seed: seed &+ 1)
        let w = try CLIWorld()
        try w.replica("r", org: "fz-first", role: "hospital")
        var window = 0.0
        var clones: [String] = []
        for trial in 0...Self.trials {
            try Bulk.drafts(in: store(w, "r"), count: 300)
            let clone = "clone\(trial)"
            let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", "fz-first", "--role", "hospital", "--json"])
            let token = try JSONSerialization.jsonObject(with: Data(enrolled.stdout.utf8)) as! [String: Any]
            let started = Date()
            let push = Subprocess.start(["sync", "--budget", "0", "--dir", w.dir.file("r")])
            let cloning = Subprocess.start(["init", "--hub", w.url, "--token", (token["token"] as! String), "--dir", w.dir.file(clone)])
            if trial == 0 {
                for p in [push, cloning] { #expect(p.stop(0, timeout: 120).status == 0) }
                window = Date().timeIntervalSince(started)
            } else {
                usleep(UInt32(Double.random(in: 0...window, using: &rng) * 1_000_000))
                let hub = w.stopHub(SIGKILL)
                Self.kills.withLock { $0[hub?.signaled == true ? "hub killed" : "hub ended first", default: 0] += 1 }
                for p in [push, cloning] {
                    let result = p.stop(0, timeout: 120)
                    #expect(result.isOrderly, "a replica crashed when the hub died: exit \(result.status) \(result.stderr) [\(note)]")
                }
                try expectIntact(w.hubDB)
                try w.startHub()
            }
            try expectIntact(store(w, "r"))
            try w.check(["sync"], in: "r")
            // A clone cut short is finished by its next sync, or begun again when nothing of it was kept.
            if !FileManager.default.fileExists(atPath: w.dir.file(clone) + "/config.json") {
                try? FileManager.default.removeItem(atPath: w.dir.file(clone))
                try w.check(["init", "--hub", w.url, "--token", (token["token"] as! String), "--dir", w.dir.file(clone)])
            }
            try expectIntact(store(w, clone))
            try w.check(["sync"], in: clone)
            clones.append(clone)
            let counts = try Bulk.changeCount(hub: w.hubDB, origin: store(w, "r"))
            #expect(counts.hub == counts.local, "the hub holds \(counts.hub) of \(counts.local) changes [\(note)]")
        }
        let hubKills = Self.kills.withLock { $0["hub killed", default: 0] }
        print("CrashLoopTests: the hub was killed mid-run \(hubKills) times [\(note)]")
        if Soak.isLong { #expect(hubKills > 0, "the hub was never killed while it ran [\(note)]") }
        let expected = try submissions(store(w, "r"))
        for clone in clones {
            try w.check(["sync"], in: clone)
            #expect(try submissions(store(w, clone)) == expected, "\(clone) differs from the unit's replica [\(note)]")
        }
    }

    @Test func killedHubImports() throws { try reportingSeed(seed) { try killedHubImportsBody() } }

    func killedHubImportsBody() throws {
        var rng = SeededRandom(seed: seed &+ 2)
        let w = try CLIWorld()
        try w.replica("offline", org: "xm-first", role: "hospital")
        var window = 0.0
        for trial in 0...Self.trials {
            try Bulk.drafts(in: store(w, "offline"), count: 300)
            let bundle = w.dir.file("offline\(trial).bundle")
            try w.check(["bundle", "export", "--out", bundle], in: "offline")
            runOrKill(["hub", "import", "--db", w.hubDB, bundle], trial: trial, window: &window, &rng)
            try expectIntact(w.hubDB)
            try w.check(["hub", "import", "--db", w.hubDB, bundle])
            let counts = try Bulk.changeCount(hub: w.hubDB, origin: store(w, "offline"))
            #expect(counts.hub == counts.local, "the hub holds \(counts.hub) of \(counts.local) changes after a resumed import [\(note)]")
        }
        expectKillsLanded("hub")
        // The unit's replica, back online, finds the hub has everything and matches it.
        try w.check(["sync"], in: "offline")
        #expect(try Bulk.changeCount(hub: w.hubDB, origin: store(w, "offline")).local == ownCount(store(w, "offline")))
    }

    @Test func killedBundleImports() throws { try reportingSeed(seed) { try killedBundleImportsBody() } }

    func killedBundleImportsBody() throws {
        var rng = SeededRandom(seed: seed &+ 3)
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        try w.check(["sync"], in: "a")
        try w.check(["sync"], in: "b")   // learns a's key
        var window = 0.0
        for trial in 0...Self.trials {
            try Bulk.drafts(in: store(w, "a"), count: 300)
            let bundle = w.dir.file("a\(trial).bundle")
            try w.check(["bundle", "export", "--out", bundle], in: "a")
            runOrKill(["bundle", "import", bundle, "--dir", w.dir.file("b")], trial: trial, window: &window, &rng)
            try expectIntact(store(w, "b"))
            try w.check(["bundle", "import", bundle], in: "b")
            #expect(try submissions(store(w, "b")) == submissions(store(w, "a")), "b differs from a after a resumed import [\(note)]")
        }
        expectKillsLanded("bundle")
        for name in ["a", "b", "a", "b"] { try w.check(["sync"], in: name) }
        #expect(try submissions(store(w, "b")) == submissions(store(w, "a")), "\(note)")
    }

    @Test func aBurstOfEditsKilledAtRandom() throws { try reportingSeed(seed) { try aBurstOfEditsKilledAtRandomBody() } }

    func aBurstOfEditsKilledAtRandomBody() throws {
        var rng = SeededRandom(seed: seed &+ 4)
        let w = try CLIWorld()
        try w.replica("e", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=连续编辑"], in: "e").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let started = Date()
        try w.check(["edit", id, "--set", "项目简介=计时"], in: "e")
        let window = Date().timeIntervalSince(started)
        var acknowledged: [String] = []
        var kills = 0
        for i in 0..<(Self.trials * 10) {
            let marker = "#\(i)#"
            let run = Subprocess.start(["edit", id, "--set", "项目简介=简介\(marker)", "--set", "团队简介=团队\(marker)", "--dir", w.dir.file("e")])
            let result = kill(run, within: window * 1.6, &rng)
            if result.status == 0 && !result.signaled { acknowledged.append(marker) } else { kills += 1 }
            try expectIntact(store(w, "e"))
        }
        let history = try read(store(w, "e")) { try $0.history(of: id) }
        for marker in acknowledged {
            #expect(history.filter { $0.value?.description.contains(marker) == true }.count == 2, "the acknowledged edit \(marker) is not whole [\(note)]")
        }
        // An edit killed before it answered is all there or not there: never half its fields.
        for i in 0..<(Self.trials * 10) {
            let count = history.filter { $0.value?.description.contains("#\(i)#") == true }.count
            #expect(count == 0 || count == 2, "edit #\(i)# is half applied [\(note)]")
        }
        try w.check(["sync"], in: "e")
        let atHub = try read(w.hubDB) { try $0.history(of: id) }
        #expect(Set(atHub.map(\.dot)) == Set(history.map(\.dot)), "\(note)")
        print("CrashLoopTests: \(acknowledged.count) acknowledged edits, \(kills) killed [\(note)]")
        expectKillsLanded("edit")
    }

    // MARK: Helpers

    /// Runs `arguments` through to the end on trial 0, which times the work into `window`; on
    /// later trials kills it at a random moment within that time.
    func runOrKill(_ arguments: [String], trial: Int, window: inout Double, _ rng: inout SeededRandom) {
        let started = Date()
        let run = Subprocess.start(arguments)
        if trial > 0 {
            _ = kill(run, within: window, &rng)
        } else {
            let result = run.stop(0, timeout: 120)
            window = Date().timeIntervalSince(started)
            #expect(result.status == 0, "\(result.stderr) [\(note)]")
        }
    }

    /// Kills `run` with SIGKILL at a random moment within `window` seconds (if it is still running).
    func kill(_ run: Subprocess.Running, within window: Double, _ rng: inout SeededRandom) -> Subprocess.Result {
        usleep(UInt32(Double.random(in: 0...max(window, 0.01), using: &rng) * 1_000_000))
        let result = run.stop(SIGKILL)
        let command = run.process.arguments?.first ?? "?"
        Self.kills.withLock { $0[command + (result.signaled ? " killed mid-run" : " finished first"), default: 0] += 1 }
        return result
    }

    /// How many kills landed while the work ran, by command.
    static let kills = Mutex<[String: Int]>([:])

    /// In long mode, some kill of `command` must have landed while it ran: otherwise the scenario
    /// tested nothing.
    func expectKillsLanded(_ command: String) {
        let landed = Self.kills.withLock { $0[command + " killed mid-run", default: 0] }
        print("CrashLoopTests: \(command): \(landed) kills landed mid-run; all so far \(Self.kills.withLock { $0 }) [\(note)]")
        if Soak.isLong { #expect(landed > 0, "no kill of \(command) landed while it ran [\(note)]") }
    }

    func store(_ w: CLIWorld, _ name: String) -> String { w.dir.file(name) + "/replica.sqlite" }

    func read<T>(_ path: String, _ body: (ReplicaStore) throws -> T) throws -> T {
        let store = try ReplicaStore(path: path, configuration: .init(collections: Workspace.Collection.all))
        defer { store.close() }
        return try body(store)
    }

    func ownCount(_ path: String) throws -> UInt64 { try read(path) { $0.versionVector()[$0.replicaID] } }

    func submissions(_ path: String) throws -> [RecordState] {
        try read(path) { try $0.records(in: "submissions", includeDeleted: true) }
    }

    func expectIntact(_ path: String) throws {
        let db = try Database(path: path)
        defer { db.close() }
        let verdict = try db.rows("PRAGMA integrity_check", map: { $0.text(0) })
        #expect(verdict == ["ok"], "\(path): \(verdict) [\(note)]")
    }
}
