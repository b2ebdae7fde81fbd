import Crypto
import Foundation
import Hub
import Replication
import SQLite
import Submissions
import SyncClient
import SyncProtocol
import Testing
import TestSupport

/// Attached files through the hub (PROTOCOL.md Part 4): sent by the unit that attached them,
/// fetched by every replica that may read the record, resumed after a cut, checked by hash.
@Suite struct AttachmentSyncTests {
    static func pdf(_ size: Int, seed: UInt64 = 7) -> [UInt8] { ScanBytes.pdf(size, seed: seed) }

    static let name = "申请表（盖章）扫描件.pdf"

    /// A hospital's record with a file attached and sent; a colleague's replica of the same unit.
    static func attached(_ size: Int) throws -> (HubFixture, HubFixture.Replica, id: String, bytes: [UInt8]) {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断"))
        let bytes = pdf(size)
        try a.workspace.attach(id, name: name, bytes: bytes)
        return (f, a, id, bytes)
    }

    @Test func aFileReachesEveryReplicaThatMayReadItsRecordAndNoOther() throws {
        let (f, a, id, bytes) = try Self.attached(3 << 20)
        let sent = try a.sync()
        #expect(sent.filesSent == 1 && sent.fileBytes == bytes.count)
        #expect(try a.sync().fileBytes == 0, "sent once")

        let colleague = try f.replica("fz-first", role: .hospital, name: "同事")
        let fetched = try colleague.sync()
        #expect(fetched.filesFetched == 1)
        let (attachment, copy) = try colleague.workspace.fileBytes(id, file: Self.name)
        #expect(copy == bytes && attachment.type == "application/pdf" && attachment.size == bytes.count)

        // Another hospital, and the city before the record is submitted: the file is not theirs to see.
        let other = try f.replica("fz-second", role: .hospital, name: "他院")
        let city = try f.replica("fj-fuzhou", role: .city, name: "市卫健委")
        for outsider in [other, city] {
            try outsider.sync()
            let path = "/v1/files/\(id)/\(attachment.hashHex)"
            let got = try #require(try f.raw("GET", path, token: outsider.token, body: []))
            #expect(got.status == 404 && !got.body.starts(with: Array("%PDF".utf8)))
            let put = try #require(try f.raw("POST", path, token: outsider.token, body: Array("%PDF-forged".utf8), headers: ["Tianbao-Offset: 0"]))
            #expect(put.status == 404)
        }
        // Submitted, the record enters the city's scope, and its file with it.
        try a.workspace.submit(id)
        try a.sync()
        let later = try city.sync()
        #expect(later.filesFetched == 1)
        #expect(try city.workspace.fileBytes(id, file: Self.name).1 == bytes)
    }

    /// A transport that drops the link after `fileRequests` file requests, counting the file bytes it carried.
    final class CutLink: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        let lock = NSLock()
        var fileRequests: Int
        var bytes = 0

