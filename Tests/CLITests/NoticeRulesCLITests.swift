import Foundation
import Testing
import TestSupport

/// The notices' rules that leaked, each tried through the CLI as an official would.
@Suite struct NoticeRulesCLITests {
    static let application = CLIWorkflowTests.application

    static func draft(_ w: CLIWorld, _ extra: [String] = [], in replica: String = "hospital") throws -> String {
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=县域影像智能辅助诊断", "--set", "项目简介=县域影像。"] + application + extra, in: replica)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// 申报意见 is the applicant confirming the six statements: 否 does not submit.
    @Test func aDeclarationOfNoDoesNotSubmit() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try Self.draft(w, ["--set", "申报意见=否"])
        let validate = w.run("hospital", ["validate", id])
        #expect(validate.status == 65)
        #expect(validate.stdout.contains(say("申报意见 is 否", "申报意见 为 否")) && validate.stdout.contains("牵头单位确认以上六项声明方可申报"), "\(validate.stdout)")
        #expect(w.run("hospital", ["submit", id]).status == 65)
        try w.check(["edit", id, "--set", "申报意见=是"], in: "hospital")
        try w.check(["submit", id], in: "hospital")
    }

    /// 日期 is the day the declaration is signed: not before the call, not after today.
    @Test func aDeclarationDatedInTheFutureOrBeforeTheCallDoesNotSubmit() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let future = try Self.draft(w, ["--set", "日期=2099-12-31"])
        let late = w.run("hospital", ["validate", future])
        #expect(late.status == 65 && late.stdout.contains(say("日期 is 2099-12-31, after today", "日期 为 2099-12-31，晚于今天")), "\(late.stdout)")
        let early = try Self.draft(w, ["--set", "日期=2026-10-01"])
        let before = w.run("hospital", ["validate", early])
        #expect(before.status == 65 && before.stdout.contains(say("before the call was issued (2026-11-01)", "早于通知印发日期（2026-11-01）")), "\(before.stdout)")
    }

    /// 培育周期 is not a field of the notice's form: a record without it submits; given, the
    /// 2028-12 rule applies.
    @Test func theCultivationPeriodIsOptionalAndBoundedWhenGiven() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try Self.draft(w)
        try w.check(["edit", id, "--set", "培育周期="], in: "hospital")
        #expect(w.run("hospital", ["validate", id]).stdout == say("Ready to submit: every rule holds.\n", "可以提交：各项规则均已满足。\n"))
        try w.check(["edit", id, "--set", "培育周期=2027年1月-2029年6月"], in: "hospital")
        #expect(w.run("hospital", ["validate", id]).stdout.contains(say("no later than 2028年12月", "不晚于 2028年12月")))
    }

    /// Applicants are 医疗卫生机构: a 设区市卫健委 files no 申请表 of its own.
    @Test func aCityCommissionFilesNoApplication() throws {
        let w = try CLIWorld()
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let refused = w.run("city", ["new", "fujian-2027", "application", "--set", "项目名称=市里的项目"])
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("设区市卫健委") && refused.stderr.contains(say("is filed by 医院、医疗卫生机构", "由医院、医疗卫生机构填报")), "\(refused.stderr)")
    }

    /// 统一社会信用代码 is the applicant's own: the code registered for it, never another unit's —
    /// checked before submitting, and by the hub, which holds every unit's registration.
    @Test func theCreditCodeIsTheApplicantsOwn() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try Self.draft(w)
        #expect(w.run("hospital", ["validate", id]).stdout == say("Ready to submit: every rule holds.\n", "可以提交：各项规则均已满足。\n"), "the registered code is prefilled")
        try w.check(["edit", id, "--set", "统一社会信用代码=123501004880993024"], in: "hospital")
        let other = w.run("hospital", ["validate", id])
        #expect(other.status == 65 && other.stdout.contains(say("is not 福州市第一医院's 统一社会信用代码", "不是 福州市第一医院 的统一社会信用代码")), "\(other.stdout)")
        // The edit itself reaches the hub, which refuses it naming the rule.
        let sync = w.run("hospital", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains(say("is not 福州市第一医院's 统一社会信用代码", "不是 福州市第一医院 的统一社会信用代码")), "\(sync.stderr)")
    }

    /// 是否同意发布及发布有效期 prints as the notice words it, in each list.
    @Test func publishConsentPrintsInTheNoticesWords() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let opportunity = try w.check(["new", "anhui-2023", "scenario-opportunity", "--set", "场景需求名称=分诊",
                                       "--set", "是否同意发布及发布有效期=同意 2023年5月-2024年12月"], in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.check(["show", opportunity], in: "hospital").stdout.contains("是否同意发布及发布有效期: 同意发布；需求有效期为2023年05月-2024年12月"))
        let capability = try w.check(["new", "anhui-2023", "scenario-capability", "--set", "是否同意发布及发布有效期=同意 2023年5月-2024年12月"], in: "hospital")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.check(["show", capability], in: "hospital").stdout.contains("是否同意发布及发布有效期: 同意发布；能力供给有效期为2023年05月-2024年12月"))
        try w.check(["edit", capability, "--set", "是否同意发布及发布有效期=不同意"], in: "hospital")
        #expect(try w.check(["show", capability], in: "hospital").stdout.contains("是否同意发布及发布有效期: 不同意发布"))
        // 拟投入资金 is the notice's free text, amounts and units as written.
        try w.check(["edit", opportunity, "--set", "拟投入资金=项目总投资500万元，其中场景机会投资200万元"], in: "hospital")
        #expect(try w.check(["show", opportunity], in: "hospital").stdout.contains("拟投入资金: 项目总投资500万元，其中场景机会投资200万元"))
    }

    /// A form's fields, types, choices, limits and guidance, before anything is typed.
    @Test func aFormsFieldsAreListedBeforeAnythingIsTyped() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let text = try w.check(["fields", "fujian-2027", "附件1"], in: "hospital").stdout
        #expect(text.contains(say("filed by 医院、医疗卫生机构", "由医院、医疗卫生机构填报")))
        #expect(text.contains("【一、基本信息】"))
        #expect(text.contains(say("  统一社会信用代码  (uscc; 统一社会信用代码, 18 characters; required)", "  统一社会信用代码  (uscc; 统一社会信用代码，18 位; 必填)")), "\(text)")
        #expect(text.contains(say("  培育周期  (cultivation_period; period, such as 2026年3月-2028年6月)", "  培育周期  (cultivation_period; 期间，如 2026年3月-2028年6月)")), "optional: \(text)")
        #expect(text.contains(say("choices: ", "可选：") + "卫生便民服务方向 / 基层能力提升方向 / 高水平诊疗能力方向"))
        #expect(text.contains(say("规则: ", "规则：") + "牵头人项目未完结前不得再次申报"))
        let json = try JSONSerialization.jsonObject(with: Data(try w.check(["fields", "fujian-2027", "application", "--json"], in: "hospital").stdout.utf8)) as! [[String: Any]]
        #expect(json.first { $0["key"] as? String == "declaration" }?["type"] as? String == "yesNo")
        let unknown = w.run("hospital", ["fields", "fujian-2027", "推荐表"])
        #expect(unknown.status != 0 && unknown.stderr.contains("application"), "\(unknown.stderr)")
    }

    /// A city's list shows its units' submissions apart from its own records.
    @Test func aCitysListKeepsItsOwnRecordsApartFromItsUnits() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let application = try Self.draft(w)
        try w.check(["submit", application], in: "hospital")
        try w.check(["sync"], in: "hospital")
        let own = try w.check(["new", "anhui-2023", "scenario-opportunity", "--set", "场景需求名称=市里的场景"], in: "city").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "city")
        let list = try w.check(["list"], in: "city").stdout
        let mine = try #require(list.range(of: "本单位的记录 (1):"))
        let theirs = try #require(list.range(of: "所辖单位报送的记录 (1):"))
        #expect(mine.upperBound < theirs.lowerBound)
        #expect(list[mine.upperBound..<theirs.lowerBound].contains(own) && list[theirs.upperBound...].contains(application), "\(list)")
        let json = try JSONSerialization.jsonObject(with: Data(try w.check(["list", "--json"], in: "city").stdout.utf8)) as! [[String: Any]]
        #expect(json.first { $0["id"] as? String == own }?["own"] as? Bool == true && json.first { $0["id"] as? String == application }?["own"] as? Bool == false)
        // A hospital's list is its own records alone, as before.
        #expect(!(try w.check(["list"], in: "hospital").stdout.contains("本单位的记录")))
    }

    /// Past the deadline of a call without quotas, a unit that reported nothing is late, not ✓.
    @Test func aUnitThatReportedNothingIsLateNotDone() throws {
        let w = try CLIWorld()
        try w.replica("province", org: "fj-province", role: "province")
        let text = try w.check(["completeness", "fujian-2026"], in: "province").stdout   // its deadline, 2026-01-30, has passed
        #expect(text.contains(say("deadline passed", "已过截止时间")))
        #expect(text.contains(say("✗ late  福州市卫生健康委员会", "✗ 逾期  福州市卫生健康委员会")) && !text.contains("✓"), "\(text)")
        let json = try JSONSerialization.jsonObject(with: Data(try w.check(["completeness", "fujian-2026", "--json"], in: "province").stdout.utf8)) as! [String: Any]
        let units = json["units"] as! [[String: Any]]
        #expect(units.allSatisfy { $0["quotaMet"] as? Bool == false && $0["late"] as? Bool == true })
    }
}
