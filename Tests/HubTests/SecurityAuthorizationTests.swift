import Foundation
import SyncClient
import Testing
@testable import Hub
import Replication
import Submissions
import SyncProtocol
import Synchronization
import TestSupport

/// An attacker holding an enrolled replica's token and a raw client: every change the hub accepts
/// is judged by what it does, not by what it says. Each attack is refused, nothing of its batch is
/// applied, and the hub keeps serving.
@Suite struct SecurityAuthorizationTests {
    /// A Fujian application submitted by 福州市第一医院, recommended by 福州, selected by the province,
    /// with every replica synced.
    struct Story {
        let f: HubFixture
        let hospital: HubFixture.Replica
        let city: HubFixture.Replica
        let province: HubFixture.Replica
        let id: String

        init(decide: Bool = true) throws {
            f = try HubFixture()
            hospital = try f.replica("fz-first", role: .hospital)
            city = try f.replica("fj-fuzhou", role: .city)
            province = try f.replica("fj-province", role: .province)
            for r in [hospital, city, province] { try r.sync() }
            id = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("县域影像智能辅助诊断"))
            try hospital.workspace.submit(id)
            try hospital.sync()
            try city.sync()
            try city.workspace.recommend(id, opinion: "同意推荐")
            try city.sync()
            if decide {
                try province.sync()
                try province.workspace.select(id)
                try province.sync()
            }
            for r in [hospital, city, province] { try r.sync() }
        }