        init(fileRequests: Int) { self.fileRequests = fileRequests }

        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            try inner.post(url, body: body, token: token)
        }

        func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply {
            let cut = lock.withLock { fileRequests -= 1; return fileRequests < 0 }
            if cut { throw TransportError("connection reset by peer") }
            let reply = try inner.send(method, url, headers: headers, body: body, token: token)
            lock.withLock { bytes += body.count + (method == "GET" ? reply.body.count : 0) }
            return reply
        }
    }

    /// On a slow link (no part arrives quickly) every part stays 1 MiB: a cut loses at most one.
    @Test func aSlowLinkKeepsItsPartsSmall() throws {
        let (f, a, _, _) = try Self.attached(8 << 20)
        let link = CutLink(fileRequests: 4)   // the hub's holding, then three parts
        let slow = SyncClient(store: a.store, hub: f.url, token: a.token, transport: link)
        slow.signer = a.client.signer
        slow.quickPartSeconds = 0
        #expect { try slow.sync() } throws: { "\($0)".contains("reset") }
        #expect(link.bytes == 3 << 20)
    }

    @Test func twentyMegabytesSurviveACutEitherWayAndResumeWhereTheyStopped() throws {
        let size = 20 << 20
        let (f, a, id, bytes) = try Self.attached(size)
        // Sending: the link drops after four parts (1, 2, 4 and 4 MiB: each arrived quickly, so the
        // next doubled, up to the hub's 4 MiB); the next sync sends only the rest.
        let up = CutLink(fileRequests: 5)   // the hub's holding, then four parts
        let cutUp = SyncClient(store: a.store, hub: f.url, token: a.token, transport: up)
        cutUp.signer = a.client.signer
        cutUp.quickPartSeconds = .infinity
        #expect { try cutUp.sync() } throws: { "\($0)".contains("reset") }
        #expect(up.bytes == 11 << 20)
        let resumed = try a.sync()
        #expect(resumed.filesSent == 1 && resumed.fileBytes == size - (11 << 20))

        // Fetching: cut after three parts; the next sync fetches only the rest, and the whole matches.
        let b = try f.replica("fz-first", role: .hospital, name: "同事")
        let down = CutLink(fileRequests: 3)
        #expect { try SyncClient(store: b.store, hub: f.url, token: b.token, transport: down).sync() } throws: { "\($0)".contains("reset") }
        #expect(try b.store.fileState(.init(record: id, sha256: SHA256.digest(bytes)))?.have == 12 << 20)
        let rest = try b.sync()
        #expect(rest.filesFetched == 1 && rest.fileBytes == size - (12 << 20))
        #expect(try b.workspace.fileBytes(id, file: Self.name).1 == bytes)
    }

    @Test func aCopyAlteredAtTheHubIsRefusedAndNothingOfItIsKept() throws {
        let (f, a, id, bytes) = try Self.attached(2 << 20)
        try a.sync()
        let sha = SHA256.digest(bytes)
        let db = try Database(path: f.dir.file("hub.sqlite-files"))
        try db.run("UPDATE record_file_parts SET bytes = ? WHERE sha256 = ? AND offset = 0", Array(repeating: UInt8(0x41), count: 1 << 20), sha)
        db.close()
        let colleague = try f.replica("fz-first", role: .hospital, name: "同事")
        let report = try colleague.sync()
        #expect(report.filesFetched == 0)
        #expect(report.fileProblems.count == 1 && report.fileProblems.first?.contains("does not match") == true, "\(report.fileProblems)")
        #expect(try colleague.store.fileState(.init(record: id, sha256: sha))?.have == 0)
        #expect { try colleague.workspace.fileBytes(id, file: Self.name) } throws: { "\($0)".contains("not on this replica yet") }
    }

    @Test func partsThatDoNotHashToTheNameAreRefusedWithWhy() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        let bytes = Self.pdf(100_000)
        let attachment = try a.workspace.attach(id, name: Self.name, bytes: bytes)
        // Send the change only: a transport that carries no files.
        let changesOnly = SyncClient(store: a.store, hub: f.url, token: a.token, transport: NoFiles())
        changesOnly.signer = a.client.signer
        #expect { try changesOnly.sync() } throws: { "\($0)".contains("not attached files") }
        let path = "/v1/files/\(id)/\(attachment.hashHex)"
        var altered = bytes
        altered[5_000] ^= 0xFF
        let reply = try #require(try f.raw("POST", path, token: a.token, body: altered, headers: ["Tianbao-Offset: 0", "Content-Type: application/octet-stream"]))
        #expect(reply.status == 422)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("file_hash_mismatch"))
        #expect(try f.hub.withWorkspace { try $0.store.fileState(.init(record: id, sha256: attachment.sha256))?.have } == 0, "nothing of it kept")
        // The genuine bytes then go through, and the hub serves them.
        #expect(try a.sync().filesSent == 1)
        let got = try #require(try f.raw("GET", path, token: a.token, body: []))
        #expect(got.status == 200 && got.body == bytes)
    }

    /// Another hospital names in its own record the hash of a file it saw in a record's history:
    /// it reads nothing of the genuine file, and what it sends spoils nothing of it.
    @Test func namingAnotherRecordsHashReadsNothingAndSpoilsNothing() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        let bytes = Self.pdf(3 << 20)
        // The change first, the bytes later (a slow link): the attacker races the upload.
        let attachment = try a.workspace.attach(id, name: Self.name, bytes: bytes)
        let changesOnly = SyncClient(store: a.store, hub: f.url, token: a.token, transport: NoFiles())
        changesOnly.signer = a.client.signer
        _ = try? changesOnly.sync()
        let b = try f.replica("xm-first", role: .hospital, name: "他院", signed: true)
        try b.sync()
        let own = try b.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "借用")])
        let claim = Attachment(sha256: attachment.sha256, name: "x.pdf", size: 100, type: "application/pdf")
        try b.store.commit([.set(collection: "submissions", record: own, field: claim.field, value: claim.value)])
        let bChanges = SyncClient(store: b.store, hub: f.url, token: b.token, transport: NoFiles())
        bChanges.signer = b.client.signer
        _ = try? bChanges.sync()
        let path = "/v1/files/\(own)/\(attachment.hashHex)"
        let junk = try #require(try f.raw("POST", path, token: b.token, body: Array(repeating: 0x41, count: 50), headers: ["Tianbao-Offset: 0"]))
        #expect(junk.status == 200)
        // A's upload is untouched by it, and B's own record serves only B's own bytes.
        #expect(try a.sync().filesSent == 1)
        let got = try #require(try f.raw("GET", path, token: b.token, body: []))
        #expect(got.status == 409 && !got.body.starts(with: Array("%PDF".utf8)))
        let genuine = try #require(try f.raw("GET", "/v1/files/\(id)/\(attachment.hashHex)", token: a.token, body: []))
        #expect(genuine.status == 200 && genuine.body == bytes)
    }

    /// A unit's files take at most its share of the hub's disk; detached ones stop counting.
    @Test func aUnitsFilesStayWithinItsShare() throws {
        let f = try HubFixture(maxFileBytesPerUnit: 5 << 20)
        let a = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        try a.workspace.attach(id, name: "一.pdf", bytes: Self.pdf(3 << 20, seed: 1))
        #expect(try a.sync().filesSent == 1)
        try a.workspace.attach(id, name: "二.pdf", bytes: Self.pdf(3 << 20, seed: 2))
        let over = try a.sync()
        #expect(over.filesSent == 0 && over.fileProblems.contains { $0.contains("file_quota") }, "\(over.fileProblems)")
        _ = try a.workspace.detach(id, file: "一.pdf")
        #expect(try a.sync().filesSent == 1, "the detached file no longer counts")
    }

    /// 联合申报: a partner edits the record's answers while it is in the owner's hands, and a scan it
    /// attaches reaches the hub and the owner like the owner's own — not marked sent while the hub
    /// never took it.
    @Test func aPartnersAttachedFileReachesTheHubAndTheOwner() throws {
        let f = try HubFixture()
        let owner = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        let partner = try f.replica("fz-second", role: .hospital, name: "王芳", signed: true)
        try owner.sync()
        try partner.sync()
        let id = try owner.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "联合影像平台")])
        try owner.workspace.share(id, with: ["fz-second"])
        try owner.sync()
        try partner.sync()
        let bytes = Self.pdf(2 << 20, seed: 5)
        let attachment = try partner.workspace.attach(id, name: "合作协议.pdf", bytes: bytes)
        let sent = try partner.sync()
        #expect(sent.filesSent == 1 && sent.fileProblems.isEmpty, "\(sent.fileProblems)")
        #expect(try f.hub.withWorkspace { try $0.store.fileState(.init(record: id, sha256: attachment.sha256))?.isComplete } == true)
        // The bytes are the attaching unit's to send: the owner, which reads the record, did not attach this one.
        let other = try #require(try f.raw("POST", "/v1/files/\(id)/\(attachment.hashHex)", token: owner.token, body: Array(bytes.prefix(100)), headers: ["Tianbao-Offset: 0"]))
        #expect(other.status == 403 && String(decoding: other.body, as: UTF8.self).contains("not_owner"), "\(other.status)")
        let fetched = try owner.sync()
        #expect(fetched.filesFetched == 1, "\(fetched.fileProblems)")
        #expect(try owner.workspace.fileBytes(id, file: "合作协议.pdf").1 == bytes)
    }

    /// A bundle carried to the hub by hand counts against the unit's share as a sync does: its
    /// changes are applied, a file past the share is not kept (the audit says so), and the unit's
    /// replica is told why when it sends the file itself.
    @Test func aBundleCarriedByHandStaysWithinTheUnitsShare() throws {
        let f = try HubFixture(maxFileBytesPerUnit: 5 << 20)
        let offline = try f.replica("fz-first", role: .hospital, name: "林晓")
        try offline.sync()
        let id = try offline.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        let first = try offline.workspace.attach(id, name: "一.pdf", bytes: Self.pdf(3 << 20, seed: 1))
        let second = try offline.workspace.attach(id, name: "二.pdf", bytes: Self.pdf(3 << 20, seed: 2))
        var own: [Change] = []
        try offline.store.changes(from: offline.store.replicaID, after: 0) { own += $0 }
        let key = Ed25519.makePrivateKey()
        let files = try BundleFiles.named(by: own, in: offline.store)
        #expect(files.count == 2)
        let bundle = try ChangeBundle.encode(replica: offline.store.replicaID, changes: own, privateKey: key,
                                             key: KeyRegistration.make(token: offline.token, privateKey: key), files: files)
        let results = try f.hub.importBundle(bundle, source: "usb.bundle")
        #expect(results.allSatisfy { $0.status == .accepted }, "the changes are applied")
        let held = try f.hub.withWorkspace { workspace in
            try [first, second].map { try workspace.store.fileState(.init(record: id, sha256: $0.sha256))?.isComplete ?? false }
        }
        #expect(held == [true, false], "the first file fits the unit's 5 MiB, the second would take it to 6 MiB")
        let entry = try #require(try f.hub.audit().entries.last { $0.event == .bundle })
        #expect(entry.detail.contains { $0 == ("files", "1") } && entry.detail.contains { $0 == ("files over their unit's share", "1") }, "\(entry.detail)")
    }

    /// A change naming a file over the bound, or not a scan, made by a raw client: refused by the
    /// hub with why, like any change that breaks a rule.
    @Test func aChangeNamingAFileOverTheBoundIsRefused() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try a.sync()
        let id = try a.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        let huge = Attachment(sha256: SHA256.digest(Array("x".utf8)), name: "巨大.pdf", size: (32 << 20) + 1, type: "application/pdf")
        let text = Attachment(sha256: SHA256.digest(Array("y".utf8)), name: "名单.csv", size: 10, type: "text/csv")
        try a.store.commit([.set(collection: "submissions", record: id, field: huge.field, value: huge.value),
                            .set(collection: "submissions", record: id, field: text.field, value: text.value)])
        let report = try a.sync()
        #expect(report.refused.count == 2)
        #expect(report.refused.allSatisfy { $0.code == "bad_file" })
        #expect(report.refused.contains { ($0.reason ?? "").contains("at most 32 MiB") })
        #expect(report.refused.contains { ($0.reason ?? "").contains("not a type a scan comes in") })
    }

    /// Sync requests only.
    final class NoFiles: SyncTransport, @unchecked Sendable {
        let inner = SocketTransport()
        func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply { try inner.post(url, body: body, token: token) }
    }
}
