import Foundation
import Synchronization
import Testing
import HTTP
@testable import Hub
import Replication
import SQLite
import Submissions
import SyncClient
import SyncProtocol
import TestSupport

/// Outside review: restored replicas, recovery, withdrawal, discard, fast clocks, hub restore.
/// Edges of taking back and recovering own changes, found by an outside review: each once lost work,
/// left a replica stuck, or let replicas diverge.
@Suite struct RecoveryEdgeTests {
    static let minute: Int64 = 60_000

    /// A copy of `r`'s store, as a backup taken now.
    func backup(_ r: HubFixture.Replica, _ f: HubFixture, _ name: String) throws -> String {
        let path = f.dir.file("\(name).sqlite")
        try r.store.backup(to: path)
        return path
    }

    /// Opens a replica on a (restored) store file, with `r`'s token and org.
    func open(_ path: String, like r: HubFixture.Replica, _ f: HubFixture, url: URL? = nil, clock: ManualClock? = nil,
              transport: (any SyncTransport)? = nil) throws -> HubFixture.Replica {
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = (clock ?? f.clock).reading
        configuration.durability = .processCrash
        let fresh = path + ".\(UInt32.random(in: 0...UInt32.max)).sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: fresh)
        if FileManager.default.fileExists(atPath: path + "-wal") { try FileManager.default.copyItem(atPath: path + "-wal", toPath: fresh + "-wal") }
        let store = try ReplicaStore(path: fresh, configuration: configuration)
        let workspace = Workspace(store: store, actor: r.workspace.actor, author: "restored")
        let client = SyncClient(store: store, hub: url ?? f.url, token: r.token, transport: transport ?? SocketTransport())
        return HubFixture.Replica(workspace: workspace, client: client, token: r.token)
    }

    func text(_ r: HubFixture.Replica, _ id: String, _ field: String) throws -> [String] {
        (try r.store.record(id)?.fields[field]?.versions ?? []).compactMap { if case .text(let t) = $0.value { t } else { nil } }
    }

    func describe(_ error: any Error) -> String { "\(error)" }

