import Foundation
import Testing
import TestSupport
@testable import Submissions

/// One record as the notice's printed document (`tianbao print`): golden files of both calls'
/// forms, and what an official checks on paper.
@Suite struct FormDocumentTests {
    static func document(_ workspace: Workspace, _ id: String) throws -> String {
        let submission = try workspace.submission(id)
        let (call, form) = try workspace.template(of: submission)
        return FormDocument.html(submission, form: form, call: call, unitName: try workspace.directory()[submission.unit]?.name ?? submission.unit)
    }

    @Test func bothCallsFormsMatchTheirGoldenDocuments() throws {
        let (fujian, _) = try SummaryTableTests.fujianWorld()
        let anhui = try SummaryTableTests.anhuiWorld()
        let update = ProcessInfoLite.environment("TIANBAO_UPDATE_GOLDEN") != nil
        let cases: [(String, Workspace, String)] = [
            ("fujian-2026-application-recommended.html", fujian["fj-province"], SummaryTableTests.id(2)),
            ("fujian-2026-application-provincial.html", fujian["fj-province"], SummaryTableTests.id(5)),
            ("anhui-2023-scenario-opportunity.html", anhui["ah-province"], SummaryTableTests.id(103)),
            ("anhui-2023-scenario-capability.html", anhui["ah-province"], SummaryTableTests.id(104)),
        ]
        for (name, workspace, id) in cases {
            let html = try Self.document(workspace, id)
            let url = SummaryTableTests.golden.appendingPathComponent(name)
            if update { try Data(html.utf8).write(to: url) }
            #expect((try? String(contentsOf: url, encoding: .utf8)) == html, "\(name) differs from its golden file; if intended, regenerate with TIANBAO_UPDATE_GOLDEN=1")
        }
    }

    @Test func theFujianApplicationPrintsAsTheNoticeLaysItOut() throws {
        let (world, _) = try SummaryTableTests.fujianWorld()
        let html = try Self.document(world["fj-province"], SummaryTableTests.id(2))
        // Sections in the notice's order, with the long texts' guidance in their headings.
        let headings = ["附件1", "一、基本信息", "备注：1. 其他方向应紧扣医疗卫生服务；", "二、项目简介（包括智能应用场景具体描述", "三、项目推进计划（包括研究与开发计划",
                        "四、牵头单位和主管部门意见", "申报意见", "审核意见", "（申请表一式三份，单位、设区市卫健委、省卫健委各一份，省属单位只需两份）"]
        var at = html.startIndex
        for heading in headings {
            let found = try #require(html.range(of: heading, range: at..<html.endIndex), "\(heading) missing or out of order")
            at = found.upperBound
        }
        // The six statements in full, the seals, the dates.
        for statement in ["申请表中所填写的内容真实、合法、有效。", "同意和支持项目负责人牵头该项研究与开发。", "牵头单位（公章）：", "主管部门（公章）："] {
            #expect(html.contains(statement), "\(statement)")
        }
        // Contacts share a row, as on the form; every direction is printed, the chosen ones ticked.
        #expect(html.contains("<tr><th>单位联系人</th><td class=\"short\">") && html.contains("<th class=\"sub\">手机号码</th>") && html.contains("<th class=\"sub\">电子邮箱</th>"))
        #expect(html.contains("☑基层能力提升方向") && html.contains("☑高水平诊疗能力方向") && html.contains("☐卫生便民服务方向") && html.contains("☐其他方向"))
        // The city's recommendation is the supervising department's 审核意见, dated in the call's offset.
        #expect(html.contains("同意推荐：同意推荐。"))
        #expect(html.firstMatch(of: /日期：2026年1月1\d日/) != nil)
        // A value is text, never markup.
        #expect(!html.contains("<script"))
    }

    /// Anhui's 附件1 prints as a unit's whole contact list: 分管领导 and 业务处室负责人 first, and a role
    /// no record holds as an empty row to fill in by hand.
    @Test func anhuisContactListPrintsAsTheUnitsWholeList() throws {
        let anhui = try SummaryTableTests.anhuiWorld()
        let workspace = anhui["ah-province"]
        let update = ProcessInfoLite.environment("TIANBAO_UPDATE_GOLDEN") != nil
        for unit in ["ah-hefei", "ah-slyy"] {
            let records = try workspace.submissions(call: "anhui-2023", form: "contacts").filter { $0.unit == unit }
            let (call, form) = try workspace.template(of: records[0])
            let html = ListDocument.html(records, form: form, call: call, unitName: try workspace.directory()[unit]?.name ?? unit)
            let url = SummaryTableTests.golden.appendingPathComponent("anhui-2023-contacts-\(unit).html")
            if update { try Data(html.utf8).write(to: url) }
            #expect((try? String(contentsOf: url, encoding: .utf8)) == html, "\(url.lastPathComponent) differs from its golden file; if intended, regenerate with TIANBAO_UPDATE_GOLDEN=1")
            let rows = html.components(separatedBy: "<tr><td class=\"n\">").dropFirst().map { $0 }
            #expect(rows.count >= 2)
            #expect(rows[0].contains("分管领导") && rows[1].contains("业务处室负责人"), "the roles' rows come first")
        }
        // 省立医院 named no 分管领导: its row is printed empty, with the role, to fill in by hand.
        let slyy = try workspace.submissions(call: "anhui-2023", form: "contacts").filter { $0.unit == "ah-slyy" }
        let (call, form) = try workspace.template(of: slyy[0])
        let html = ListDocument.html(slyy, form: form, call: call, unitName: "安徽省立医院")
        #expect(html.contains("<tr><td class=\"n\">1</td><td></td><td></td><td></td><td>分管领导</td></tr>"))
        #expect(html.contains("报送单位：安徽省立医院") && html.contains("<div class=\"attachment\">附件1</div>"))
    }

    @Test func aDayIsTheCallsCalendarDay() {
        // 2026-01-12 23:30 in UTC is already the 13th in UTC+8.
        let ms = SimpleDate("2026-01-12")!.endOfDayMilliseconds(utcOffsetHours: 0) - 30 * 60_000
        #expect(SimpleDate(dayOf: ms, utcOffsetHours: 8) == SimpleDate("2026-01-13"))
        #expect(SimpleDate(dayOf: ms, utcOffsetHours: 0) == SimpleDate("2026-01-12"))
        #expect(SimpleDate(dayOf: SimpleDate("2024-02-29")!.endOfDayMilliseconds(utcOffsetHours: 8), utcOffsetHours: 8) == SimpleDate("2024-02-29"))
    }
}
