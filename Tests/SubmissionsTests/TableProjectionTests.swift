import Foundation
import Testing
import Replication
import TestSupport
@testable import Submissions

/// The projection tables are compiled from is a cache: after any change it must give the same
/// bytes as a replica that builds it from nothing.
@Suite struct TableProjectionTests {
    /// A replica that has never compiled, holding the same changes as `workspace`.
    func fresh(_ workspace: Workspace, clock: ManualClock) throws -> Workspace {
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = clock.reading
        let store = try ReplicaStore(path: ":memory:", configuration: configuration)
        try workspace.store.changes(missingFrom: VersionVector()) { try store.apply($0) }
        return Workspace(store: store, actor: workspace.actor)
    }

    func expectSameTables(_ a: Workspace, _ b: Workspace, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (unit, table) in [("fj-fuzhou", "附件2"), (nil, "附件2"), ("fj-xiamen", "附件2")] as [(String?, String)] {
            let x = try a.compile(call: "fujian-2026", table: table, unit: unit)
            let y = try b.compile(call: "fujian-2026", table: table, unit: unit)
            #expect(TableFormat.csv.render(x) == TableFormat.csv.render(y), "\(unit ?? "province")", sourceLocation: sourceLocation)
            #expect(x.sha256 == y.sha256, sourceLocation: sourceLocation)
        }
    }

    @Test func anIncrementallyRefreshedProjectionEqualsAFreshOne() throws {
        let (world, _) = try SummaryTableTests.fujianWorld()
        let hub = world["fj-province"]
        let before = try hub.compile(call: "fujian-2026", table: "附件2")   // builds the projection
        #expect(before.rows.count == 4)

        // Edits, returns, a resubmission, a deletion and a new record arrive after it.
        try SummaryTableTests.revise(world, SummaryTableTests.id(2), [("项目名称", "县域影像智能辅助诊断（二期）"), ("应用场景方向", "高水平诊疗能力方向")])
        try world["fj-xiamen"].returnForRevision(SummaryTableTests.id(4), reason: "请补充")
        try world["fz-first"].edit(SummaryTableTests.id(3), values: [("项目名称", "门诊病历智能质控（修订）")])
        try world["fz-first"].submit(SummaryTableTests.id(3))
        try world.sync()
        try world["fj-fuzhou"].recommend(SummaryTableTests.id(3), opinion: "同意")
        try world["fj-fuzhou"].returnForRevision(SummaryTableTests.id(1), reason: "申报单位撤回")   // back in its unit's hands
        try world.sync()
        try world["fz-second"].delete(SummaryTableTests.id(1))
        try world.sync()
        let after = try hub.compile(call: "fujian-2026", table: "附件2")
        #expect(after.rows.map { $0[2] } == ["县域影像智能辅助诊断（二期）", "门诊病历智能质控（修订）", "“智慧病房”护理智能体, 一期"])
        try expectSameTables(hub, try fresh(hub, clock: world.clock))

        // Organisations change: a hospital moves to another city, a city is renamed. 项目申报单位 is
        // the form's own answer and stays; the reporting unit and the header follow the directory.
        try hub.save(Organization(code: "fz-first", name: "福州市第一医院", kind: .hospital, city: "fj-xiamen",
                                  level: "三级甲等", uscc: World.uscc("12350100488000123")))
        try hub.save(Organization(code: "fj-xiamen", name: "厦门市卫生健康委员会（更名）", kind: .city, contact: "陈明", phone: "0592-2222222"))
        let moved = try hub.compile(call: "fujian-2026", table: "附件2", unit: "fj-xiamen")
        #expect(moved.header.map(\.value) == ["厦门市卫生健康委员会（更名）"])
        #expect(moved.rows.map { $0[1] } == ["福州市第一医院", "福州市第一医院"])
        #expect(try hub.compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou").rows.isEmpty)
        try expectSameTables(hub, try fresh(hub, clock: world.clock))
    }

    @Test func aNewTemplateVersionRebuildsTheRows() throws {
        let (world, _) = try SummaryTableTests.fujianWorld()
        let hub = world["fj-province"]
        _ = try hub.compile(call: "fujian-2026", table: "附件2")
        var template = try hub.call("fujian-2026")
        template.version = 2
        var form = template.forms[0]
        // The new version lists the directions in another order: the cells must follow it.
        let index = form.fields.firstIndex { $0.key == "directions" }!
        form.fields[index].options = form.fields[index].options!.reversed()
        template.forms[0] = form
        try hub.publish(template)
        let table = try hub.compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou")
        #expect(table.rows.first { $0[2] == "县域影像智能辅助诊断" }?[3] == "高水平诊疗能力方向、基层能力提升方向")
        try expectSameTables(hub, try fresh(hub, clock: world.clock))
    }
}
