import Crypto
import Foundation
import Testing
@testable import Hub
import Replication
import Submissions
import SyncClient
import SyncProtocol
import Synchronization
import TestSupport

/// What a replica produces is signed with a key made on its own machine; the hub holds only the
/// public half. A bundle names no one it cannot prove, and never carries the token.
@Suite struct SecuritySignatureTests {
    @Test func aReplicaWithARegisteredKeyPushesOnlySignedBatches() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital, signed: true)
        try r.sync()   // registers the key
        #expect(try f.hub.state.withLock { try $0.tables.publicKey(r.store.replicaID) } == r.client.signer?.registration.publicKey)
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "签名的草稿")])
        var own: [Change] = []
        try r.store.changes(from: r.store.replicaID, after: 0) { own += $0 }
        let before = try f.hubChangeCount()

        let unsigned = try f.push(r, own)
        #expect(unsigned?.status == 403)
        #expect(unsigned?.refusalCode == "unsigned")
        var altered = own
        altered[altered.count - 1].value = .text("被改过的草稿")
        let signatureOfOriginal = try BatchSignature.sign(replica: r.store.replicaID, changes: own, privateKey: r.client.signer!.privateKey)
        let forged = try f.push(r, altered, signature: signatureOfOriginal)
        #expect(forged?.refusalCode == "bad_signature")
        let otherKey = try BatchSignature.sign(replica: r.store.replicaID, changes: own, privateKey: Ed25519.makePrivateKey())
        #expect(try f.push(r, own, signature: otherKey)?.refusalCode == "bad_signature")
        #expect(try f.hubChangeCount() == before)
        #expect(try f.healthy())

        let result = try r.sync()   // the replica's own client signs
        #expect(result.pushed == own.count)
    }

    @Test func aKeyIsRegisteredOnceAndOnlyWithTheTokensProof() throws {
        let f = try HubFixture()
        let a = try f.replica("fz-first", role: .hospital)
        let b = try f.replica("fz-second", role: .hospital)
        let key = Ed25519.makePrivateKey()
        // A proof made with another replica's token does not register a key for this one.
        let withOthersToken = try KeyRegistration.make(token: b.token, privateKey: key)
        let spoofed = KeyRegistration(replica: a.store.replicaID, publicKey: withOthersToken.publicKey, proof: withOthersToken.proof)
        let refused = try f.push(a, [], key: spoofed)
        #expect(refused?.status == 409)
        #expect(refused?.refusalCode == "key_refused")
        #expect(try f.hub.state.withLock { try $0.tables.publicKey(a.store.replicaID) } == nil)
        // Its own proof registers it; the same again is harmless; another key is refused.
        #expect(try f.push(a, [], key: try KeyRegistration.make(token: a.token, privateKey: key))?.status == 200)
        #expect(try f.push(a, [], key: try KeyRegistration.make(token: a.token, privateKey: key))?.status == 200)
        let second = try f.push(a, [], key: try KeyRegistration.make(token: a.token, privateKey: Ed25519.makePrivateKey()))
        #expect(second?.status == 409)
        #expect(try f.hub.state.withLock { try $0.tables.publicKey(a.store.replicaID) } == (try Ed25519.publicKey(of: key)))
    }

    /// A bundle as `tianbao bundle export` writes it, for `replica`'s changes after `after`.
    func bundle(_ r: HubFixture.Replica, key: [UInt8], naming replica: ReplicaID? = nil, registration: KeyRegistration?) throws -> [UInt8] {
        var own: [Change] = []
        try r.store.changes(from: r.store.replicaID, after: 0) { own += $0 }
        return try ChangeBundle.encode(replica: replica ?? r.store.replicaID, changes: own, privateKey: key, key: registration)
    }

    @Test func aBundleNamingAnotherReplicaIsRefused() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-first", role: .hospital)
        let province = try f.replica("fj-province", role: .province, signed: true)
        for r in [hospital, province] { try r.sync() }
        let other = try f.replica("fz-second", role: .hospital)
        try other.sync()
        let id = try other.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "别家的项目")])
        try other.sync()
        // The hospital forges the province's changes: a decision on another hospital's record.
        let decision = Change(dot: Dot(replica: province.store.replicaID, seq: 99), timestamp: Timestamp(wall: f.clock.now, counter: 0),
                              collection: Workspace.Collection.submissions, record: id, field: WorkflowField.decision, op: .set,
                              value: Forger.entry(.select, by: "fj-province"))
        let hospitalKey = Ed25519.makePrivateKey()
        let before = try f.hubChangeCount()
        for registration in [nil, try KeyRegistration.make(token: hospital.token, privateKey: hospitalKey)] {
            let forged = try ChangeBundle.encode(replica: province.store.replicaID, changes: [decision], privateKey: hospitalKey, key: registration)
            #expect { try f.hub.importBundle(forged) } throws: { "\($0)".contains("nothing applied") }
        }
        #expect(try f.hubChangeCount() == before)
        #expect(try f.hubRecord(id)?[WorkflowField.decision] == nil)
        #expect(try f.healthy())
    }

    @Test func anOfflineReplicaRegistersItsKeyWithItsFirstBundleAndAnAlteredBundleIsRefused() throws {
        let f = try HubFixture()
        let offline = try f.replica("fj-slyy", role: .hospital)
        try offline.sync()   // its first pull, unsigned: no key reaches the hub this way
        let key = Ed25519.makePrivateKey()
        _ = try offline.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "院内网络不通外网")])
        let registration = try KeyRegistration.make(token: offline.token, privateKey: key)
        let genuine = try bundle(offline, key: key, registration: registration)
        let before = try f.hubChangeCount()

        // Altered on the way, checksum recomputed: the signature no longer verifies.
        var text = String(decoding: genuine, as: UTF8.self)
        text = text.replacingOccurrences(of: "院内网络不通外网", with: "院内网络可以外网")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let batch = lines.dropLast(2).joined(separator: "\n") + "\n"
        let trailer = lines[lines.count - 2]
        let oldSum = String(trailer.split(separator: "\"sha256\":\"")[1].prefix(64))
        lines[lines.count - 2] = trailer.replacingOccurrences(of: oldSum, with: SHA256.hex(Array(batch.utf8)))
        let altered = Array(lines.joined(separator: "\n").utf8)
        #expect { try f.hub.importBundle(altered) } throws: { "\($0)".contains("signature does not verify") }
        #expect(try f.hubChangeCount() == before)

        let first = try f.hub.importBundle(genuine)
        #expect(first.allSatisfy { $0.status == .accepted })
        let second = try f.hub.importBundle(genuine)
        #expect(second.allSatisfy { $0.status == .duplicate })
        // An unsigned bundle (from a build before signatures) is refused.
        var own: [Change] = []
        try offline.store.changes(from: offline.store.replicaID, after: 0) { own += $0 }
        let oldBatch = ChangeBatch.encode(own)
        let unsigned = oldBatch + Array("{\"bundle\":{\"replica\":\"\(offline.store.replicaID.hex)\",\"sha256\":\"\(SHA256.hex(oldBatch))\"}}\n".utf8)
        #expect { try f.hub.importBundle(unsigned) } throws: { "\($0)".contains("no signature") }
    }
}

