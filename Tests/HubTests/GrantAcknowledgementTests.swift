import Foundation
@testable import Hub
import HTTP
import Replication
import Submissions
import Synchronization
import SyncClient
import Testing
import TestSupport

/// A record entering a replica's scope is sent whole, and the hub takes a later checkpoint past
/// the grant as proof the replica applied it (PROTOCOL.md 2.4). A request from before a page the
/// hub already served — a copy of an old request the network delivered late — must not make that
/// proof out of a page that never carried the record.
@Suite struct GrantAcknowledgementTests {
    /// Keeps every sync body the replica posts, so a test can deliver one again later.
    final class Recording: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        let bodies = Mutex<[[UInt8]]>([])
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            bodies.withLock { $0.append(body) }
            return try inner.post(url, body: body, token: token)
        }
    }

    @Test func aLateCopyOfAnOldRequestDoesNotTakeARecordAwayFromTheReplica() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let province = try f.replica("fj-province", role: .province)
        let recording = Recording()
        let provinceClient = SyncClient(store: province.store, hub: f.url, token: province.token, transport: recording)
        try hospital.sync()
        try provinceClient.sync()

        // A draft: the province's walk passes its arrivals and sends nothing of it.
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断", leader: 1))
        try hospital.sync()
        recording.bodies.withLock { $0.removeAll() }
        try provinceClient.sync()
        #expect(try province.store.record(id) == nil, "a draft reached the province")
        let old = try #require(recording.bodies.withLock { $0.first })

        // Submitted: the record enters the province's scope. Then the network delivers the
        // province's old request again; its reply goes nowhere.
        try hospital.workspace.submit(id)
        try hospital.sync()
        let late = try f.raw(token: province.token, body: old)
        #expect(late?.status == 200, "the late copy was not served as a pull: \(late.map { String(decoding: $0.body, as: UTF8.self) } ?? "no reply")")

        // The province syncs from where it is: it must receive the record whole.
        try provinceClient.sync()
        let atHub = try #require(try f.hub.withWorkspace { try $0.store.record(id) })
        let held = try #require(try province.store.record(id), "the submitted record never reached the province")
        #expect(held == atHub, "the province holds \(held.fields.count) of the record's \(atHub.fields.count) fields: \(Set(atHub.fields.keys).subtracting(held.fields.keys).sorted()) are missing")
    }

    /// The same late copy after the hub restarted between the page the replica applied and the
    /// copy: the new process has served nobody yet, and knows only that no page reached past its
    /// newest arrival when it started.
    @Test func aLateCopyAfterTheHubRestartedDoesNotTakeARecordAwayEither() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let province = try f.replica("fj-province", role: .province)
        let recording = Recording()
        try hospital.sync()
        try SyncClient(store: province.store, hub: f.url, token: province.token, transport: recording).sync()
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断", leader: 1))
        try hospital.sync()
        recording.bodies.withLock { $0.removeAll() }
        try SyncClient(store: province.store, hub: f.url, token: province.token, transport: recording).sync()
        let old = try #require(recording.bodies.withLock { $0.first })
        try hospital.workspace.submit(id)
        try hospital.sync()

        f.server.stop()
        f.hub.close()
        var configuration = Hub.Configuration(path: f.dir.file("hub.sqlite"))
        configuration.wallClock = f.clock.reading
        let restarted = try Hub(configuration: configuration)
        let (server, port) = try restarted.serve(host: "127.0.0.1", port: 0, log: nil)
        defer { server.stop(); restarted.close() }
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let late = try RawConnection(port: port)
        late.send(Array("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: \(old.count)\r\nConnection: close\r\nAuthorization: Bearer \(province.token)\r\n\r\n".utf8) + old)
        #expect(late.readResponse()?.status == 200)

        try SyncClient(store: province.store, hub: url, token: province.token).sync()
        let atHub = try #require(try restarted.withWorkspace { try $0.store.record(id) })
        let held = try #require(try province.store.record(id), "the submitted record never reached the province")
        #expect(held == atHub, "the province holds \(held.fields.count) of the record's \(atHub.fields.count) fields")
    }

    /// Loses the reply of the first sync request it carries: the hub served it, the replica never saw it.
    final class LoseFirstReply: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        let losses = Mutex(1)
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            let reply = try inner.post(url, body: body, token: token)
            if losses.withLock({ n -> Bool in defer { n = max(0, n - 1) }; return n > 0 }) { throw TransportError("connection reset") }
            return reply
        }
    }

    /// What the rule above must not cost: a plain retry after a lost reply gets the record whole,
    /// and once it applied it, the record's next changes come alone, not its history again.
    @Test func aRetryAfterALostReplyGetsTheRecordWholeAndThenOnlyWhatIsNew() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let province = try f.replica("fj-province", role: .province)
        try hospital.sync()
        try province.sync()
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断", leader: 1))
        try hospital.workspace.submit(id)
        try hospital.sync()

        let provinceClient = SyncClient(store: province.store, hub: f.url, token: province.token, transport: LoseFirstReply())
        #expect(throws: (any Error).self) { try provinceClient.sync() }
        #expect(try province.store.record(id) == nil)
        try provinceClient.sync()
        #expect(try province.store.record(id) == (try f.hub.withWorkspace { try $0.store.record(id) }))

        let city = try f.replica("fj-fuzhou", role: .city)
        try city.sync()
        _ = try city.workspace.take(.recommend, ids: [id], text: "同意推荐", dryRun: false)
        let recommended = try city.sync().pushed
        let report = try provinceClient.sync()
        #expect(recommended > 0 && report.pulled == recommended, "the province pulled \(report.pulled) changes for the city's \(recommended)")
        #expect(try province.store.record(id) == (try f.hub.withWorkspace { try $0.store.record(id) }))
    }
}
