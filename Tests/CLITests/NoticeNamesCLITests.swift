import Foundation
import Testing
import TestSupport

/// The CLI takes the notices' own names wherever it takes a name, and answers a name it does not
/// know with the nearest one it does.
@Suite struct NoticeNamesCLITests {
    @Test func formsTablesCallsUnitsAndRolesByTheNoticesNames() throws {
        let w = try CLIWorld()
        // A unit by its name and a role in Chinese, at enrolment.
        let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", "福州市第一医院", "--role", "医院", "--json"]).stdout
        #expect(enrolled.contains("\"org\" : \"fz-first\"") && enrolled.contains("\"role\" : \"hospital\""), "\(enrolled)")
        let wrongRole = w.run(nil, ["hub", "enroll", "--db", w.hubDB, "--org", "福州市卫健委", "--role", "医院"])
        #expect(wrongRole.status != 0 && wrongRole.stderr.contains("福州市卫生健康委员会"), "the short name finds the commission: \(wrongRole.stderr)")
        let unknown = w.run(nil, ["hub", "enroll", "--db", w.hubDB, "--org", "福州市第一医阮", "--role", "医院"])
        #expect(unknown.status != 0 && unknown.stderr.contains(say("did you mean '福州市第一医院'?", "（是否想输入 '福州市第一医院'？）")), "\(unknown.stderr)")

        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        // A form by the notice's name.
        let fields = try w.check(["fields", "fujian-2027", "申请表"], in: "hospital").stdout
        #expect(fields.contains("项目负责人"))
        #expect(try w.check(["fields", "fujian-2027", "项目申请表"], in: "hospital").stdout == fields)
        let typo = w.run("hospital", ["fields", "fujian-2027", "申请书"])
        #expect(typo.status != 0 && typo.stderr.contains(say("did you mean '申请表'?", "（是否想输入 '申请表'？）")), "\(typo.stderr)")
        // A call by its 文号: one call has it, or several rounds share it and the round is asked for.
        #expect(try w.check(["fields", "皖卫函〔2023〕104号", "场景机会"], in: "hospital").stdout.contains("场景需求名称"))
        let shared = w.run("hospital", ["fields", "闽卫规划函〔2025〕1122号", "申请表"])
        #expect(shared.status != 0 && shared.stderr.contains(say("is the 文号 of several calls: fujian-2026, fujian-2027", "是多个征集共用的文号：fujian-2026, fujian-2027")), "\(shared.stderr)")
        let callTypo = w.run("hospital", ["fields", "fujian-2072", "申请表"])
        #expect(callTypo.status != 0 && callTypo.stderr.contains(say("did you mean 'fujian-2027'?", "（是否想输入 'fujian-2027'？）")) || callTypo.stderr.contains(say("did you mean 'fujian-2026'?", "（是否想输入 'fujian-2026'？）")), "\(callTypo.stderr)")

        let id = try w.check(["new", "fujian-2027", "申请表", "--set", "项目名称=县域影像", "--set", "项目简介=简介。"] + CLIWorkflowTests.application, in: "hospital")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["submit", id], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        #expect(try w.check(["list", "--call", "fujian-2027", "--form", "申请表"], in: "city").stdout.contains(id))
        try w.check(["recommend", "--all", "--call", "fujian-2027", "--form", "项目申请表", "--opinion", "同意推荐"], in: "city")
        // A table by the notice's name, a unit by its name (or the commission's short name).
        let table = try w.check(["compile", "fujian-2027", "推荐汇总表", "--unit", "福州市卫健委", "--format", "md"], in: "city").stdout
        #expect(table.contains("设区市卫健委（盖章）：福州市卫生健康委员会") && table.contains("县域影像"), "\(table)")
        let tableTypo = w.run("city", ["compile", "fujian-2027", "推荐汇总", "--format", "md"])
        #expect(tableTypo.status != 0 && tableTypo.stderr.contains(say("did you mean '推荐汇总表'?", "（是否想输入 '推荐汇总表'？）")), "a near name is suggested, never guessed: \(tableTypo.stderr)")
    }
}
