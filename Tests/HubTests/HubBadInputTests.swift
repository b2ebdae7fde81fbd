import Crypto
import Foundation
import HTTP
import Testing
@testable import Hub
import Replication
import Submissions
import SyncProtocol
import TestSupport

/// Bad input: each case gets its status, the hub still answers the next request, and nothing is applied.
@Suite struct HubBadInputTests {
    /// Sends `body` and checks the status, the error code, that nothing was applied and that the
    /// hub still answers.
    func expect(_ f: HubFixture, token: String?, body: [UInt8], status: Int, code: String, headers: [String] = [],
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try f.hubChangeCount()
        let response = try f.raw(token: token, body: body, headers: headers)
        #expect(response?.status == status, sourceLocation: sourceLocation)
        #expect(response?.text.contains("\"code\":\"\(code)\"") == true, "\(response?.text ?? "no response")", sourceLocation: sourceLocation)
        #expect(try f.hubChangeCount() == before, "something was applied", sourceLocation: sourceLocation)
        #expect(try f.raw("GET", "/healthz", token: nil, body: [])?.status == 200, sourceLocation: sourceLocation)
    }

    /// Encoded by the sync codec: its key order is fixed, so the tests can corrupt exact text.
    func request(_ replica: ReplicaStore, _ changes: [Change], checkpoint: Int64 = 0) throws -> [UInt8] {
        SyncCodec.encode(SyncRequest(replica: replica.replicaID, checkpoint: checkpoint, changes: changes))
    }

    func own(_ store: ReplicaStore) throws -> [Change] {
        var changes: [Change] = []
        try store.changes(from: store.replicaID, after: 0) { changes += $0 }
        return changes
    }

