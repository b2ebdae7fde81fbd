import Foundation
import Testing
import HTTP
import JSON
@testable import Hub
import Replication
import Submissions
import SyncClient
import SyncProtocol
import TestSupport
import GzipCodec

/// Sync round trips against a real hub on a loopback port.
@Suite struct HubSyncTests {
    static func application(_ project: String, leader: Int = 1) -> [(String, String)] {
        [("项目名称", project), ("项目负责人手机号码", "139059\(String(format: "%05d", leader))"), ("单位简介", "三级甲等综合医院。"), ("单位联系人", "陈丽"), ("单位联系人手机号码", "13905910002"),
         ("单位联系人电子邮箱", "chenli@fzsdyyy.cn"), ("项目负责人", "黄志强"),
         ("项目负责人电子邮箱", "leader\(leader)@fzsdyyy.cn"), ("团队简介", "影像科与信息中心骨干。"), ("应用场景方向", "基层能力提升方向"),
         ("研发进展", "内部立项阶段"), ("培育周期", "2026年3月-2028年6月"), ("项目简介", "县域影像智能辅助诊断。"),
         ("项目推进计划", "2026年训练，2027年试点。"), ("申报意见", "是"), ("日期", "2026-01-08"), ("统一社会信用代码", "91350100M000100Y43")]
    }

