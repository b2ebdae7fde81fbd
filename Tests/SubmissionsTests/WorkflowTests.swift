import Testing
import Replication
import TestSupport
@testable import Submissions

@Suite struct WorkflowTests {
    @Test func draftSubmitRecommendSelect() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let hospital = world["fz-first"]
        let id = try hospital.create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "县域影像智能辅助诊断"))
        // Prefilled from the organisation.
        #expect(try hospital.submission(id).value("applicant") == .text("福州市第一医院"))
        #expect(try hospital.submission(id).value("hospital_level") == .text("三级甲等"))
        #expect(try hospital.submission(id).status == .draft)
        try hospital.submit(id)
        try world.sync()
        #expect(try world["fj-fuzhou"].submission(id).status == .submitted)
        try world["fj-fuzhou"].recommend(id, opinion: "同意推荐。该项目数据基础好，具备推广价值。")
        try world.sync()
        let recommended = try world["fj-province"].submission(id)
        #expect(recommended.status == .recommended)
        #expect(recommended.workflow.review?.entry.text == "同意推荐。该项目数据基础好，具备推广价值。")
        #expect(recommended.workflow.review?.entry.revision == recommended.revision)
        try world["fj-province"].select(id)
        try world.sync()
        for code in ["fz-first", "fj-fuzhou", "fj-province", "xm-first"] {
            #expect(try world[code].submission(id).status == .selected)
        }
    }

    @Test func returnedRecordsAreRevisedAndResubmitted() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "智能随访"))
        try world["fz-first"].submit(id)
        try world.sync()
        world.clock.advance(by: 60_000)
        try world["fj-fuzhou"].returnForRevision(id, reason: "项目推进计划过于简略，请补充试点医院名单。")
        try world.sync()
        let returned = try world["fz-first"].submission(id)
        #expect(returned.status == .returned)
        #expect(returned.workflow.review?.entry.text == "项目推进计划过于简略，请补充试点医院名单。")
        world.clock.advance(by: 60_000)
        try world["fz-first"].edit(id, values: [("项目推进计划", "2026年完成训练；2027年在闽侯县医院、连江县医院试点；2028年推广。")])
        try world["fz-first"].submit(id)
        try world.sync()
        #expect(try world["fj-fuzhou"].submission(id).status == .submitted)
    }

    @Test func aSubmittedRecordIsFrozenAndAConcurrentEditIsFlagged() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let laptop = try world.addReplica(of: "fz-first", named: "colleague's laptop")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "智能导诊"))
        try world.sync()
        try world["fz-first"].submit(id)
        // The colleague's laptop, offline, has not seen the submission and edits the draft it holds.
        try laptop.edit(id, values: [("项目名称", "智能导诊（离线修改）")])
        try world.sync(["fz-first", "fj-fuzhou", "fj-province"])
        try world["fj-fuzhou"].recommend(id, opinion: "同意推荐")
        try world.sync(["fj-fuzhou", "fj-province"])
        #expect(try world["fj-province"].submission(id).workflow.notes.isEmpty)
        // What was submitted stays what was submitted: the unit's own edit is refused, by name.
        #expect { try world["fz-first"].edit(id, values: [("项目名称", "智能导诊（二期）")]) } throws: { error in
            guard case .refused("frozen_submission", let reason)? = error as? DomainError else { return false }
            return reason.contains("returns it for revision")
        }
        // An edit made concurrently elsewhere (peers merging without a hub, which would refuse it) is flagged.
        try world.sync()
        let seen = try world["fj-province"].submission(id)
        #expect(seen.status == .recommended)
        #expect(seen.workflow.notes.contains { $0.hasPrefix("edited after it was submitted") })
        // The city's 附件2 lists it, marked: what it shows is not the revision recommended.
        let table = try world["fj-fuzhou"].compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou")
        #expect(table.changedSinceApproval == [1])
        #expect(table.rows.first?.first == "1※")
        #expect(String(decoding: TableFormat.html.render(table), as: UTF8.self).contains("推荐（提交）后内容有变动：第 1 行"))
    }

    @Test func submittingNeedsEveryRuleAndReportsAllProblemsAtOnce() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let hospital = world["fz-first"]
        let id = try hospital.create(call: "fujian-2026", form: "application", values: [("项目名称", "半成品"), ("应用场景方向", "其他方向"), ("培育周期", "2026年1月-2029年6月")])
        #expect { try hospital.submit(id) } throws: { error in
            guard case .invalid(let issues) = error as? DomainError else { return false }
            let names = Set(issues.map(\.name))
            return issues.count >= 10 && names.contains("单位简介") && names.contains("项目负责人手机号码")
                && issues.contains { $0.name == "培育周期" && $0.expected.contains("2028年12月") }
                && issues.contains { $0.name == "其他方向说明" && $0.expected.contains("其他方向应紧扣医疗卫生服务") }
        }
        #expect(try hospital.submission(id).status == .draft)
        // Bad formats are refused when typed, naming the field.
        #expect { try hospital.edit(id, values: [("统一社会信用代码", "91350100M000100Y44"), ("单位联系人手机号码", "1234")]) } throws: { error in
            guard case .invalid(let issues) = error as? DomainError else { return false }
            return issues.map(\.description) == [
                "统一社会信用代码 has a wrong check character (expected '3') — the unit's 18-character 统一社会信用代码 as printed on its licence",
                "单位联系人手机号码 '1234' is not a mainland mobile number — 11 digits starting 13–19, such as 13800138000",
            ]
        }
        #expect { try hospital.edit(id, values: [("手机号码", "13800138000")]) } throws: { error in
            (error as? DomainError)?.description.contains("names several fields: 单位联系人手机号码, 项目负责人手机号码") == true
        }
        #expect { try hospital.edit(id, values: [("项目经费", "1")]) } throws: { error in
            (error as? DomainError)?.description.contains("项目经费 is not a field of 附件1") == true
        }
        // Every problem at once, and nothing written: a field that does not exist beside a value that does not fit.
        let before = try hospital.submission(id).revision
        #expect { try hospital.edit(id, values: [("项目经费", "1"), ("项目负责人手机号码", "12"), ("项目名称", "改名")]) } throws: { error in
            guard case .invalid(let issues) = error as? DomainError else { return false }
            return issues.count == 2 && issues[0].description.hasPrefix("项目经费 is not a field") && issues[1].description.contains("'12' is not a mainland mobile number")
        }
        #expect(try hospital.submission(id).revision == before)
    }

    @Test func aLeaderLeadsOneUnfinishedProjectAtATime() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        let first = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "第一个项目"))
        try world["fz-first"].submit(first)
        try world.sync()
        // The same leader (name and mobile) at another hospital.
        let second = try world["xm-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "第二个项目"))
        #expect { try world["xm-first"].submit(second) } throws: { error in
            guard case .invalid(let issues) = error as? DomainError else { return false }
            return issues.count == 1 && issues[0].description.contains("黄志强 already leads「第一个项目」(已提交)")
                && issues[0].description.contains("牵头人项目未完结前不得再次申报")
        }
        // A different leader is fine.
        try world["xm-first"].edit(second, values: [("项目负责人", "郑海"), ("项目负责人手机号码", "13905920003")])
        try world["xm-first"].submit(second)
    }

    @Test func theDeadlineClosesSubmissionNotDrafting() throws {
        let world = try World(World.fujian(), start: "2026-01-30")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "赶截止"))
        world.advance(days: 1)
        try world["fz-first"].edit(id, values: [("项目名称", "赶截止（修改）")])
        #expect { try world["fz-first"].submit(id) } throws: { ($0 as? DomainError) == .refused(code: "past_deadline", reason: "submission made after the deadline 2026-01-30 of 闽卫规划函〔2025〕1122号; drafting stays open — contact the province") }
    }

    @Test func aSubmissionMadeOfflineBeforeTheDeadlineIsAcceptedAndMarked() throws {
        let world = try World(World.fujian(), start: "2026-01-30")
        let id = try world["fz-first"].create(call: "fujian-2026", form: "application", values: SampleForms.fujianApplication(project: "离线提交"))
        try world["fz-first"].submit(id)          // on the deadline day, with no network
        #expect(try world["fz-first"].deadlineStanding(id) == .onTime)
        world.advance(days: 2)
        try world.sync(["fz-first"])              // reaches the province two days late
        let arrival = world.clock.now
        try world["fj-province"].acknowledgeReceipt(id, receivedAt: arrival)
        try world.sync()
        for code in ["fz-first", "fj-fuzhou", "fj-province"] {
            #expect(try world[code].deadlineStanding(id) == .offlineBeforeDeadline(receivedAt: arrival))
            #expect(try world[code].submission(id).status == .submitted)
        }
        #expect(throws: DomainError.self) { try world["fj-fuzhou"].acknowledgeReceipt(id, receivedAt: arrival) }
    }

    @Test func completenessCountsEachExpectedUnitAgainstItsQuota() throws {
        let world = try World(World.anhui(), start: "2023-04-10")
        let hefei = world["ah-hefei"], hospital = world["hf-second"], slyy = world["ah-slyy"]
        let a = try hefei.create(call: "anhui-2023", form: "scenario-opportunity", values: SampleForms.anhuiOpportunity(name: "智能分诊"))
        try hefei.submit(a)
        let b = try hospital.create(call: "anhui-2023", form: "scenario-capability", values: SampleForms.anhuiCapability(name: "肺结节AI"))
        try hospital.submit(b)
        _ = try slyy.create(call: "anhui-2023", form: "scenario-opportunity", values: SampleForms.anhuiOpportunity(name: "草稿"))
        try world.sync()
        var report = try world["ah-province"].completeness(call: "anhui-2023")
        #expect(report.units.map(\.code) == ["ah-hefei", "ah-slyy", "ah-wuhu"])
        // 附件1 is tracked too: two contacts (分管领导, 业务处室负责人) at least.
        #expect(report.units[0].forms.map(\.attachment) == ["附件1", "附件2", "附件3"])
        #expect(report.units[0].forms.map(\.reported) == [0, 1, 0])  // the hospital's capability awaits the city
        // Each hospital under its city, however far it got.
        #expect(report.units[0].members.map(\.code).contains("hf-second"))
        #expect(report.units[0].members.first { $0.code == "hf-second" }?.submitted == ["附件3": 1])
        #expect(report.units[0].members.first { $0.code == "hf-second" }?.furthest == .submitted)
        #expect(report.units[0].furthest == .submitted)
        #expect(!report.units[0].quotaMet)
        #expect(report.units[1].furthest == .drafting)
        #expect(report.units[2].furthest == .none)
        #expect(report.millisecondsLeft > 0 && !report.units.contains(where: \.late))

        try hefei.recommend(b, opinion: "同意推荐")
        try world.sync()
        report = try world["ah-province"].completeness(call: "anhui-2023")
        #expect(!report.units[0].quotaMet, "no contact list yet")
        for (name, remark) in [("刘洋", "分管领导"), ("王芳", "业务处室负责人")] {
            let contact = try hefei.create(call: "anhui-2023", form: "contacts", values: [("姓名", name), ("单位及职务", "合肥市卫生健康委员会 处长"),
                                                                                      ("联系方式（办公电话、手机号）", "0551-63536601、13805510011"), ("备注", remark)])
            try hefei.submit(contact)
        }
        try world.sync()
        world.advance(days: 10)
        report = try world["ah-province"].completeness(call: "anhui-2023")
        #expect(report.units[0].quotaMet)
        #expect(report.units[0].forms.map(\.reported) == [2, 1, 1])
        #expect(report.units[0].furthest == .recommended)
        #expect(report.millisecondsLeft < 0)
        #expect(report.units.map(\.late) == [false, true, true])
    }
}