    @Test func malformedBodies() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try expect(f, token: r.token, body: Array("{not json".utf8), status: 400, code: "bad_json")
        try expect(f, token: r.token, body: [0x7B, 0xFF, 0xFE, 0x7D], status: 400, code: "bad_json")            // invalid UTF-8
        try expect(f, token: r.token, body: [], status: 400, code: "bad_json")
        try expect(f, token: r.token, body: Array("{\"protocol\":1,\"replica\":5,\"checkpoint\":\"zero\",\"changes\":{}}".utf8), status: 400, code: "bad_request")
        try expect(f, token: r.token, body: Array("{\"protocol\":99}".utf8), status: 400, code: "protocol_version")
        try expect(f, token: r.token, body: Array("{\"replica\":\"x\"}".utf8), status: 400, code: "protocol_version")
        let good = try request(r.store, [])
        try expect(f, token: r.token, body: Array(good.prefix(good.count / 2)), status: 400, code: "bad_json")  // truncated
    }

    @Test func malformedChangesInsideAValidRequest() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "坏数据")])
        var changes = try own(r.store)
        changes[changes.count - 1].value = .real(1.5)
        let text = String(decoding: try request(r.store, changes), as: UTF8.self)
        for (good, bad) in [("\"real\":1.5", "\"real\":1e999"), ("\"real\":1.5", "\"text\":5"), ("\"seq\":1,", "\"seq\":-1,")] {
            #expect(text.contains(good))
            try expect(f, token: r.token, body: Array(text.replacingOccurrences(of: good, with: bad).utf8), status: 400, code: "bad_request")
        }
        var unknown = try own(r.store)
        unknown[0].collection = "patients"
        try expect(f, token: r.token, body: try request(r.store, unknown), status: 403, code: "changes_refused")
    }

    /// Text no one types (TextRule) is refused at the sync door too, naming the character; what a
    /// person can type, markup and SQL included, is stored verbatim.
    @Test func hostileTextInAValidRequest() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "坏数据")])
        let text = String(decoding: try request(r.store, try own(r.store)), as: UTF8.self)
        #expect(text.contains("坏数据"))
        for (bad, code) in [("\\u0000", "U+0000"), ("\\u001b[2J", "U+001B"), ("\u{202E}", "U+202E"), ("\\u2069", "U+2069"), ("\\u0085", "U+0085"), ("\\r", "U+000D")] {
            let body = Array(text.replacingOccurrences(of: "坏数据", with: "坏\(bad)数据").utf8)
            try expect(f, token: r.token, body: body, status: 403, code: "changes_refused")
            #expect(try f.raw(token: r.token, body: body)?.text.contains(code) == true, "\(code)")
        }
        // A field name is text too.
        #expect(text.contains("\"field\":\"project_name\""))
        let renamed = Array(text.replacingOccurrences(of: "\"field\":\"project_name\"", with: "\"field\":\"project\u{202E}name\"").utf8)
        try expect(f, token: r.token, body: renamed, status: 403, code: "changes_refused")
        #expect(try f.raw(token: r.token, body: renamed)?.text.contains("field name contains U+202E") == true)
        // A value over the store's limit (1 MiB of UTF-8), however it arrives.
        let huge = String(repeating: "a", count: Change.Limits.valueBytes + 1)
        try expect(f, token: r.token, body: Array(text.replacingOccurrences(of: "坏数据", with: huge).utf8), status: 403, code: "changes_refused")
        // Bytes that are not UTF-8 are not JSON.
        try expect(f, token: r.token, body: Array(text.utf8).map { $0 == 0xE5 ? 0xFF : $0 }, status: 400, code: "bad_json")
        let typed = "'; DROP TABLE changes;-- <script>alert(1)</script> =1+1 \t\n 😀"
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "另一个"), ("项目简介", typed)])
        try r.sync()
        let stored = try f.hub.withWorkspace { try $0.store.records(in: Workspace.Collection.submissions) }
        #expect(stored.contains { $0["project_summary"]?.text == typed })
    }

    @Test func oversizedBodiesAndHeadersAndSlowClients() throws {
        var limits = HTTPLimitsForTests.small
        limits.requestTimeoutSeconds = 0.5
        let f = try HubFixture(limits: limits)
        let r = try f.replica("fz-first", role: .hospital)
        try expect(f, token: r.token, body: [UInt8](repeating: 0x20, count: 70_000), status: 413, code: "body_too_large")
        try expect(f, token: r.token, body: try request(r.store, []), status: 431, code: "headers_too_large",
                   headers: ["X-Padding: " + String(repeating: "p", count: 40_000)])
        let slow = try RawConnection(port: f.port)
        slow.send("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(r.token)\r\nContent-Length: 500\r\n\r\n{\"protocol\":1")
        #expect(slow.readResponse(seconds: 3)?.status == 408)
        // Without a token the body is never waited for: 401 at once.
        let stranger = try RawConnection(port: f.port)
        stranger.send("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nContent-Length: 500\r\n\r\n{\"protocol\":1")
        #expect(stranger.readResponse(seconds: 3)?.status == 401)
        #expect(try f.raw("GET", "/healthz", token: nil, body: [])?.status == 200)
    }

    @Test func tokens() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "令牌")])
        let body = try request(r.store, try own(r.store))
        try expect(f, token: nil, body: body, status: 401, code: "missing_token")
        try expect(f, token: "nonsense", body: body, status: 401, code: "bad_token")
        let forged = r.token.prefix(33) + String(repeating: "0", count: 64)
        try expect(f, token: String(forged), body: body, status: 401, code: "bad_token")
        #expect(try f.hub.revoke(r.store.replicaID))
        try expect(f, token: r.token, body: body, status: 401, code: "revoked")
        #expect(throws: (any Error).self) { try r.sync() }
    }

    @Test func changesABatchMayNotCarry() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let other = try f.replica("fz-second", role: .hospital)
        let xiamen = try f.replica("fj-xiamen", role: .city)
        for r in [hospital, other, xiamen] { try r.sync() }

        // A change whose origin is another replica.
        _ = try other.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "别人的")])
        try expect(f, token: hospital.token, body: try request(hospital.store, try own(other.store)), status: 403, code: "changes_refused")
        // A request speaking for another replica.
        try expect(f, token: hospital.token, body: try request(other.store, []), status: 403, code: "replica_mismatch")

        // A hospital pushing a recommendation of its own submitted record.
        let id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("自荐"))
        try hospital.workspace.submit(id)
        try hospital.sync()
        let entry = WorkflowEntry(action: .recommend, revision: "r", text: "自荐", by: "fz-first")
        let recommend = try hospital.store.commit([.set(collection: Workspace.Collection.submissions, record: id, field: WorkflowField.review, value: entry.stored)])
        let response = try f.raw(token: hospital.token, body: try request(hospital.store, recommend))
        #expect(response?.status == 403)
        let reply = try JSONDecoder().decode(ErrorReply.self, from: Data(response?.body ?? []))
        #expect(reply.results?.map(\.code) == ["city_only"])

        // A city acting for another city's hospital.
        try xiamen.sync()
        let xiamenView = try xiamen.store.record(id)
        #expect(xiamenView == nil)   // it cannot even see it; it forges the change blind
        let forged = WorkflowEntry(action: .return, revision: "r", text: "退回", by: "fj-xiamen")
        let cityChange = try xiamen.store.commit([.set(collection: Workspace.Collection.submissions, record: id, field: WorkflowField.review, value: forged.stored)])
        try expect(f, token: xiamen.token, body: try request(xiamen.store, cityChange), status: 403, code: "changes_refused")
        // Mixed with a change it may make, nothing of the batch goes in.
        let before = try f.hubChangeCount()
        let mixed = try request(hospital.store, try own(hospital.store))
        let mixedReply = try f.raw(token: hospital.token, body: mixed)
        #expect(mixedReply?.status == 403)
        #expect(try f.hubChangeCount() == before)
        let statuses = try JSONDecoder().decode(ErrorReply.self, from: Data(mixedReply?.body ?? [])).results?.map(\.status) ?? []
        #expect(statuses.contains(.held) && statuses.contains(.refused))
    }

    @Test func unknownRoutesAndMethods() throws {
        let f = try HubFixture()
        #expect(try f.raw("GET", "/nowhere", token: nil, body: [])?.status == 404)
        let getSync = try f.raw("GET", "/v1/sync", token: nil, body: [])
        #expect(getSync?.status == 405 && getSync?.headers["allow"] == "POST", "\(getSync?.headers ?? [:])")
        let deleteHealth = try f.raw("DELETE", "/healthz", token: nil, body: [])
        #expect(deleteHealth?.status == 405 && deleteHealth?.headers["allow"] == "GET, HEAD")
    }
}