    @Test func theWholeWorkflowCrossesTheHub() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let city = try f.replica("fj-fuzhou", role: .city)
        let province = try f.replica("fj-province", role: .province)
        for r in [hospital, city, province] { try r.sync() }
        #expect(try hospital.workspace.directory().organizations.count == 7)   // organisations reach everyone

        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: Self.application("县域影像智能辅助诊断"))
        try hospital.workspace.submit(id)
        let pushed = try hospital.sync()
        #expect(pushed.pushed > 15)
        #expect(pushed.roundTrips == 1)

        try city.sync()
        #expect(try city.workspace.submission(id).status == .submitted)
        try city.workspace.recommend(id, opinion: "同意推荐")
        try city.sync()
        try province.sync()
        #expect(try province.workspace.submission(id).status == .recommended)
        try province.workspace.select(id)
        try province.sync()
        try hospital.sync()
        try city.sync()
        let views = try [hospital, city, province].map { try $0.workspace.submission(id) }
        #expect(views.allSatisfy { $0.status == .selected })
        #expect(Set(views.map(\.record)).count == 1)
        // Nothing changed: one round trip, a small reply.
        let idle = try hospital.sync()
        #expect(idle.roundTrips == 1)
        #expect(idle.pushed == 0 && idle.pulled == 0)
        #expect(idle.bytesReceived < 1024 && idle.bytesSent < 1024)
    }

    @Test func aDraftStaysHomeUntilSubmittedThenArrivesWhole() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let colleague = try f.replica("fz-first", role: .hospital, name: "fz-first-2")
        let neighbour = try f.replica("fz-second", role: .hospital)
        let city = try f.replica("fj-fuzhou", role: .city)
        let otherCity = try f.replica("fj-xiamen", role: .city)
        let province = try f.replica("fj-province", role: .province)
        for r in [hospital, colleague, neighbour, city, otherCity, province] { try r.sync() }

        // A week of drafting, synced every day.
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: Self.application("初稿"))
        for day in 1...7 {
            f.clock.advance(by: 86_400_000 / 8)
            try hospital.workspace.edit(id, values: [("项目名称", "第\(day)稿"), ("团队简介", "第\(day)次修改")])
            try hospital.sync()
            for r in [colleague, neighbour, city, otherCity, province] { try r.sync() }
            #expect(try colleague.store.record(id) != nil)         // the hospital's own replicas see drafts
            for r in [neighbour, city, otherCity, province] { #expect(try r.store.record(id) == nil) }
        }
        try hospital.workspace.submit(id)
        try hospital.sync()
        for r in [neighbour, city, otherCity, province] { try r.sync() }
        let home = try #require(try hospital.store.record(id))
        #expect(try city.store.record(id) == home)                  // complete and identical
        #expect(try province.store.record(id) == home)
        #expect(try city.store.history(of: id) == hospital.store.history(of: id))
        #expect(try neighbour.store.record(id) == nil)              // other hospitals never see it
        #expect(try otherCity.store.record(id) == nil)              // nor another city

        // Returned for revision, the record stays in the city's scope: its later edits arrive too.
        try city.workspace.returnForRevision(id, reason: "请补充")
        try city.sync()
        try hospital.sync()
        try hospital.workspace.edit(id, values: [("项目名称", "修改后")])
        try hospital.sync()
        try city.sync()
        #expect(try city.workspace.submission(id).value("project_name") == .text("修改后"))
        #expect(try city.workspace.submission(id).status == .returned)
    }

    /// A hub paging at 4,000 bytes, and a hospital that pushed thirty submissions to it.
    static func thirtySubmitted() throws -> (HubFixture, HubFixture.Replica, pushed: SyncClient.Report) {
        let f = try HubFixture(pageBytes: 4_000)
        let hospital = try f.replica("fz-first", role: .hospital)
        try hospital.sync()
        for i in 0..<30 {
            let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: Self.application("项目\(i)", leader: i))
            try hospital.workspace.submit(id)
        }
        hospital.client.pushBatch = 100
        return (f, hospital, try hospital.sync())
    }

    @Test func largeTransfersArePagedAndResumeAfterADroppedConnection() throws {
        let (f, hospital, pushed) = try Self.thirtySubmitted()
        #expect(pushed.roundTrips > 3)

        // The province's link drops after three pages; the next sync continues from its checkpoint.
        let province = try f.replica("fj-province", role: .province)
        let flaky = FlakyTransport(failAfter: 8)
        let flakyClient = SyncClient(store: province.store, hub: f.url, token: province.token, transport: flaky)
        flakyClient.pageBytes = 4_000
        #expect(throws: SyncClient.Failure.self) { try flakyClient.sync() }
        let partial = try province.store.records(in: Workspace.Collection.submissions).count
        #expect(partial > 0 && partial < 30)
        let rest = try province.sync()
        #expect(rest.roundTrips > 1)
        let all = try hospital.store.snapshot().records.filter { $0.collection == Workspace.Collection.submissions }
        let got = try province.store.snapshot().records.filter { $0.collection == Workspace.Collection.submissions }
        #expect(got == all)
        #expect(got.count == 30)
    }

    /// A terminal's progress while a replica pulls many pages: the hub says where its log ends, so the
    /// share done climbs page by page and ends at 100%.
    @Test func aLongPullReportsItsShareDone() throws {
        let (f, _, _) = try Self.thirtySubmitted()
        let province = try f.replica("fj-province", role: .province)
        province.client.pageBytes = 4_000
        var shares: [Int] = []
        let report = try province.client.sync { progress in if let share = progress.pullPercent { shares.append(share) } }
        #expect(report.roundTrips > 3 && shares.count >= 3, "\(shares)")
        #expect(shares == shares.sorted(), "the share done never goes back: \(shares)")
        #expect(shares.last == 100 && shares.first! < 100, "\(shares)")
    }

    @Test func rePushingABatchIsHarmless() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        try hospital.sync()
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "重发")])
        var changes: [Change] = []
        try hospital.store.changes(from: hospital.store.replicaID, after: 0) { changes += $0 }
        let body = Array(try JSONEncoder().encode(SyncRequest(replica: hospital.store.replicaID, checkpoint: 0, changes: changes)))
        let first = try #require(try f.raw(token: hospital.token, body: body))
        #expect(first.status == 200)
        let count = try f.hubChangeCount()
        let second = try #require(try f.raw(token: hospital.token, body: body))
        #expect(second.status == 200)
        let reply = try SyncCodec.response(JSONTree.parse(second.body))
        #expect(reply.results.allSatisfy { $0.status == .duplicate })
        #expect(try f.hubChangeCount() == count)
        #expect(try f.hub.withWorkspace { try $0.store.record(id) } != nil)
    }

    @Test func aBatchWithOneForbiddenChangeIsRefusedWhole() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        try hospital.sync()
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: Self.application("越权"))
        try hospital.workspace.submit(id)
        // The hospital's replica writes a recommendation of its own record, past its CLI.
        let forged = WorkflowEntry(action: .recommend, revision: "x", text: "自荐", by: "fz-first")
        try hospital.store.commit([.set(collection: Workspace.Collection.submissions, record: id, field: WorkflowField.review, value: forged.stored)])
        let before = try f.hubChangeCount()
        let report = try hospital.sync()
        // The forged change is refused with its reason; the rest went through once it was withdrawn.
        #expect(report.refused.count == 1)
        #expect(report.refused.first?.code == "city_only")
        #expect(try SyncState(hospital.store).refusals().count == 1)
        #expect(try f.hubChangeCount() > before)
        let onHub = try f.hub.withWorkspace { try $0.submission(id) }
        #expect(onHub.status == .submitted)
        #expect(onHub.workflow.review == nil)
        // And the next sync is clean.
        #expect(try hospital.sync().refused.isEmpty)
    }

    @Test func repliesAreGzippedWhenAccepted() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let body = Array(try JSONEncoder().encode(SyncRequest(replica: hospital.store.replicaID, checkpoint: 0, changes: [])))
        let plain = try #require(try f.raw(token: hospital.token, body: body))
        let zipped = try #require(try f.raw(token: hospital.token, body: body, headers: ["Accept-Encoding: gzip"]))
        #expect(plain.headers["content-encoding"] == nil)
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.body.count < plain.body.count / 2)
        #expect(try Gzip.decompress(zipped.body, limit: 1 << 24) == plain.body)
    }

    @Test func metricsAndHealth() throws {
        let metricsToken = String(repeating: "m", count: 40)
        let f = try HubFixture(metricsToken: metricsToken)
        let hospital = try f.replica("fz-first", role: .hospital)
        try hospital.sync()
        let health = try #require(try f.raw("GET", "/healthz", token: nil, body: []))
        #expect(health.status == 200)
        // Anyone gets aggregates, naming no replica or organisation.
        let open = try #require(try f.raw("GET", "/metrics", token: nil, body: []))
        #expect(open.text.contains("tianbao_http_requests_total{route=\"/v1/sync\",code=\"200\"} 1"))
        #expect(open.text.contains("tianbao_sync_duration_seconds_count 1"))
        #expect(open.text.contains("tianbao_replicas 1"))
        #expect(!open.text.contains(hospital.store.replicaID.hex))
        #expect(!open.text.contains("fz-first"))
        for wrong in [hospital.token, metricsToken + "x"] {
            #expect(!(try #require(try f.raw("GET", "/metrics", token: wrong, body: []))).text.contains(hospital.store.replicaID.hex))
        }
        // The scraper holding the metrics token also gets each replica's last sync.
        let scraped = try #require(try f.raw("GET", "/metrics", token: metricsToken, body: []))
        #expect(scraped.text.contains("tianbao_replica_last_sync_timestamp_seconds{replica=\"\(hospital.store.replicaID.hex)\",org=\"fz-first\",role=\"hospital\"}"))
        #expect(!scraped.text.contains(hospital.token))
    }
}

/// A transport that fails after a number of calls, like a link that drops.
final class FlakyTransport: SyncTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    let failAfter: Int
    let inner = SocketTransport()

    init(failAfter: Int) { self.failAfter = failAfter }

    func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        let n = lock.withLock { calls += 1; return calls }
        if n > failAfter { throw TransportError("connection reset") }
        return try inner.post(url, body: body, token: token)
    }
}
