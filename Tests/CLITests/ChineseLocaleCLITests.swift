import Foundation
import Submissions
import Testing
import TestSupport

/// Under a Chinese locale the command line speaks Chinese, from the same catalogue.
@Suite struct ChineseLocaleCLITests {
    static let zh = ["LANG": "zh_CN.UTF-8"]

    @Test func messagesAreChineseUnderAChineseLocale() throws {
        let w = try CLIWorld()
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "fujian-2027", form: "application", count: 3, values: ProvinceWorkCLITests.application)
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")

        let dry = w.run("city", ["recommend", "--all", "--opinion", "同意推荐", "--dry-run"], environment: Self.zh)
        #expect(dry.status == 0 && dry.stdout.contains("试运行：3 条记录中有 3 条将被推荐。未写入任何内容。") && dry.stdout.contains("将推荐"), "\(dry.stdout)")
        let other = w.run("city", ["compile", "fujian-2027", "附件2", "--unit", "fj-xiamen"], environment: Self.zh)
        #expect(other.status == 64 && other.stderr.hasPrefix("错误：本副本只有 福州市卫生健康委员会 的记录，不能汇总 厦门市卫生健康委员会 的表"), "\(other.stderr)")
        let completeness = w.run("city", ["completeness", "fujian-2027"], environment: Self.zh)
        #expect(completeness.stdout.contains("fujian-2027：截止 2099-01-31，还剩") && completeness.stdout.contains("最远进度：已提交"), "\(completeness.stdout)")
        // A field's problem and a refusal of the permission check, in Chinese; the notice's labels as they are.
        let bad = w.run("hospital", ["new", "fujian-2027", "申请表", "--set", "项目负责人手机号码=123"], environment: Self.zh)
        #expect(bad.status == 65 && bad.stderr.contains("项目负责人手机号码 '123' 不是大陆手机号码 — 以 13–19 开头的 11 位数字"), "\(bad.stderr)")
        let list = try w.check(["list", "--json"], in: "city").stdout
        let id = try #require((try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let select = w.run("city", ["select", id], environment: Self.zh)
        #expect(select.status == 77 && select.stderr.contains("只有省卫健委能遴选入库；福州市卫生健康委员会 是 设区市卫健委"), "\(select.stderr)")
        let unknown = w.run("city", ["fields", "fujian-2027", "申请书"], environment: Self.zh)
        #expect(unknown.stderr.contains("（是否想输入 '申请表'？）"), "\(unknown.stderr)")
        // The same command in English under an English locale.
        let english = w.run("city", ["recommend", "--all", "--opinion", "同意推荐", "--dry-run"], environment: ["LANG": "C.UTF-8"])
        #expect(english.status == 0 && english.stdout.contains("Dry run: 3 of 3 records would be recommended"), "\(english.stdout)")
    }
}
