import Foundation
import Testing
import TestSupport

/// The notices' rules that leaked, each tried through the CLI as an official would.
@Suite struct NoticeRulesCLITests {
    static let application = CLIWorkflowTests.application

    static func draft(_ w: CLIWorld, _ extra: [String] = [], in replica: String = "hospital") throws -> String {
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=县域影像智能辅助诊断", "--set", "项目简介=县域影像。",
                     "--set", "统一社会信用代码=91350100M000100Y43"] + application + extra, in: replica)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// 申报意见 is the applicant confirming the six statements: 否 does not submit.
    @Test func aDeclarationOfNoDoesNotSubmit() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try Self.draft(w, ["--set", "申报意见=否"])
        let validate = w.run("hospital", ["validate", id])
        #expect(validate.status == 65)
        #expect(validate.stdout.contains("申报意见 is 否") && validate.stdout.contains("牵头单位确认以上六项声明方可申报"), "\(validate.stdout)")
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
        #expect(late.status == 65 && late.stdout.contains("日期 is 2099-12-31, after today"), "\(late.stdout)")
        let early = try Self.draft(w, ["--set", "日期=2026-10-01"])
        let before = w.run("hospital", ["validate", early])
        #expect(before.status == 65 && before.stdout.contains("before the call was issued (2026-11-01)"), "\(before.stdout)")
    }

    /// 培育周期 is not a field of the notice's form: a record without it submits; given, the
    /// 2028-12 rule applies.
    @Test func theCultivationPeriodIsOptionalAndBoundedWhenGiven() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try Self.draft(w)
        try w.check(["edit", id, "--set", "培育周期="], in: "hospital")
        #expect(w.run("hospital", ["validate", id]).stdout == "Ready to submit: every rule holds.\n")
        try w.check(["edit", id, "--set", "培育周期=2027年1月-2029年6月"], in: "hospital")
        #expect(w.run("hospital", ["validate", id]).stdout.contains("no later than 2028年12月"))
    }

    /// Applicants are 医疗卫生机构: a 设区市卫健委 files no 申请表 of its own.
    @Test func aCityCommissionFilesNoApplication() throws {
        let w = try CLIWorld()
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let refused = w.run("city", ["new", "fujian-2027", "application", "--set", "项目名称=市里的项目"])
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("设区市卫健委") && refused.stderr.contains("is filed by 医院、医疗卫生机构"), "\(refused.stderr)")
    }
}
