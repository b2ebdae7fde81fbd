import Testing
import Replication
import TestSupport
@testable import Submissions

/// Workflow steps taken on different replicas at once, offline, then merged.
@Suite struct ConcurrentWorkflowTests {
    func submitted(_ world: World, project: String) throws -> String {
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: project))
        try world["fz-first"].submit(id)
        try world.sync()
        return id
    }

    @Test func aHospitalEditsWhileItsCityRecommends() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let laptop = try world.addReplica(of: "fz-first", named: "second laptop")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "智慧药房"))
        try world.sync()
        try world["fz-first"].submit(id)
        try world.sync(["fz-first", "fj-fuzhou", "fj-province"])
        world.clock.advance(by: 1_000)
        // The submitting replica may no longer edit; a laptop still holding the draft does, offline.
        #expect(throws: DomainError.self) { try world["fz-first"].edit(id, values: [("团队简介", "x")]) }
        try laptop.edit(id, values: [("团队简介", "团队新增药学部骨干2名。")])          // offline
        try world["fj-fuzhou"].recommend(id, opinion: "同意推荐")                       // offline, saw the old text
        try world.sync()
        try world.sync()
        let views = try ["fz-first", "fj-fuzhou", "fj-province", "second laptop"].map { try world[$0].submission(id) }
        #expect(Set(views).count == 1)
        #expect(views[0].status == .recommended)
        #expect(views[0].value("team_profile") == .text("团队新增药学部骨干2名。"))
        #expect(views[0].workflow.notes.contains { $0.contains("edited after fj-fuzhou recommended it") })
        #expect(views[0].conflictingFields.isEmpty)
    }

    @Test func aCityReturnsWhileTheProvinceSelects() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let id = try submitted(world, project: "AI病理")
        try world["fj-fuzhou"].recommend(id, opinion: "同意推荐")
        try world.sync()
        world.clock.advance(by: 1_000)
        try world["fj-province"].select(id, note: "入库")                                // offline
        try world["fj-fuzhou"].returnForRevision(id, reason: "请补充数据安全措施。")        // offline, a moment later
        try world.sync()
        try world.sync()
        let views = try ["fz-first", "fj-fuzhou", "fj-province"].map { try world[$0].submission(id) }
        #expect(Set(views).count == 1)
        #expect(views[0].status == .selected)   // the province's decision stands…
        #expect(views[0].workflow.notes.contains { $0.contains("returned by fj-fuzhou while the province decided") })  // …and the return is shown
        #expect(views[0].workflow.review?.entry.text == "请补充数据安全措施。")
    }

    @Test func twoStaffOfOneHospitalEditOneField() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "智能质控"))
        let colleague = try world.addReplica(of: "fz-first", named: "fz-first-2")
        try world.sync()
        try world["fz-first"].edit(id, values: [("项目名称", "医疗质量智能质控平台")])
        try colleague.edit(id, values: [("项目名称", "病历内涵智能质控"), ("研发进展", "初步研发阶段")])
        try world.sync()
        try world.sync()
        for code in ["fz-first", "fz-first-2", "fj-province"] {
            let view = try world[code].submission(id)
            #expect(view.conflictingFields == ["project_name"])
            #expect(view.record.fields["project_name"]!.versions.map(\.value).sorted() == [.text("医疗质量智能质控平台"), .text("病历内涵智能质控")])
            #expect(view.value("progress") == .text("初步研发阶段"))   // a different field merged silently
        }
        // Neither value is lost, and the record cannot be submitted until a person chooses.
        #expect { try world["fz-first"].submit(id) } throws: { error in
            guard case .invalid(let issues) = error as? DomainError else { return false }
            return issues.map(\.description) == ["项目名称 has concurrent values — resolve the conflict first ('tianbao conflicts')"]
        }
        try world["fz-first"].edit(id, values: [("项目名称", "病历内涵智能质控")])
        try world.sync()
        #expect(try colleague.submission(id).conflictingFields.isEmpty)
        try colleague.submit(id)
    }
}