        /// Pushes as `r`, expects a refusal with `code`, nothing applied, the hub still serving.
        func expectRefused(_ r: HubFixture.Replica, _ changes: [Change], code: String, signature: [UInt8]? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try f.hubChangeCount()
            let snapshot = try f.hubRecord(id)
            let response = try f.push(r, changes, signature: signature)
            #expect(response?.status == 403, "\(response?.text ?? "no response")", sourceLocation: sourceLocation)
            #expect(response?.refusalCode == code, "\(response?.text ?? "no response")", sourceLocation: sourceLocation)
            #expect(try f.hubChangeCount() == before, "something of the batch was applied", sourceLocation: sourceLocation)
            #expect(try f.hubRecord(id) == snapshot, sourceLocation: sourceLocation)
            #expect(try f.healthy(), sourceLocation: sourceLocation)
        }
    }

    @Test func aHospitalCannotEraseTheDecisionAndReviewByListingThem() throws {
        let s = try Story()
        var forger = Forger(s.hospital, clock: s.f.clock)
        let edit = forger.change(s.id, "project_name", .text("改过的名称"),
                                 supersedes: [try s.f.hubDot(s.id, "project_name"), try s.f.hubDot(s.id, WorkflowField.decision), try s.f.hubDot(s.id, WorkflowField.review)])
        try s.expectRefused(s.hospital, [edit], code: "bad_supersedes")
        #expect(try s.f.hub.withWorkspace { try $0.submission(s.id).status } == .selected)
        // The same edit listing only its own field's value is an ordinary edit: refused only because
        // a selected record's answers stay as submitted, not for what it lists.
        forger.rewind(to: forger.seq - 1)
        let honest = forger.change(s.id, "project_name", .text("改过的名称"), supersedes: [try s.f.hubDot(s.id, "project_name")])
        try s.expectRefused(s.hospital, [honest], code: "frozen_submission")
        #expect(try s.f.hubRecord(s.id)?[WorkflowField.decision] != nil)
    }

    @Test func aCityCannotEraseTheSubmissionOrOwnerByListingThem() throws {
        let s = try Story(decide: false)
        var forger = Forger(s.city, clock: s.f.clock)
        let review = forger.change(s.id, WorkflowField.review, Forger.entry(.recommend, by: "fj-fuzhou", text: "同意"),
                                   supersedes: [try s.f.hubDot(s.id, WorkflowField.review), try s.f.hubDot(s.id, WorkflowField.submission),
                                                try s.f.hubDot(s.id, "project_name"), try s.f.hubDot(s.id, WorkflowField.unit)])
        try s.expectRefused(s.city, [review], code: "bad_supersedes")
        #expect(try s.f.hubRecord(s.id)?[WorkflowField.unit] == .text("fz-first"))

        // Another city's hospital claiming the record is told it does not exist, and is sent nothing of it.
        let other = try s.f.replica("fz-second", role: .hospital)
        try other.sync()
        var stranger = Forger(other, clock: s.f.clock)
        try s.expectRefused(other, [stranger.change(s.id, WorkflowField.unit, .text("fz-second"))], code: "unknown_record")
        try other.sync()
        #expect(try other.store.record(s.id) == nil)
    }

    @Test func aRecordsOwnerIsFixedWhenItIsCreated() throws {
        let s = try Story()
        let record = RecordID.make(wallMilliseconds: s.f.clock.now)
        var forger = Forger(s.hospital, clock: s.f.clock)
        let mark = forger.seq
        // Two owners in one creating batch: the second is refused, whichever value it names.
        for (first, second) in [("fz-first", "fz-second"), ("fz-first", "fz-first")] {
            forger.rewind(to: mark)
            let batch = [forger.change(record, WorkflowField.unit, .text(first)), forger.change(record, WorkflowField.call, .text("fujian-2026")),
                         forger.change(record, WorkflowField.form, .text("application")), forger.change(record, WorkflowField.unit, .text(second))]
            let response = try s.f.push(s.hospital, batch)
            #expect(response?.status == 403)
            #expect(response?.refusalCode == "identity_fixed", "\(response?.text ?? "")")
            #expect(try s.f.hubRecord(record) == nil)
        }
        // Creating a record for another unit.
        forger.rewind(to: mark)
        let foreign = try s.f.push(s.hospital, [forger.change(record, WorkflowField.unit, .text("fz-second"))])
        #expect(foreign?.refusalCode == "not_owner")
        // Changing the owner of an existing record, even to the same value.
        forger.rewind(to: mark)
        try s.expectRefused(s.hospital, [forger.change(s.id, WorkflowField.unit, .text("fz-first"), supersedes: [try s.f.hubDot(s.id, WorkflowField.unit)])],
                            code: "identity_fixed")
        #expect(try s.f.healthy())
    }

    @Test func aWorkflowEntryNamesItsRealWriterAndBelongsInItsField() throws {
        let s = try Story(decide: false)
        var city = Forger(s.city, clock: s.f.clock)
        try s.expectRefused(s.city, [city.change(s.id, WorkflowField.review, Forger.entry(.recommend, by: "fj-xiamen", text: "冒名"),
                                                  supersedes: [try s.f.hubDot(s.id, WorkflowField.review)])], code: "wrong_author")
        city.rewind(to: city.seq - 1)
        try s.expectRefused(s.city, [city.change(s.id, WorkflowField.review, Forger.entry(.select, by: "fj-fuzhou"))], code: "malformed_entry")
        city.rewind(to: city.seq - 1)
        try s.expectRefused(s.city, [city.change(s.id, WorkflowField.review, .text("not an entry"))], code: "malformed_entry")
        // A control character escaped inside the entry's JSON is still one (TextRule).
        city.rewind(to: city.seq - 1)
        try s.expectRefused(s.city, [city.change(s.id, WorkflowField.review, Forger.entry(.recommend, by: "fj-fuzhou", text: "同意\u{1B}[2J\u{0}"),
                                                  supersedes: [try s.f.hubDot(s.id, WorkflowField.review)])], code: "malformed_entry")
        var hospital = Forger(s.hospital, clock: s.f.clock)
        try s.expectRefused(s.hospital, [hospital.change(s.id, "_owner", .text("fz-first"))], code: "unknown_field")
        hospital.rewind(to: hospital.seq - 1)
        try s.expectRefused(s.hospital, [hospital.change(s.id, WorkflowField.submission, .text("x"), op: .add)], code: "malformed_entry")
    }

    @Test func aSubmittedRecordIsNotItsUnitsAloneToDelete() throws {
        let s = try Story(decide: false)
        var forger = Forger(s.hospital, clock: s.f.clock)
        let live = try s.f.hubRecord(s.id)!.fields.filter { !RetireRule.isReserved($0.key) }.flatMap { $0.value.versions.map(\.dot) }
        try s.expectRefused(s.hospital, [forger.change(s.id, "", nil, op: .delete, supersedes: live)], code: "submitted_record")
        // The replica refuses the same, before anything is written.
        #expect(throws: DomainError.self) { try s.hospital.workspace.delete(s.id) }
        // Returned, it is back in its unit's hands: deleting it goes through everywhere.
        try s.city.workspace.returnForRevision(s.id, reason: "请补充材料")
        try s.city.sync()
        try s.hospital.sync()
        try s.hospital.workspace.delete(s.id)
        try s.hospital.sync()
        #expect(try s.f.hubRecord(s.id)?.isDeleted == true)
        #expect(try s.f.hubRecord(s.id)?[WorkflowField.unit] == .text("fz-first"))   // a deleted record still says whose it is
    }

    @Test func stampsTheReplicasHistoryMakesImpossibleAreRefused() throws {
        let s = try Story(decide: false)
        var forger = Forger(s.hospital, clock: s.f.clock)
        // Before the replica was enrolled (1 ms after 1970).
        try s.expectRefused(s.hospital, [forger.change(s.id, "project_summary", .text("x"), supersedes: [try s.f.hubDot(s.id, "project_summary")], wall: 1)], code: "stamp_impossible")
        forger.rewind(to: forger.seq - 1)
        // Not after the replica's previous change.
        let previous = try s.hospital.store.change(Dot(replica: s.hospital.store.replicaID, seq: forger.seq))!.timestamp
        try s.expectRefused(s.hospital, [forger.change(s.id, "project_summary", .text("x"), supersedes: [try s.f.hubDot(s.id, "project_summary")], wall: previous.wall - 1)],
                            code: "stamp_impossible")
    }

    @Test func aSubmissionBackdatedBeforeTheDeadlineIsRefusedAfterTheReplicaSyncedPastIt() throws {
        let f = try HubFixture()
        let deadline = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!.deadlineEnd
        let honest = try f.replica("fz-first", role: .hospital)
        let cheat = try f.replica("fz-second", role: .hospital)
        for r in [honest, cheat] { try r.sync() }
        let honestID = try honest.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("离线提交", leader: 1))
        let cheatID = try cheat.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("倒签提交", leader: 2))
        for r in [honest, cheat] { try r.sync() }
        // The honest hospital submits offline before the deadline; its network is down until after it.
        f.clock.set(deadline - 3_600_000)
        try honest.workspace.submit(honestID)
        f.clock.set(deadline + 86_400_000)
        // The cheat synced after the deadline with nothing to push, then claims a submission before it.
        try cheat.sync()
        var forger = Forger(cheat, clock: f.clock)
        let revision = try cheat.workspace.submission(cheatID).revision
        let backdated = forger.change(cheatID, WorkflowField.submission, Forger.entry(.submit, by: "fz-second", revision: revision), wall: deadline - 60_000)
        let refused = try f.push(cheat, [backdated])
        #expect(refused?.status == 403)
        #expect(refused?.refusalCode == "stamp_impossible", "\(refused?.text ?? "")")
        #expect(try f.hubRecord(cheatID)?[WorkflowField.submission] == nil)
        // The genuine offline submission goes through, marked with when it arrived.
        try honest.sync()
        let received = try f.hubRecord(honestID)?[WorkflowField.received]
        #expect(received == .int(deadline + 86_400_000))
        // Beside it, the last contact that vouches for the claim: before the deadline.
        guard case .int(let contact)? = try f.hubRecord(honestID)?[WorkflowField.contact] else {
            Issue.record("no _contact beside an offline submission")
            return
        }
        #expect(contact < deadline)
        // The province's completeness report shows the claim, the last contact and the receipt side by side.
        let offline = try f.hub.withWorkspace { try $0.completeness(call: "fujian-2026") }.units.flatMap(\.offline)
        #expect(offline.map(\.record) == [honestID])
        #expect(offline.first.map { $0.claimed < deadline && $0.lastContact == contact && $0.received == deadline + 86_400_000 } == true)
    }

    /// A claim of offline work before the deadline is believed only within the call's grace period
    /// (72 hours unless the template says): beyond it the submission is refused, with whom to ask.
    @Test func anOfflineSubmissionArrivingPastTheGracePeriodIsRefused() throws {
        let f = try HubFixture()
        let call = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!
        // On time (well before the deadline), the hub notes when it received it, and no contact (nothing was claimed offline).
        let onTime = try f.replica("fz-second", role: .hospital)
        try onTime.sync()
        let other = try onTime.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("按时提交", leader: 4))
        try onTime.workspace.submit(other)
        try onTime.sync()
        #expect(try f.hubRecord(other)?[WorkflowField.received] == .int(f.clock.now))
        #expect(try f.hubRecord(other)?[WorkflowField.contact] == nil)
        let late = try f.replica("fz-first", role: .hospital)
        try late.sync()
        let id = try late.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("离线太久", leader: 3))
        try late.sync()
        f.clock.set(call.deadlineEnd - 3_600_000)
        try late.workspace.submit(id)
        f.clock.set(call.offlineGraceEnd + 60_000)
        let report = try late.sync()
        #expect(report.refused.contains { $0.code == "offline_too_late" && $0.reason?.contains("72 hours") == true }, "\(report.refused)")
        #expect(try SyncState(late.store).refusals().contains { $0.code == "offline_too_late" })
        #expect(try f.hubRecord(id)?[WorkflowField.submission] == nil)
    }

    @Test func aRefusalNeverTellsWhoseARecordIs() throws {
        let s = try Story(decide: false)
        let draft = try s.hospital.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "未提交的草稿")])
        try s.hospital.sync()
        let other = try s.f.replica("xm-first", role: .hospital)
        try other.sync()
        var forger = Forger(other, clock: s.f.clock)
        let nowhere = RecordID.make(wallMilliseconds: s.f.clock.now)
        let existing = try s.f.push(other, [forger.change(draft, "project_name", .text("x"))])
        forger.rewind(to: forger.seq - 1)
        let missing = try s.f.push(other, [forger.change(nowhere, "project_name", .text("x"))])
        #expect(existing?.refusalCode == "unknown_record")
        #expect(missing?.refusalCode == "unknown_record")
        #expect(existing?.refusalReason?.replacingOccurrences(of: draft, with: "ID") == missing?.refusalReason?.replacingOccurrences(of: nowhere, with: "ID"))
        #expect(existing?.text.contains("福州市第一医院") == false)
        // A city may see its hospital's submitted record but not another city's.
        let xiamen = try s.f.replica("fj-xiamen", role: .city)
        var city = Forger(xiamen, clock: s.f.clock)
        let review = try s.f.push(xiamen, [city.change(s.id, WorkflowField.review, Forger.entry(.return, by: "fj-xiamen", text: "x"))])
        #expect(review?.refusalCode == "unknown_record")
    }

    @Test func withdrawalsAreBoundedAndOnlyOfRefusedChanges() throws {
        let f = try HubFixture()
        let r = try f.replica("fz-first", role: .hospital)
        try r.sync()
        let flood = (1...20_000).map { Dot(replica: r.store.replicaID, seq: UInt64(1_000 + $0)) }
        let refused = try f.push(r, [], withdrawn: flood)
        #expect(refused?.status == 400)
        #expect(refused?.refusalCode == "bad_withdrawal")
        #expect(try f.hub.state.withLock { try $0.tables.isWithdrawn(r.store.replicaID, seq: 1_001) } == false)
        // Dots the hub never refused cannot be withdrawn (withdrawing raises what the hub counts as received).
        let unused = try f.push(r, [], withdrawn: Array(flood.prefix(3)))
        #expect(unused?.refusalCode == "bad_withdrawal")
        // A change the hub holds cannot be withdrawn.
        _ = try r.workspace.create(call: "fujian-2026", form: "application", values: [("project_name", "x")])
        try r.sync()
        let held = try f.push(r, [], withdrawn: [Dot(replica: r.store.replicaID, seq: 1)])
        #expect(held?.refusalCode == "bad_withdrawal")
        // A refused change is withdrawn, and its dot never takes another change.
        var forger = Forger(r, clock: f.clock)
        let bad = forger.change(RecordID.make(wallMilliseconds: f.clock.now), "project_name", .text("无主记录"))
        #expect(try f.push(r, [bad])?.refusalCode == "unknown_record")
        #expect(try f.push(r, [], withdrawn: [bad.dot])?.status == 200)
        var reuse = bad
        reuse.record = try r.workspace.submissions().first!.id
        #expect(try f.push(r, [reuse])?.refusalCode == "withdrawn_dot")
        #expect(try f.healthy())
    }

    /// An answer changed after the submission in the same batch is frozen as it is once stored: the
    /// leader rule judged the submission, and a later change of the leader cannot slip past it.
    @Test func anAnswerChangedAfterTheSubmissionInTheSameBatchIsFrozen() throws {
        let s = try Story(decide: false)
        let draft = try s.hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("第二个项目", leader: 2))
        try s.hospital.sync()
        var forger = Forger(s.hospital, clock: s.f.clock)
        let submit = forger.change(draft, WorkflowField.submission, Forger.entry(.submit, by: "fz-first"))
        let busyLeader = forger.change(draft, "leader_mobile", .text("13905900001"))
        try s.expectRefused(s.hospital, [submit, busyLeader], code: "frozen_submission")
        #expect(try s.f.hub.withWorkspace { try $0.submission(draft).status } == .draft)
    }
}
