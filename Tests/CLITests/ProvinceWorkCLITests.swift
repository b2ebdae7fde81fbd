import Foundation
import Replication
import Submissions
import Testing
import TestSupport

/// The province's own work, through the CLI: steps on many records at once with a dry run, the
/// selection against the notice's targets, the library as a table, and tables headed honestly.
@Suite struct ProvinceWorkCLITests {
    static func statuses(_ w: CLIWorld, _ replica: String, call: String) throws -> [String: String] {
        let rows = try JSONSerialization.jsonObject(with: Data(try w.check(["list", "--call", call, "--json"], in: replica).stdout.utf8)) as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["status"] as! String) })
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    /// Fujian 申请表 answers for record i: each project has its own leader.
    static func application(_ i: Int) -> [(String, String)] {
        [("项目名称", "项目\(i)"), ("单位简介", "三级甲等综合医院。"), ("单位联系人", "陈丽"), ("单位联系人手机号码", "13905910002"),
         ("单位联系人电子邮箱", "chenli@fzsdyyy.cn"), ("项目负责人", "负责人\(i)"), ("项目负责人手机号码", String(13_800_000_000 + i)),
         ("项目负责人电子邮箱", "leader\(i)@fzsdyyy.cn"), ("团队简介", "影像科。"), ("应用场景方向", "基层能力提升方向"),
         ("研发进展", "内部立项阶段"), ("项目简介", "简介。"), ("项目推进计划", "计划。"), ("申报意见", "是"), ("日期", "2026-11-20")]
    }

    /// A city recommends 120 submissions in one command, after a dry run that wrote nothing; a
    /// list with one record it may not take writes nothing at all; the province selects from a
    /// file of ids (the output of 'tianbao list').
    @Test func aCityRecommendsAHundredAndTwentyRecordsInOneCommand() throws {
        let w = try CLIWorld()
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try w.replica("province", org: "fj-province", role: "province")
        let ids = try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "fujian-2027", form: "application", count: 120, values: Self.application)
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")

        let dry = try Self.json(try w.check(["recommend", "--all", "--opinion", "同意推荐", "--dry-run", "--json"], in: "city").stdout)
        let planned = dry["records"] as! [[String: Any]]
        #expect(planned.count == 120 && dry["written"] as? Bool == false && dry["dryRun"] as? Bool == true)
        #expect(Set(planned.map { $0["id"] as! String }) == Set(ids))
        #expect(try Self.statuses(w, "city", call: "fujian-2027").values.allSatisfy { $0 == "submitted" }, "a dry run writes nothing")
        let dryText = try w.check(["recommend", "--all", "--opinion", "同意推荐", "--dry-run"], in: "city").stdout
        #expect(dryText.contains(say("Dry run: 120 of 120 records would be recommended", "试运行：120 条记录中有 120 条将被推荐")) && dryText.contains(say("would recommend", "将推荐") + "  \(ids[0])  福州市第一医院"), "\(dryText)")

        // One id the city may not take (a record of no unit of its, here: not on this replica) refuses them all.
        let bogus = RecordID.make(wallMilliseconds: 1_800_000_000_000)
        let mixed = w.run("city", ["recommend", ids[0], ids[1], bogus, "--opinion", "同意推荐"])
        #expect(mixed.status == 65 && mixed.stderr.contains("✗ \(bogus)") && mixed.stderr.contains(say("1 of 3 records may not be recommended; nothing was written", "3 条记录中有 1 条不能推荐；未写入任何内容")), "\(mixed.stderr)")
        #expect(try Self.statuses(w, "city", call: "fujian-2027")[ids[0]] == "submitted")

        let real = w.run("city", ["recommend", "--all", "--opinion", "同意推荐"])
        #expect(real.status == 0 && real.stdout.isEmpty && real.stderr.isEmpty, "quiet off a terminal: \(real.stderr)")
        #expect(try Self.statuses(w, "city", call: "fujian-2027").values.allSatisfy { $0 == "recommended" })
        try w.check(["sync"], in: "city")
        #expect(try w.check(["recommend", "--all", "--opinion", "同意推荐"], in: "city").stdout.isEmpty, "nothing left to recommend")

        // The province picks twelve, from a file as 'tianbao list' prints it (headings skipped).
        try w.check(["sync"], in: "province")
        let listed = try w.check(["list", "--call", "fujian-2027", "--status", "recommended"], in: "province").stdout
        let picks = listed.split(separator: "\n").filter { line in ids.prefix(12).contains { line.hasPrefix($0) } }.joined(separator: "\n")
        try ("所辖单位报送的记录\n" + picks + "\n").write(toFile: w.dir.file("picks.txt"), atomically: true, encoding: .utf8)
        let cityTries = w.run("city", ["select", "--ids-from", w.dir.file("picks.txt")])
        #expect(cityTries.status == 65 && cityTries.stderr.contains(say("12 of 12 records may not be selected", "12 条记录中有 12 条不能入库")), "only the province selects: \(cityTries.stderr)")
        let selected = try Self.json(try w.check(["select", "--ids-from", w.dir.file("picks.txt"), "--json"], in: "province").stdout)
        #expect((selected["records"] as! [[String: Any]]).count == 12 && selected["written"] as? Bool == true)
        let progress = (selected["selection"] as! [String: Any])["forms"] as! [[String: Any]]
        #expect(progress.first?["selected"] as? Int == 12 && progress.first?["state"] as? String == "met", "Fujian: 10个以上, no warning past it")
        try w.check(["sync"], in: "province")
        let hubStatuses = try JSONSerialization.jsonObject(with: Data(try w.check(["list", "--call", "fujian-2027", "--json", "--status", "selected"], in: "province").stdout.utf8)) as! [[String: Any]]
        #expect(Set(hubStatuses.map { $0["id"] as! String }) == Set(ids.prefix(12)))
        let library = try w.check(["library", "fujian-2027"], in: "province").stdout
        #expect(library.contains("✓  附件1 福建省“人工智能+医疗卫生”应用场景研发项目申请表  12/≥10") && library.contains("依据：2026年起，每年遴选10个以上"), "\(library)")
    }

    /// Anhui picks 10 场景机会: an 11th is warned about, not refused; a scenario its unit did not
    /// agree to publish is refused by the province's replica and by the hub; the library compiles
    /// as the province's table of the selected records.
    @Test func theSelectionIsHeldToTheNoticesTargetsAndConsent() throws {
        let w = try CLIWorld()
        try Bulk.openRound(of: "anhui-2023", as: "anhui-2099").write(toFile: w.dir.file("anhui-2099.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "publish", "--db", w.hubDB, w.dir.file("anhui-2099.json")])
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let province = try w.replica("province", org: "fj-province", role: "province")
        let ids = try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "anhui-2099", form: "scenario-opportunity", count: 13) { i in
            [("场景需求名称", "场景\(i)"), ("场景描述", "描述。"), ("依托项目介绍", "项目。"), ("拟投入资金", "项目总投资500万元"),
             ("具体合作需求介绍", "需求。"), ("希望合作方式", "联合研发"), ("建设周期", "2027年1月-2027年12月"),
             ("是否同意发布及发布有效期", i == 12 ? "不同意" : "同意 2027年1月-2028年12月"), ("项目联系人", "王五 主任 13900000000")]
        }
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        try w.check(["recommend", "--all", "--call", "anhui-2099", "--form", "附件2", "--opinion", "同意推荐"], in: "city")
        try w.check(["sync"], in: "city")
        try w.check(["sync"], in: "province")

        // Anhui's 附件1 (the contact list) is tracked with the scenario lists.
        let completeness = try w.check(["completeness", "anhui-2099"], in: "province").stdout
        #expect(completeness.contains("福州市卫生健康委员会 (fj-fuzhou)  附件1 0/2  附件2 13/1  附件3 0/1"), "\(completeness)")
        let dry = w.run("province", ["select", "--all", "--call", "anhui-2099", "--form", "场景机遇", "--dry-run"])
        #expect(dry.status != 0 && dry.stderr.contains(say("did you mean '场景机会'?", "（是否想输入 '场景机会'？）")), "an unknown form name is told: \(dry.stderr)")
        let all = w.run("province", ["select", "--all", "--call", "anhui-2099", "--form", "附件2", "--dry-run"])
        #expect(all.status == 65 && all.stdout.contains("✗ \(ids[12])") && all.stdout.contains("不同意发布") && all.stdout.contains(say("12 of 13 records would be selected", "13 条记录中有 12 条将被入库")), "\(all.stdout)")
        let refused = w.run("province", ["select", ids[12]])
        #expect(refused.status == 77 && refused.stderr.contains(say("是否同意发布及发布有效期: 不同意发布", "是否同意发布及发布有效期 为：不同意发布")) && refused.stderr.contains("publish_not_agreed"), "\(refused.stderr)")

        let ten = w.run("province", ["select"] + Array(ids.prefix(10)))
        #expect(ten.status == 0 && ten.stderr.isEmpty, "\(ten.stderr)")
        let eleventh = w.run("province", ["select", ids[10]])
        #expect(eleventh.status == 0 && eleventh.stderr.contains(say("Warning: 11 安徽省智慧医疗需求倒逼（场景机会）清单 are selected (入库); the notice picks 10", "提醒：已入库 11 个安徽省智慧医疗需求倒逼（场景机会）清单；通知遴选 10 个")), "\(eleventh.stderr)")
        let progress = try Self.json(try w.check(["library", "anhui-2099", "--json"], in: "province").stdout)
        let forms = progress["forms"] as! [[String: Any]]
        #expect(forms.map { $0["selected"] as! Int } == [11, 0] && forms.map { $0["state"] as! String } == ["over", "below"])

        let table = try w.check(["compile", "anhui-2099", "附件2", "--library", "--format", "md"], in: "province").stdout
        #expect(table.contains("全省重点领域应用场景备选发布清单库：安徽省智慧医疗需求倒逼（场景机会）清单"), "\(table)")
        #expect(table.contains("汇总单位：福建省卫生健康委员会") && !table.contains("报送单位"), "the province's own header: \(table)")
        #expect((0..<11).allSatisfy { table.contains("| 场景\($0) |") } && !table.contains("| 场景11 |") && !table.contains("| 场景12 |"))
        try w.check(["sync"], in: "province")

        // A selection of the refused scenario written around the CLI is refused by the hub, by name.
        let store = try ReplicaStore(path: province + "/replica.sqlite", configuration: .init(collections: Workspace.Collection.all))
        let record = try #require(try store.record(ids[12]))
        let entry = WorkflowEntry(action: .select, revision: try #require(Submission(record)).revision, by: "fj-province")
        try store.commit([.set(collection: "submissions", record: ids[12], field: WorkflowField.decision, value: entry.stored)], author: "attacker")
        store.close()
        let sync = w.run("province", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains("publish_not_agreed"), "\(sync.stderr)")
    }

    /// The province-wide 附件2 is the province's own table; a city compiles its own by default and
    /// no other; a 省属 institution does not compile Fujian's 附件2 at all.
    @Test func tablesAreHeadedByWhoCompilesThem() throws {
        let w = try CLIWorld()
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try w.replica("province", org: "fj-province", role: "province")
        try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "fujian-2027", form: "application", count: 2, values: Self.application)
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        try w.check(["recommend", "--all", "--opinion", "同意推荐"], in: "city")
        try w.check(["sync"], in: "city")
        try w.check(["sync"], in: "province")

        // Completeness shows each hospital under its city.
        let completeness = try w.check(["completeness", "fujian-2027"], in: "province").stdout
        #expect(completeness.contains(say("福州市第一医院 (fz-first)  附件1 2  furthest: recommended", "福州市第一医院 (fz-first)  附件1 2  最远进度：已推荐")) && completeness.contains(say("厦门市第一医院 (xm-first)  nothing submitted", "厦门市第一医院 (xm-first)  尚未报送")), "\(completeness)")
        let own = try w.check(["compile", "fujian-2027", "附件2", "--format", "md"], in: "city").stdout
        #expect(own.contains("设区市卫健委（盖章）：福州市卫生健康委员会") && own.contains("项目0") && own.contains("设区市卫健委联系人：林晓"), "\(own)")
        let other = w.run("city", ["compile", "fujian-2027", "附件2", "--unit", "fj-xiamen"])
        #expect(other.status == 64 && other.stderr.contains(say("cannot compile 厦门市卫生健康委员会's table", "不能汇总 厦门市卫生健康委员会 的表")), "\(other.stderr)")

        let provinceWide = try w.check(["compile", "fujian-2027", "附件2", "--format", "md"], in: "province").stdout
        #expect(provinceWide.contains("汇总单位：福建省卫生健康委员会") && provinceWide.contains("联系人：薛鹏") && provinceWide.contains("推荐汇总表（全省汇总）") && provinceWide.contains("项目1"), "\(provinceWide)")
        #expect(!provinceWide.contains("设区市卫健委") && !provinceWide.contains("省属医疗卫生机构无需填写该表"), "\(provinceWide)")
        let hub = try w.check(["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--format", "md"]).stdout
        #expect(hub == provinceWide, "the hub and the province's replica print the same province-wide table")

        try #"[{"code":"fj-slyy","name":"福建省立医院","kind":"hospital","provincial":true}]"#.write(toFile: w.dir.file("more.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "orgs", "--db", w.hubDB, "--load", w.dir.file("more.json")])
        let provincial = w.run(nil, ["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-slyy"])
        #expect(provincial.status == 64 && provincial.stderr.contains(say("does not compile 附件2", "不填写 附件2")) && provincial.stderr.contains("省属医疗卫生机构无需填写该表"), "\(provincial.stderr)")
    }

    /// A table filtered and grouped by the national guide's scenarios and categories, the cut
    /// written on it; the hub prints the same bytes.
    @Test func tablesAreFilteredAndGroupedByTheGuide() throws {
        let w = try CLIWorld()
        let hospital = try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let tags = ["1", "40、1", "", "60"]
        try Bulk.submitted(in: hospital, org: "fz-first", role: .hospital, call: "fujian-2027", form: "application", count: 4) { i in
            Self.application(i) + (tags[i].isEmpty ? [] : [("参考指引场景", tags[i])])
        }
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        try w.check(["recommend", "--all", "--opinion", "同意推荐"], in: "city")
        try w.check(["sync"], in: "city")

        let one = try w.check(["compile", "fujian-2027", "附件2", "--guide", "1", "--format", "md"], in: "city").stdout
        #expect(one.contains("筛选：参考指引场景 1") && one.contains("| 项目0 |") && one.contains("| 项目1 |") && !one.contains("| 项目2 |") && !one.contains("| 项目3 |"), "\(one)")
        let category = try w.check(["compile", "fujian-2027", "附件2", "--guide-category", "养老托育服务", "--format", "md"], in: "city").stdout
        #expect(category.contains("筛选：参考指引场景类别 养老托育服务") && category.contains("| 1 | 福州市第一医院 | 项目3 |"), "\(category)")
        let wrong = w.run("city", ["compile", "fujian-2027", "附件2", "--guide-category", "养老服务"])
        #expect(wrong.status != 0 && wrong.stderr.contains(say("did you mean '养老托育服务'?", "（是否想输入 '养老托育服务'？）")), "\(wrong.stderr)")
        #expect(w.run("city", ["compile", "fujian-2027", "附件2", "--guide", "85"]).status == 64)

        let grouped = try w.check(["compile", "fujian-2027", "附件2", "--group-by", "category", "--format", "csv"], in: "city").stdout
        let lines = grouped.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.first == "序号,参考指引场景类别,项目申报单位,项目名称,应用领域", "\(grouped)")
        #expect(lines.dropFirst().map { $0.split(separator: ",")[3] } == ["项目0", "项目1", "项目3", "项目2"], "医疗服务 first, untagged last: \(grouped)")
        #expect(lines[2].contains("医疗服务、健康管理服务") && lines[4].contains("（未标注）"), "\(grouped)")
        let hub = try w.check(["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--group-by", "category", "--format", "csv"]).stdout
        #expect(hub == grouped)
    }
}