@Suite struct PublishedKeyTests {
    /// Every replica may come to hold any origin's changes (a selected record reaches everyone), so
    /// every replica learns every key: to name who made a change and to check its signature. Taking
    /// a bundle is still limited to the replica's own unit (SecurityBundleCLITests).
    @Test func aKeyReachesEveryReplicaAndARevocationFollows() throws {
        let f = try HubFixture()
        let laptop = try f.replica("fz-first", role: .hospital, name: "laptop", signed: true)
        let colleague = try f.replica("fz-first", role: .hospital, name: "colleague")
        let stranger = try f.replica("fz-second", role: .hospital)
        let city = try f.replica("fj-fuzhou", role: .city)
        let province = try f.replica("fj-province", role: .province)
        try laptop.sync()   // registers and publishes its key
        for r in [colleague, stranger, city, province] { try r.sync() }
        let id = laptop.store.replicaID
        #expect(try colleague.workspace.publishedKey(id)?.publicKey == laptop.client.signer?.registration.publicKey)
        #expect(try colleague.workspace.publishedKey(id)?.label == "laptop")
        #expect(try province.workspace.publishedKey(id) != nil)
        #expect(try stranger.workspace.publishedKey(id)?.org == "fz-first")
        #expect(try city.workspace.publishedKey(id)?.label == "laptop")
        // A replica speaking version 2 never receives the collection it would not know.
        let old = try f.replica("fz-first", role: .hospital, name: "old build")
        old.client.protocolVersion = 2
        try old.sync()
        #expect(try old.store.records(in: "replicas").isEmpty)
        // Revoked: the colleague learns it.
        #expect(try f.hub.revoke(id))
        try colleague.sync()
        #expect(try colleague.workspace.publishedKey(id)?.revoked != nil)
        // Nobody pushes a key record of their own.
        var forger = Forger(colleague, clock: f.clock)
        let forged = try f.push(colleague, [forger.change(PublishedKey.recordID(colleague.store.replicaID), "publicKey", .text(String(repeating: "0", count: 64)),
                                                          collection: "replicas")])
        #expect(forged?.refusalCode == "hub_only")
    }
}
