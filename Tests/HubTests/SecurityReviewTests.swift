import Foundation
import Testing
@testable import Hub
import Replication
import Submissions
import SyncProtocol
import Synchronization
import TestSupport

/// Attacks an outside review found after the first round of fixes: each is refused, and nothing of
/// its batch is applied.
@Suite struct SecurityReviewTests {
    static let call = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!

    @Test func withdrawingUnusedSequencesDoesNotOpenABackdoorPastTheDeadline() throws {
        let f = try HubFixture()
        let cheat = try f.replica("fz-second", role: .hospital)
        try cheat.sync()
        let id = try cheat.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("倒签", leader: 3))
        try cheat.sync()
        let deadline = Self.call.deadlineEnd
        f.clock.set(deadline + 86_400_000)
        // It syncs after the deadline, resending a change the hub holds (so the request is not empty).
        var held: [Change] = []
        try cheat.store.changes(from: cheat.store.replicaID, after: 0) { held += $0 }
        #expect(try f.push(cheat, [held[0]])?.status == 200)
        var forger = Forger(cheat, clock: f.clock)
        let skipped = Dot(replica: cheat.store.replicaID, seq: forger.seq + 1)
        #expect(try f.push(cheat, [], withdrawn: [skipped])?.refusalCode == "bad_withdrawal")
        let revision = try cheat.workspace.submission(id).revision
        let backdated = forger.change(id, WorkflowField.submission, Forger.entry(.submit, by: "fz-second", revision: revision), wall: deadline - 60_000)
        let response = try f.push(cheat, [backdated])
        #expect(response?.refusalCode == "stamp_impossible", "\(response?.text ?? "")")
        #expect(try f.hubRecord(id)?[WorkflowField.submission] == nil)
    }

    @Test func aRecordsIdentityComesBeforeAnythingElse() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        f.clock.set(Self.call.deadlineEnd + 3_600_000)
        var forger = Forger(r, clock: f.clock)
        let record = RecordID.make(wallMilliseconds: f.clock.now)
        // Submitted before its call is named, so the deadline could not be checked.
        let batch = [forger.change(record, WorkflowField.unit, .text("fz-first")), forger.change(record, WorkflowField.form, .text("application")),
                     forger.change(record, WorkflowField.template, .int(1)), forger.change(record, "project_name", .text("迟到")),
                     forger.change(record, WorkflowField.submission, Forger.entry(.submit, by: "fz-first")),
                     forger.change(record, WorkflowField.call, .text("fujian-2026"))]
        let response = try f.push(r, batch)
        #expect(response?.refusalCode == "identity_first", "\(response?.text ?? "")")
        #expect(try f.hubRecord(record) == nil)
    }

    @Test func aReplicaCannotUndoItsSubmissionByListingItsOwnLaterChange() throws {
        let s = try SecurityAuthorizationTests.Story(decide: false)
        var forger = Forger(s.hospital, clock: s.f.clock)
        let current = try s.f.hubDot(s.id, WorkflowField.submission)
        let next = Dot(replica: s.hospital.store.replicaID, seq: forger.seq + 2)
        let a = forger.change(s.id, WorkflowField.submission, Forger.entry(.submit, by: "fz-first"), supersedes: [current, next])
        let b = forger.change(s.id, WorkflowField.submission, Forger.entry(.submit, by: "fz-first"), supersedes: [a.dot])
        try s.expectRefused(s.hospital, [a, b], code: "bad_supersedes")
        #expect(try s.f.hub.withWorkspace { try $0.submission(s.id).status } == .recommended)
    }

    @Test func aFormRecordCannotSquatAnOrganisationsOrACallsID() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        var forger = Forger(r, clock: f.clock)
        let mark = forger.seq
        for id in [Organization.recordID(code: "fz-third"), Organization.recordID(code: "fz-first")] {
            forger.rewind(to: mark)
            let response = try f.push(r, [forger.change(id, WorkflowField.unit, .text("fz-first"))])
            #expect(response?.refusalCode == "bad_record_id", "\(response?.text ?? "")")
        }
        // The province can still register the organisation, and nothing is stuck.
        try f.hub.saveOrganizations([Organization(code: "fz-third", name: "福州市第三医院", kind: .hospital, city: "fj-fuzhou")])
        #expect(try f.healthy())
    }

    @Test func listedDotsOfUnknownReplicasAreRefusedAndOtherRecordsDotsTellNothing() throws {
        let s = try SecurityAuthorizationTests.Story(decide: false)
        var forger = Forger(s.hospital, clock: s.f.clock)
        let strangers = (1...64).map { Dot(replica: ReplicaID(high: UInt64($0), low: 99), seq: 1) }
        try s.expectRefused(s.hospital, [forger.change(s.id, "project_name", .text("x"), supersedes: [try s.f.hubDot(s.id, "project_name")] + strangers)],
                            code: "bad_supersedes")
        #expect(try s.f.hub.withWorkspace { try $0.store.knownReplicaCount() } < 20)
        // Listing another record's dot has no effect, held or not, and the answer is the same.
        forger.rewind(to: forger.seq - 1)
        let other = try s.f.replica("fz-second", role: .hospital)
        try other.sync()
        let hidden = try other.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "别人的草稿")])
        try other.sync()
        let heldDot = try s.f.hubDot(hidden, "project_name")
        let unheldDot = Dot(replica: other.store.replicaID, seq: 10_000)
        // A draft of the hospital's own: editable (a submitted record's answers are frozen).
        let draft = RecordID.make(wallMilliseconds: s.f.clock.now)
        let created = [forger.change(draft, WorkflowField.unit, .text("fz-first")), forger.change(draft, WorkflowField.call, .text("fujian-2026")),
                       forger.change(draft, WorkflowField.form, .text("application")), forger.change(draft, WorkflowField.template, .int(1)),
                       forger.change(draft, "project_name", .text("自己的草稿"))]
        #expect(try s.f.push(s.hospital, created)?.status == 200)
        let mark = forger.seq
        var answers: [[String]] = []
        for listed in [heldDot, unheldDot] {
            forger.rewind(to: mark)
            let response = try s.f.push(s.hospital, [forger.change(draft, "project_name", .text("x"), supersedes: [try s.f.hubDot(draft, "project_name"), listed]),
                                                     forger.change(RecordID.make(wallMilliseconds: 1), "project_name", .text("y"))])
            answers.append(response?.resultStatuses ?? [])
        }
        #expect(answers == [["held", "refused"], ["held", "refused"]])
        #expect(try s.f.hubRecord(hidden)?["project_name"] == .text("别人的草稿"))
    }

    @Test func noReplicaWritesWhenASubmissionWasReceived() throws {
        let s = try SecurityAuthorizationTests.Story(decide: false)
        var forger = Forger(s.province, clock: s.f.clock)
        try s.expectRefused(s.province, [forger.change(s.id, WorkflowField.received, .int(1))], code: "hub_only")
    }

    @Test func aRequestPushesAtMostFiveThousandChanges() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        var forger = Forger(r, clock: f.clock)
        let record = RecordID.make(wallMilliseconds: f.clock.now)
        let changes = (0...Hub.changesLimit).map { forger.change(record, "project_name", .text("\($0)")) }
        let response = try f.push(r, changes)
        #expect(response?.status == 400)
        #expect(response?.text.contains("at most \(Hub.changesLimit)") == true)
        #expect(try f.healthy())
    }

    @Test func aRecordsHistoryIsBoundedSoItsGrantIsToo() throws {
        let f = try HubFixture(historyLimit: 1 << 20)
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        let id = try r.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "很长的历史")])
        try r.sync()
        var forger = Forger(r, clock: f.clock)
        var last: Dot?
        for i in 0..<3 {   // 3 × 300 KB fits
            let edit = forger.change(id, "project_summary", .text(String(repeating: "长", count: 100_000) + "\(i)"), supersedes: last.map { [$0] } ?? [])
            #expect(try f.push(r, [edit])?.status == 200)
            last = edit.dot
        }
        let before = try f.hubChangeCount()
        let response = try f.push(r, [forger.change(id, "project_summary", .text(String(repeating: "长", count: 100_000)), supersedes: last.map { [$0] } ?? [])])
        #expect(response?.refusalCode == "record_too_large", "\(response?.text ?? "")")
        #expect(try f.hubChangeCount() == before)
    }
}
