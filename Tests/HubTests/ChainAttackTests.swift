import Crypto
import Foundation
import Hub
import JSON
import Replication
import SQLite
import Submissions
import SyncClient
import SyncProtocol
import Testing
import TestSupport

/// Attacks on the chains an outside review found, each now shut: a key slipped in through the
/// enrolment table, a replica locked out by its own first refusal, replies stripped of proofs.
@Suite struct ChainAttackTests {
    /// A new replica's first push, which also registers its key, has one change refused: the
    /// request that withdraws it and sends the rest goes through, signed over the withdrawn position.
    @Test func aRefusalInTheFirstSignedPushDoesNotLockTheReplicaOut() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital, name: "林晓")
        r.client.verifier = PageVerifier(hubKey: f.hub.publicKey, keyring: PublishedKey.keyring(r.store))
        try r.sync()   // the organisations and calls; nothing pushed, no key yet
        r.client.signer = try SyncClient.Signer(privateKey: Ed25519.makePrivateKey(), token: r.token)
        let id = try r.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "首次推送")])
        // A write only the hub may make, in the same first push.
        try r.store.commit([.set(collection: Workspace.Collection.orgs, record: RecordID.make(wallMilliseconds: 5), field: "name", value: .text("伪造的单位"))])
        // Refused, withdrawn, and the rest sent again at once: signed over the withdrawn position,
        // still with the key registration (no reply has confirmed it yet).
        let first = try r.sync()
        #expect(first.refused.count == 1 && first.pushed >= 1, "\(first)")
        let second = try r.sync()
        #expect(second.refused.isEmpty && second.keptApart.isEmpty)
        #expect(try f.hub.withWorkspace { try $0.store.record(id) } != nil, "the draft reached the hub")
        #expect(try f.hub.verify().anomalies.isEmpty)
    }

    /// The enrolment row's key cleared in the hub's file, and its token swapped for one the
    /// attacker holds: the hub still refuses another key, because its own signed chain published
    /// the first.
    @Test func aKeyClearedInTheEnrolmentTableCannotBeReplaced() throws {
        let f = try HubFixture()
        let victim = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        try victim.sync()
        let attacker = try f.replica("fz-second", role: .hospital, name: "攻击者")
        let victimID = victim.store.replicaID
        let db = try Database(path: f.dir.file("hub.sqlite"))
        try db.run("UPDATE hub_enrollments SET public_key = NULL, token_hash = (SELECT token_hash FROM hub_enrollments WHERE replica = ?) WHERE replica = ?",
                   attacker.store.replicaID.hex, victimID.hex)
        let secret = try #require(attacker.token.split(separator: ".").last)
        let stolen = "\(victimID.hex).\(secret)"
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.newReplicaID = victimID
        configuration.wallClock = f.clock.reading
        let store = try ReplicaStore(path: f.dir.file("impostor.sqlite"), configuration: configuration)
        let impostor = SyncClient(store: store, hub: f.url, token: stolen)
        impostor.signer = try SyncClient.Signer(privateKey: Ed25519.makePrivateKey(), token: stolen)
        #expect { try impostor.sync() } throws: { error in
            "\(error)".contains("key_refused") || "\(error)".contains("another signing key")
        }
        // Colleagues keep checking the victim's heads with the key first published.
        let keyring = PublishedKey.keyring(victim.store)
        #expect(keyring(victimID, []) == victim.client.signer?.registration.publicKey)
    }

    /// A replica that checks what it receives does not fall back to an unproven protocol when a
    /// reply (or something between it and the hub) says the hub is older.
    @Test func aVerifyingReplicaRefusesToDowngrade() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        r.client.verifier = PageVerifier(hubKey: f.hub.publicKey, keyring: PublishedKey.keyring(r.store))
        r.client.protocolVersion = 99   // answered 400 protocol_version, as a downgrade would be provoked
        #expect { try r.sync() } throws: { "\($0)".contains("without proving") }
        #expect(r.client.protocolVersion == 99)
    }

    /// A replica that took other content under one of the origin's dots (a copied folder's bundle)
    /// still takes the rest of every page: that one change is kept apart, the sync goes on.
    @Test func aDotHeldWithOtherContentIsKeptApartAndThePageGoesIn() throws {
        let f = try HubFixture()
        let origin = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        let colleague = try f.replica("fz-first", role: .hospital, name: "陈敏", signed: true)
        for r in [origin, colleague] {
            r.client.verifier = PageVerifier(hubKey: f.hub.publicKey, keyring: PublishedKey.keyring(r.store))
            try r.sync()
        }
        let before = origin.store.ownSeq
        let first = try origin.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "真的项目")])
        let second = try origin.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "另一个项目")])
        var own: [Change] = []
        try origin.store.changes(from: origin.store.replicaID, after: before) { own += $0 }
        let genuine = try #require(own.first { $0.record == first && $0.value?.text == "真的项目" })
        var other = genuine
        other.value = .text("复制的文件夹里改过的")
        try colleague.store.apply([other])
        try origin.sync()

        let report = try colleague.sync()
        #expect(report.keptApart.map(\.dot) == [genuine.dot], "\(report.keptApart)")
        #expect(report.keptApart.first?.reason.contains("already holds another change") == true)
        #expect(try colleague.store.record(second) != nil, "the rest of the page went in")
        // Asked for again at every sync, and said again while the conflict lasts: nothing else is held up.
        #expect(try colleague.sync().keptApart.map(\.dot) == [genuine.dot])
    }

    /// Asking again (`want`) is read like a pull: a dot of a record the replica may not read is
    /// not answered, whoever asks.
    @Test func askingAgainForAChangeOutOfScopeGetsNothing() throws {
        let f = try HubFixture()
        let other = try f.replica("xm-first", role: .hospital, name: "厦门", signed: true)
        let asker = try f.replica("fz-first", role: .hospital, name: "福州", signed: true)
        try other.sync()
        try asker.sync()
        let secret = try other.workspace.create(call: "fujian-2026", form: "application", values: [("项目名称", "厦门的草稿")])
        try other.sync()
        var own: [Change] = []
        try other.store.changes(from: other.store.replicaID, after: 0) { own += $0 }
        var request = SyncRequest(replica: asker.store.replicaID, checkpoint: 0, changes: [])
        request.protocol = 4
        request.want = own.map(\.dot)
        let reply = try #require(try f.raw(token: asker.token, body: SyncCodec.encode(request)))
        #expect(reply.status == 200)
        let response = try SyncCodec.response(JSONTree.parse(reply.body))
        #expect(!own.isEmpty && !response.changes.contains { $0.record == secret })
        // The same dots asked by a replica of their own unit come back, proven.
        let colleague = try f.replica("xm-first", role: .hospital, name: "厦门同事", signed: true)
        try colleague.sync()
        request.replica = colleague.store.replicaID
        let mine = try SyncCodec.response(JSONTree.parse(try #require(try f.raw(token: colleague.token, body: SyncCodec.encode(request))).body))
        #expect(mine.changes.contains { $0.record == secret } && !mine.proofs.isEmpty)
    }
}