    // 1. Restored from a backup, synced before anything is typed.
    @Test func restoredCopySyncedBeforeTyping() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let first = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "备份前")])
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        f.clock.advance(by: 1_000)
        let lost = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "备份后")])
        try a.sync()
        let hubSeq = a.store.ownSeq
        let b = try open(copy, like: a, f)
        #expect(b.store.ownSeq < hubSeq)
        var outcomes: [String] = []
        for _ in 0..<2 {
            do { let r = try b.sync(); outcomes.append("ok adoption=\(String(describing: r.adoption))") } catch { outcomes.append(describe(error)) }
        }
        #expect(try b.store.record(lost) != nil, "the restored copy never gets back \(lost): \(outcomes)")
        #expect(try b.store.record(first) != nil)
        // Something typed now takes a sequence number at or below what the hub holds.
        let typed = try b.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "恢复后")])
        do { try b.sync() } catch { outcomes.append(describe(error)) }
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try colleague.sync()
        #expect(try colleague.store.record(typed) != nil, "what was typed after the restore never reaches the hub: \(outcomes)")
    }

    // 2. The recover request is lost on the network.
    final class CutRecover: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        let cuts = Mutex(1)
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            if String(decoding: body, as: UTF8.self).contains("\"recover\"") {
                let cut = cuts.withLock { n -> Bool in if n > 0 { n -= 1; return true }; return false }
                if cut { throw TransportError("connection reset") }
            }
            return try inner.post(url, body: body, token: token)
        }
    }

    @Test func recoverRequestLostOnTheNetwork() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        try a.workspace.edit(id, values: [("project_summary", "备份后")])
        try a.sync()
        let b = try open(copy, like: a, f, transport: CutRecover())
        try b.workspace.edit(id, values: [("team_profile", "恢复后")])
        var outcomes: [String] = []
        for _ in 0..<3 {
            do { _ = try b.sync(); outcomes.append("ok") } catch { outcomes.append(describe(error)) }
        }
        #expect(outcomes.last == "ok", "\(outcomes)")
    }

    // 3a. Restored copy; the hub withdrew a sequence number in the middle of what it holds.
    @Test func restoredCopyOverAWithdrawnGap() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        // The original: a change the hub refuses (identity_fixed), discarded; then good work.
        try a.store.commit([.set(collection: "submissions", record: id, field: "_unit", value: .text("fz-second"))])
        let refused = try a.sync()
        #expect(!refused.refused.isEmpty)
        try a.client.discard()
        try a.workspace.edit(id, values: [("project_name", "原机器")])
        try a.sync()
        // The restored copy types two edits.
        let b = try open(copy, like: a, f)
        try b.workspace.edit(id, values: [("project_summary", "恢复后一")])
        try b.workspace.edit(id, values: [("team_profile", "恢复后二")])
        var outcomes: [String] = []
        for _ in 0..<2 { do { let r = try b.sync(); outcomes.append("ok refused=\(r.refused.map { $0.code ?? "" }) adoption=\(String(describing: r.adoption))") } catch { outcomes.append(describe(error)) } }
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try colleague.sync()
        #expect(try text(colleague, id, "project_summary") == ["恢复后一"], "lost: \(outcomes)")
        #expect(try text(colleague, id, "team_profile") == ["恢复后二"])
    }

    // 3b. Restored copy; the hub withdrew the original's last sequence number.
    @Test func restoredCopyWhenTheHubsLastSeqIsWithdrawn() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        try a.workspace.edit(id, values: [("project_name", "原机器")])
        try a.store.commit([.set(collection: "submissions", record: id, field: "_unit", value: .text("fz-second"))])
        let r = try a.sync()
        #expect(!r.refused.isEmpty)
        // b: restored, types nothing (variant 1), c: restored, types (variant 2).
        let b = try open(copy, like: a, f)
        var outcomes: [String] = []
        for _ in 0..<2 { do { let r = try b.sync(); outcomes.append("ok refused=\(r.refused.map { $0.code ?? "" })") } catch { outcomes.append(describe(error)) } }
    }

    @Test func restoredCopyTypesWhenTheHubsLastSeqIsWithdrawn() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        try a.workspace.edit(id, values: [("project_name", "原机器")])
        try a.store.commit([.set(collection: "submissions", record: id, field: "_unit", value: .text("fz-second"))])
        let r = try a.sync()
        #expect(!r.refused.isEmpty)
        let c = try open(copy, like: a, f)
        try c.workspace.edit(id, values: [("project_summary", "恢复后")])
        var outcomes: [String] = []
        for _ in 0..<2 { do { let r = try c.sync(); outcomes.append("ok refused=\(r.refused.map { $0.code ?? "" }) adoption=\(String(describing: r.adoption?.renumbered.map { "\($0.from.seq)->\($0.to.seq)" }))") } catch { outcomes.append(describe(error)) } }
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try colleague.sync()
        #expect(try text(colleague, id, "project_summary") == ["恢复后"], "\(outcomes)")
    }

    // 4. Discard on a replica that holds a change stamped far ahead (the hub's admin clock ran fast).
    @Test func discardAfterAFarAheadStampBricksTheReplica() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a.sync()
        let year: Int64 = 365 * 24 * 3_600_000
        f.clock.advance(by: year)
        try f.hub.saveOrganizations([Organization(code: "fz-third", name: "福州市第三医院", kind: .hospital, city: "fj-fuzhou")])
        f.clock.advance(by: -year)
        try a.sync()
        try a.store.commit([.set(collection: "submissions", record: id, field: "_unit", value: .text("fz-second"))])
        #expect(!(try a.sync()).refused.isEmpty)
        try a.client.discard()
        try a.workspace.edit(id, values: [("project_summary", "丢弃之后")])
        let after = try a.sync()
        _ = try a.client.remakeChangesFromAFastClock()
        let again = try a.sync()
        #expect(after.refused.isEmpty && again.refused.isEmpty)
    }

    // 5. A clock 12 minutes fast, fixed; the user syncs five minutes later.
    @Test func modestlyFastClockIsNeverRemade() throws {
        let f = try HubFixture()
        let fast = ManualClock(f.clock.now + 12 * Self.minute)
        let a0 = try f.replica("fz-first", role: .hospital, name: "a")
        try a0.sync()
        a0.store.close()
        let path = try FileManager.default.contentsOfDirectory(atPath: f.dir.path).first { $0.hasPrefix("a-") && $0.hasSuffix(".sqlite") }!
        let r = try open(f.dir.file(path), like: a0, f, clock: fast)
        let id = try r.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "快了十二分钟")])
        let refused = try r.sync()
        #expect(refused.refused.contains { $0.code == "clock_ahead" })
        // Fixed, and five minutes pass.
        f.clock.advance(by: 5 * Self.minute)
        fast.set(f.clock.now)
        _ = try r.client.remakeChangesFromAFastClock()
        try r.sync()
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try colleague.sync()
        #expect(try colleague.store.record(id) != nil, "the edit typed with a 12-minute-fast clock never reaches the hub")
    }

    // 6. More than 1,024 refused changes before a 200.
    @Test func manyRefusalsOverflowTheWithdrawalLimit() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        let other = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "二")])
        try a.sync()
        for i in 0..<1_100 {
            try a.store.commit([.set(collection: "submissions", record: id, field: "_unit", value: .text("u\(i)"))])
        }
        var outcomes: [String] = []
        for _ in 0..<2 { do { let r = try a.sync(); outcomes.append("ok refused=\(r.refused.count)") } catch { outcomes.append(describe(error)) } }
        try a.workspace.edit(other, values: [("project_summary", "之后")])
        do { let r = try a.sync(); outcomes.append("ok refused=\(r.refused.count)") } catch { outcomes.append(describe(error)) }
        #expect(outcomes.last?.hasPrefix("ok") == true)
    }

    // 7. A restore from a backup whose instance was replaced by an earlier recovery, and a backup from before the first sync.
    @Test func restoringTheSameBackupTwice() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "a")
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        let beforeFirstSync = try backup(a, f, "before-first-sync")
        try a.sync()
        let copy = try backup(a, f, "a-backup")
        try a.workspace.edit(id, values: [("project_summary", "备份后")])
        try a.sync()
        let b = try open(copy, like: a, f)
        try b.workspace.edit(id, values: [("team_profile", "第一次恢复")])
        let first = try b.sync()
        #expect(first.adoption != nil)
        // b's disk dies too; the same backup is restored again.
        let c = try open(copy, like: a, f)
        var outcomes: [String] = []
        do { _ = try c.sync(); outcomes.append("ok") } catch { outcomes.append(describe(error)) }
        let d = try open(beforeFirstSync, like: a, f)
        do { _ = try d.sync(); outcomes.append("ok") } catch { outcomes.append(describe(error)) }
    }

    // 8. Taking back a refused edit of a record deleted meanwhile by a colleague.
    @Test func remakeOnARecordDeletedMeanwhile() throws {
        let f = try HubFixture()
        let a0 = try f.replica("fz-first", role: .hospital, name: "a")
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try a0.sync()
        let id = try a0.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a0.sync()
        try colleague.sync()
        a0.store.close()
        let path = try FileManager.default.contentsOfDirectory(atPath: f.dir.path).first { $0.hasPrefix("a-") && $0.hasSuffix(".sqlite") }!
        let fast = ManualClock(f.clock.now + 365 * 24 * 3_600_000)
        let a = try open(f.dir.file(path), like: a0, f, clock: fast)
        try a.workspace.edit(id, values: [("project_summary", "快钟时写的")])
        try colleague.workspace.delete(id)
        try colleague.sync()
        let r = try a.sync()
        #expect(r.refused.contains { $0.code == "clock_ahead" })
        fast.set(f.clock.now)
        var outcomes: [String] = []
        for _ in 0..<2 {
            do { let m = try a.client.remakeChangesFromAFastClock(); outcomes.append("ok remade=\(m.remade.count)") } catch { outcomes.append(describe(error)) }
        }
        #expect(outcomes.allSatisfy { $0.hasPrefix("ok") })
    }
}

