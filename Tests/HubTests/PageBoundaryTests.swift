import Foundation
import Hub
import JSON
import Replication
import Submissions
import SyncClient
import SyncProtocol
import Testing
import TestSupport

/// Where a page ends (PROTOCOL.md 1.4, `maxBytes`): past its budget it runs on to where its last
/// change's signed interval ends, a quarter of the budget at most, so that a page's proof carries
/// no leaves of changes another page carries.
@Suite struct PageBoundaryTests {
    /// One hospital's pushes of 10 changes each, read a page at a time by a colleague's replica.
    /// `after`: the checkpoint after what the hub held before (its organisations and calls).
    static func world() throws -> (HubFixture, HubFixture.Replica, HubFixture.Replica, heads: Set<UInt64>, after: Int64) {
        let f = try HubFixture()
        let origin = try f.replica("fz-first", role: .hospital, name: "林晓", signed: true)
        origin.client.pushBatch = 10
        try origin.sync()   // the organisations and the calls
        let reader = try f.replica("fz-first", role: .hospital, name: "同事")
        let after = try pages(f, reader, origin: origin.store.replicaID, maxBytes: 1 << 20).last!.checkpoint
        for i in 0..<15 {
            _ = try origin.workspace.create(call: "fujian-2026", form: "application", values: [
                ("项目名称", "智慧医疗项目\(i)"), ("项目简介", String(repeating: "面向基层医疗机构的辅助诊断。", count: 6)),
                ("团队简介", String(repeating: "团队长期从事医学影像研究。", count: 4)),
            ])
        }
        try origin.sync()
        let heads = try f.hub.withWorkspace { try $0.store.heads(of: origin.store.replicaID) }.map(\.seq)
        #expect(heads.count >= 3, "pushes of 10 make several intervals: \(heads)")
        return (f, origin, reader, Set(heads), after)
    }

    /// Pulls every page at `maxBytes`; returns each page's origin changes and proof.
    typealias Page = (changes: [Change], all: [Change], proofs: [ChainProof], checkpoint: Int64)
    static func pages(_ f: HubFixture, _ reader: HubFixture.Replica, origin: ReplicaID, maxBytes: Int, after: Int64 = 0) throws -> [Page] {
        var pages: [Page] = []
        var checkpoint = after
        while true {
            var request = SyncRequest(replica: reader.store.replicaID, checkpoint: checkpoint, changes: [], maxBytes: maxBytes)
            request.protocol = 4
            let reply = try #require(try f.raw(token: reader.token, body: SyncCodec.encode(request)))
            #expect(reply.status == 200)
            let response = try SyncCodec.response(JSONTree.parse(reply.body))
            pages.append((response.changes.filter { $0.dot.replica == origin }, response.changes, response.proofs.filter { $0.origin == origin }, response.checkpoint))
            guard response.more else { return pages }
            checkpoint = response.checkpoint
        }
    }

    @Test func aPageRunsOnToTheEndOfItsLastInterval() throws {
        let (f, origin, reader, heads, after) = try Self.world()
        let id = origin.store.replicaID
        // The budget's quarter holds a whole push: every page of the origin ends on a head.
        let pages = try Self.pages(f, reader, origin: id, maxBytes: 16_384, after: after)
        #expect(pages.filter { !$0.changes.isEmpty }.count >= 2, "the origin's changes span pages")
        for page in pages where !page.changes.isEmpty {
            #expect(heads.contains(page.changes.last!.dot.seq), "page ends at \(page.changes.last!.dot.seq), heads \(heads.sorted())")
            for proof in page.proofs { #expect(proof.leaves.isEmpty, "a proof carried \(proof.leaves.count) leaves") }
            let bytes = page.all.reduce(0) { $0 + SyncCodec.estimatedBytes($1) }
            #expect(bytes <= 16_384 + 16_384 / 4 + page.all.map(SyncCodec.estimatedBytes).max()!)
        }
        // What the pages carry, put together, is everything the origin made, once.
        #expect(pages.flatMap(\.changes).map(\.dot.seq) == Array(1...heads.max()!))
    }

    @Test func aPageNeverRunsOnPastAQuarterOfItsBudget() throws {
        let (f, origin, reader, heads, _) = try Self.world()
        // A quarter of this budget is less than one push: pages end mid-interval, proven with leaves.
        let budget = 4_096
        let pages = try Self.pages(f, reader, origin: origin.store.replicaID, maxBytes: budget)
        for page in pages {
            let sizes = page.all.map(SyncCodec.estimatedBytes)
            #expect(sizes.reduce(0, +) <= budget + budget / 4 + (sizes.max() ?? 0))
        }
        #expect(pages.contains { $0.proofs.contains { !$0.leaves.isEmpty } })
        // A replica that verifies every page takes all of it, whichever way the pages were cut.
        reader.client.verifier = PageVerifier(hubKey: f.hub.publicKey, keyring: PublishedKey.keyring(reader.store))
        reader.client.pageBytes = budget
        let report = try reader.sync()
        #expect(report.keptApart.isEmpty)
        #expect(reader.store.versionVector()[origin.store.replicaID] == heads.max()!)
    }
}