enum HTTPLimitsForTests {
    static var small: HTTPLimits {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 64 * 1024
        return limits
    }
}

/// A call template reaches every replica through sync: one that would not load there (a direction
/// control hidden as a JSON escape, say) is refused at the hub, not dropped silently downstream.
@Suite struct PublishedTemplateTests {
    @Test func aTemplatePushedThroughSyncMustLoad() throws {
        let f = try HubFixture()
        let province = try f.replica("fj-province", role: .province)
        try province.sync()
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Submissions/Resources/calls/fujian-2026.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as! [String: Any]
        object["id"] = "fujian-2099"
        object["title"] = "遴选\u{202E}通知"
        let hidden = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            .replacingOccurrences(of: "\u{202E}", with: "\\u202e")
        #expect(hidden.contains("\\u202e"))
        let record = RecordID.derived(fromHash: SHA256.digest(Array("tianbao:call:fujian-2099".utf8)))
        var forger = Forger(province, clock: f.clock)
        let changes = [forger.change(record, "id", .text("fujian-2099"), collection: Workspace.Collection.calls),
                       forger.change(record, "version", .int(1), collection: Workspace.Collection.calls),
                       forger.change(record, "template", .text(hidden), collection: Workspace.Collection.calls)]
        let before = try f.hubChangeCount()
        let response = try f.push(province, changes)
        #expect(response?.status == 403)
        #expect(response?.refusalCode == "bad_template", "\(response?.text ?? "")")
        #expect(response?.text.contains("U+202E") == true)
        #expect(try f.hubChangeCount() == before)
    }
}