extension RecoveryEdgeTests {
    // 9. A remade edit supersedes what arrived after it was typed: a concurrent colleague's value vanishes without a conflict.
    @Test func remakeSwallowsAConcurrentValue() throws {
        let f = try HubFixture()
        let a0 = try f.replica("fz-first", role: .hospital, name: "a")
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        try a0.sync()
        let id = try a0.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "一")])
        try a0.sync()
        try colleague.sync()
        a0.store.close()
        let path = try FileManager.default.contentsOfDirectory(atPath: f.dir.path).first { $0.hasPrefix("a-") && $0.hasSuffix(".sqlite") }!
        let fast = ManualClock(f.clock.now + 365 * 24 * 3_600_000)
        let a = try open(f.dir.file(path), like: a0, f, clock: fast)
        try a.workspace.edit(id, values: [("project_summary", "快钟时写的")])
        f.clock.advance(by: 1_000)
        try colleague.workspace.edit(id, values: [("project_summary", "同事同时写的")])
        try colleague.sync()
        _ = try a.sync()
        fast.set(f.clock.now + 1_000)
        _ = try a.client.remakeChangesFromAFastClock()
        try a.sync(); try colleague.sync()
        #expect(try text(colleague, id, "project_summary").count == 2, "the colleague's concurrent value was superseded without a conflict")
    }
}
