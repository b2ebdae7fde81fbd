import Foundation
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
    @Test func theCityAHospitalMovesToReceivesItsSubmittedRecordsWhole() throws {
        let f = try HubFixture()
        let hospital = try f.replica("fz-second", role: .hospital)
        let fuzhou = try f.replica("fj-fuzhou", role: .city)
        let xiamen = try f.replica("fj-xiamen", role: .city)
        try hospital.sync()
        let submitted = try hospital.workspace.create(call: "fujian-2026", form: "application", values: HubSyncTests.application("影像辅助诊断", leader: 1))
        try hospital.workspace.submit(submitted)
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
}
