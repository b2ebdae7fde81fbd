import Foundation
import Testing
import JSON
import Replication
import Submissions
import SyncClient
import SyncProtocol
import TestSupport

/// A hub answers every protocol version it supports in that version's form, and a replica falls
/// back to version 1 when its hub is older than it.
@Suite struct HubProtocolVersionTests {
    /// Pulls one page from a fresh replica's point of view, speaking `version`.
    func pull(_ f: HubFixture, _ r: HubFixture.Replica, version: Int) throws -> (text: String, changes: [Change], nextHeader: String?) {
        var request = SyncRequest(replica: r.store.replicaID, checkpoint: 0, changes: [], maxBytes: 2_048)
        request.protocol = version
        let reply = try #require(try f.raw(token: r.token, body: SyncCodec.encode(request)))
        #expect(reply.status == 200)
        let response = try SyncCodec.response(JSONTree.parse(reply.body))
        #expect(response.protocol == version)
        return (String(decoding: reply.body, as: UTF8.self), response.changes, reply.headers["Tianbao-Next-Checkpoint"] ?? reply.headers["tianbao-next-checkpoint"])
    }

    @Test func bothVersionsCarryTheSameChangesInTheirOwnForm() throws {
        let f = try HubFixture()
        let reader = try f.replica("fz-second", role: .hospital)
        let v1 = try pull(f, reader, version: 1)
        let v2 = try pull(f, reader, version: 2)
        #expect(!v1.changes.isEmpty)
        #expect(v1.changes == v2.changes)
        // Version 1 names every change's origin; version 2 only where it differs from the last.
        let origins = { (text: String) in text.components(separatedBy: "\"origin\":").count - 1 }
        #expect(origins(v1.text) == v1.changes.count)
        #expect(origins(v2.text) < v1.changes.count)
        // A page with more after it names the next checkpoint in a header, as its body does.
        let more = try SyncCodec.response(JSONTree.parse(Array(v2.text.utf8)))
        #expect(more.more)
        #expect(v2.nextHeader == String(more.checkpoint))
    }

    @Test func aReplicaFallsBackToVersion1WithAnOlderHub() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let transport = VersionOneHub()
        let client = SyncClient(store: hospital.store, hub: f.url, token: hospital.token, transport: transport)
        #expect(try client.sync().pulled > 0)   // the organisations, in version 1
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "县域影像智能辅助诊断")])
        #expect(try client.sync().pushed > 0)
        #expect(client.protocolVersion == 1)
        #expect(transport.refusedVersions == [SyncProtocol.version])
        // What it pushed in version 1 is on the hub, whole.
        let colleague = try f.replica("fz-first", role: .hospital, name: "fz-first-2")
        try colleague.sync()
        let theirs = try #require(try colleague.store.record(id))
        #expect(theirs == (try hospital.store.record(id)))
        #expect(theirs.fields.count > 4)
    }
}

/// A hub that speaks only version 1, as a hub of an earlier build does.
final class VersionOneHub: SyncTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var refused: [Int] = []
    private let inner = SocketTransport()
    var refusedVersions: [Int] { lock.withLock { refused } }

    func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        let version = (try? JSONTree.parse(body)).flatMap(SyncCodec.protocolVersion) ?? 0
        guard version == 1 else {
            lock.withLock { refused.append(version) }
            let error = #"{"error":{"code":"protocol_version","message":"this hub speaks sync protocol 1"}}"#
            return TransportReply(status: 400, body: Array(error.utf8))
        }
        return try inner.post(url, body: body, token: token)
    }
}

/// A hub that fails (500) or is busy is "try later" for the replica (exit 75 from `sync`), never
/// "your data is wrong" (65): nothing was applied, and the next run goes on.
@Suite struct HubFailureTests {
    final class Answering: SyncTransport, @unchecked Sendable {
        let status: Int
        init(_ status: Int) { self.status = status }
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            TransportReply(status: status, body: Array("{\"error\":{\"code\":\"internal\",\"message\":\"the hub could not complete the sync\"}}".utf8))
        }
    }

    @Test(arguments: [500, 502, 503, 504])
    func aFailingHubIsTryLater(status: Int) throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        let client = SyncClient(store: r.store, hub: f.url, token: r.token, transport: Answering(status))
        do {
            try client.sync()
            Issue.record("a \(status) was taken as success")
        } catch SyncClient.Failure.unavailable {
        } catch {
            Issue.record("a \(status) gave \(error), not 'unavailable'")
        }
    }
}

@Suite struct ResentChangeTests {
    /// A delete whose reply was lost is sent again: the hub holds it, so it is a duplicate,
    /// whatever it does (it used to be judged again and refused as unknown_record).
    @Test func aResentDeleteIsADuplicate() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        let id = try r.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "要删的")])
        try r.sync()
        try r.workspace.delete(id)
        var own: [Change] = []
        try r.store.changes(from: r.store.replicaID, after: 0) { own += $0 }
        let delete = try #require(own.last)
        #expect(delete.op == .delete)
        #expect(try f.push(r, [delete])?.status == 200)
        let again = try f.push(r, [delete])
        #expect(again?.status == 200)
        #expect(again?.resultStatuses == ["duplicate"])
    }
}
