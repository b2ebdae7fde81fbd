import Foundation
import JSON
import Synchronization
import SyncProtocol
@testable import Hub
import Replication
import Submissions
import SyncClient
import Testing
import TestSupport

/// A hospital moved to another city (the directory changes its 设区市): the city it now reports
/// through reads its submitted records from the move on — the ones submitted before the move
/// too, not only those that change after it.
@Suite struct MovedUnitTests {
    /// 福州市第二医院, reporting to 福州, with one application submitted; both cities' replicas.
    struct World {
        let f: HubFixture
        let hospital: HubFixture.Replica, fuzhou: HubFixture.Replica, xiamen: HubFixture.Replica
        let submitted: String

        init() throws {
            f = try HubFixture()
            hospital = try f.replica("fz-second", role: .hospital)
            fuzhou = try f.replica("fj-fuzhou", role: .city)
            xiamen = try f.replica("fj-xiamen", role: .city)
            try hospital.sync()
            submitted = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断", leader: 1))
            try hospital.workspace.submit(submitted)
        }
    }

    @Test func theCityAHospitalMovesToReceivesItsSubmittedRecordsWhole() throws {
        let w = try World()
        let (f, hospital, fuzhou, xiamen, submitted) = (w.f, w.hospital, w.fuzhou, w.xiamen, w.submitted)
        let draft = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("病理辅助诊断", leader: 2))
        try hospital.sync()
        try fuzhou.sync()
        try xiamen.sync()
        #expect(try fuzhou.store.record(submitted) != nil)
        #expect(try xiamen.store.record(submitted) == nil)

        var moved = try #require(HubFixture.organizations.first { $0.code == "fz-second" })
        moved.city = "fj-xiamen"
        try f.hub.saveOrganizations([moved])
        try xiamen.sync()
        let atHub = try #require(try f.hub.withWorkspace { try $0.store.record(submitted) })
        #expect(try xiamen.store.record(submitted) == atHub, "the city the hospital moved to lacks its submitted record")
        #expect(try xiamen.store.record(draft) == nil, "a draft reached a city")

        // Once held, the unit's next directory change brings only itself.
        moved.phone = "0591-88888888"
        try f.hub.saveOrganizations([moved])
        let report = try xiamen.sync()
        #expect(report.pulled == 1, "the city pulled \(report.pulled) changes for one change of the directory")
        // And the city it left keeps what it read (scope only grows).
        try fuzhou.sync()
        #expect(try fuzhou.store.record(submitted) == atHub)
    }

    /// Counts the changes in every sync reply a replica reads.
    final class Counting: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        let changes = Mutex(0)
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            let reply = try inner.post(url, body: body, token: token)
            if let page = try? SyncCodec.response(JSONTree.parse(reply.body)) { changes.withLock { $0 += page.changes.count } }
            return reply
        }
    }

    /// A city cloned after the move reads the unit's records once each, as its walk meets them.
    @Test func aCityClonedAfterTheMoveReceivesEachChangeOnce() throws {
        let f = try HubFixture(pageBytes: 2_048)   // pages of a few changes: the unit's records come pages after its directory entry
        let hospital = try f.replica("fz-second", role: .hospital)
        try hospital.sync()
        for n in 1...2 {
            let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("项目\(n)", leader: n))
            try hospital.workspace.submit(id)
        }
        try hospital.sync()
        var moved = try #require(HubFixture.organizations.first { $0.code == "fz-second" })
        moved.city = "fj-xiamen"
        try f.hub.saveOrganizations([moved])
        let xiamen = try f.replica("fj-xiamen", role: .city)
        let counting = Counting()
        let report = try SyncClient(store: xiamen.store, hub: f.url, token: xiamen.token, transport: counting).sync()
        #expect(try xiamen.store.records(in: "submissions").count == 2)
        #expect(counting.changes.withLock { $0 } == report.pulled, "the hub sent \(counting.changes.withLock { $0 }) changes for the \(report.pulled) the city holds")
    }

    /// Moved, the reply that carried its records lost, and moved back before the city synced
    /// again: the city was granted them, so it receives them whole — never a later change alone.
    @Test func aGrantInALostReplyHoldsAfterTheUnitMovesBack() throws {
        let w = try World()
        let (f, hospital, fuzhou, xiamen, id) = (w.f, w.hospital, w.fuzhou, w.xiamen, w.submitted)
        try hospital.sync()
        try xiamen.sync()
        var org = try #require(HubFixture.organizations.first { $0.code == "fz-second" })
        org.city = "fj-xiamen"
        try f.hub.saveOrganizations([org])
        let client = SyncClient(store: xiamen.store, hub: f.url, token: xiamen.token, transport: GrantAcknowledgementTests.LoseFirstReply())
        #expect(throws: (any Error).self) { try client.sync() }
        org.city = "fj-fuzhou"
        try f.hub.saveOrganizations([org])
        try client.sync()
        // The record changes at its own city; the change reaches the city granted it too.
        try fuzhou.sync()
        _ = try fuzhou.workspace.take(.recommend, ids: [id], text: "同意推荐", dryRun: false)
        try fuzhou.sync()
        try client.sync()
        let atHub = try #require(try f.hub.withWorkspace { try $0.store.record(id) })
        let held = try #require(try xiamen.store.record(id), "the city granted the record holds nothing of it")
        #expect(held == atHub, "the city holds \(held.fields.count) of the record's \(atHub.fields.count) fields")
    }
}
