import Foundation
import Hub
import Replication
import Submissions
import SyncClient
import SyncProtocol
import Testing
import TestSupport

/// The hub judges what a record's creation does: a 设区市卫健委 that writes the changes of a Fujian
/// 申请表 itself (a raw client) is refused, naming the rule.
@Suite struct ApplicantRuleTests {
    @Test func aCitysOwnApplicationIsRefusedByTheHub() throws {
        let f = try HubFixture()
        let city = try f.replica("fj-fuzhou", role: .city, name: "市卫健委", signed: true)
        try city.sync()
        let id = RecordID.make(wallMilliseconds: f.clock.reading())
        try city.store.commit([
            .set(collection: "submissions", record: id, field: WorkflowField.unit, value: .text("fj-fuzhou")),
            .set(collection: "submissions", record: id, field: WorkflowField.call, value: .text("fujian-2026")),
            .set(collection: "submissions", record: id, field: WorkflowField.form, value: .text("application")),
            .set(collection: "submissions", record: id, field: WorkflowField.template, value: .int(1)),
        ])
        let report = try city.sync()
        #expect(report.refused.contains { $0.code == "not_an_applicant" && ($0.reason ?? "").contains("医院、医疗卫生机构") }, "\(report.refused)")
        // The rest of the batch may go in, withdrawn of the refused change: no application exists.
        #expect(try f.hub.withWorkspace { try $0.store.record(id)?[WorkflowField.form] } == nil)
        #expect(try f.hub.withWorkspace { try $0.submissions(call: "fujian-2026", form: "application").filter { $0.unit == "fj-fuzhou" } }.isEmpty)
    }
}
