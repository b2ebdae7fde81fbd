import Foundation
import Submissions
import Testing
import TestSupport

/// 牵头人项目未完结前不得再次申报, tried as an applicant would try to get round it: another mobile
/// number, another hospital, the next round — and the way out, the province marking the project 完结.
@Suite struct LeaderRuleCLITests {
    static let leader = ["--set", "项目负责人=黄志强", "--set", "项目负责人手机号码=13905910001", "--set", "项目负责人电子邮箱=huangzq@fzsdyyy.cn"]

    static func draft(_ w: CLIWorld, _ replica: String, call: String = "fujian-2027", name: String, _ extra: [String] = []) throws -> String {
        try w.check(["new", call, "application", "--set", "项目名称=\(name)", "--set", "项目简介=简介。"] + CLIWorkflowTests.application + extra, in: replica)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A valid 统一社会信用代码 registered to nobody, for 厦门市第一医院 (which has none registered).
    static func freeCode() -> String {
        let body = "12350200MB0000000"
        return body + String(USCC.checkCharacter(for: body)!)
    }

    @Test func aLeaderLeadsOneUnfinishedProjectAcrossNumbersUnitsAndRounds() throws {
        let w = try CLIWorld()
        try Bulk.openRound(of: "fujian-2026", as: "fujian-2028").write(toFile: w.dir.file("fujian-2028.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "publish", "--db", w.hubDB, w.dir.file("fujian-2028.json")])
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("xiamen", org: "xm-first", role: "hospital")
        try w.replica("fuzhou", org: "fj-fuzhou", role: "city")
        try w.replica("province", org: "fj-province", role: "province")

        let first = try Self.draft(w, "hospital", name: "县域影像智能辅助诊断", Self.leader)
        try w.check(["submit", first], in: "hospital")
        try w.check(["sync"], in: "hospital")

        // Another mobile number, same name and e-mail: the same person.
        let second = try Self.draft(w, "hospital", name: "第二个项目", Self.leader + ["--set", "项目负责人手机号码=13905919999"])
        let local = w.run("hospital", ["submit", second])
        #expect(local.status == 65 && local.stderr.contains(say("黄志强 already leads「县域影像智能辅助诊断」(已提交), which is not finished (完结)", "黄志强 已牵头「县域影像智能辅助诊断」（已提交），该项目尚未完结"))
                && local.stderr.contains("牵头人项目未完结前不得再次申报"), "\(local.stderr)")

        // A namesake with other contacts is another person.
        let namesake = try Self.draft(w, "hospital", name: "同名不同人", ["--set", "项目负责人=黄志强", "--set", "项目负责人手机号码=13600000000",
                                                                    "--set", "项目负责人电子邮箱=hzq@other.cn"])
        try w.check(["submit", namesake], in: "hospital")

        // Another hospital: its replica cannot see 福州市第一医院's records; the hub can, and refuses by name of the rule.
        let elsewhere = try Self.draft(w, "xiamen", name: "换个医院再报", Self.leader + ["--set", "统一社会信用代码=\(Self.freeCode())",
                                                                              "--set", "项目负责人电子邮箱=HuangZQ@fzsdyyy.cn "])
        try w.check(["submit", elsewhere], in: "xiamen")
        let sync = w.run("xiamen", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains("leader_has_unfinished_project") && sync.stderr.contains("牵头人项目未完结前不得再次申报")
                && sync.stderr.contains(say("a project of another unit", "其他单位的一个项目")) && !sync.stderr.contains(first), "\(sync.stderr)")

        // The next round: refused while the 2027 project is unfinished, accepted once it is 完结.
        let nextRound = try Self.draft(w, "hospital", call: "fujian-2028", name: "下一轮项目", Self.leader)
        let early = w.run("hospital", ["submit", nextRound])
        #expect(early.status == 65 && early.stderr.contains(say("of fujian-2027", "（fujian-2027）")), "\(early.stderr)")
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "fuzhou")
        try w.check(["recommend", first, "--opinion", "同意推荐"], in: "fuzhou")
        try w.check(["sync"], in: "fuzhou")
        try w.check(["sync"], in: "province")
        let tooEarly = w.run("province", ["conclude", first])
        #expect(tooEarly.status == 77 && tooEarly.stderr.contains(say("only a selected project (入库) is marked 完结", "只有已入库的项目才能标记为完结")), "\(tooEarly.stderr)")
        try w.check(["select", first], in: "province")
        let cityTries = w.run("fuzhou", ["conclude", first])
        #expect(cityTries.status != 0)
        try w.check(["conclude", first, "--note", "2028年验收通过"], in: "province")
        #expect(try w.check(["show", first], in: "province").stdout.contains("完结: 已完结（2028年验收通过）"))
        #expect(w.run("province", ["conclude", first]).stderr.contains(say("was marked 完结 already", "已标记为完结")))
        try w.check(["sync"], in: "province")
        try w.check(["sync"], in: "hospital")
        try w.check(["submit", nextRound], in: "hospital")
        let accepted = w.run("hospital", ["sync"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }
}
