import Foundation
import Testing
import TestSupport

/// Anhui's applicants beyond the 医疗卫生机构: an enterprise applies straight to the province, and a
/// scenario provider and a solution provider apply jointly (联合申报) — one owns the record, both
/// see and edit it.
@Suite struct JointAndEnterpriseCLITests {
    static let opportunity: [String] = [
        "场景描述=描述。", "依托项目介绍=项目。", "拟投入资金=项目总投资500万元", "具体合作需求介绍=需求。", "希望合作方式=联合研发",
        "建设周期=2027年1月-2027年12月", "是否同意发布及发布有效期=同意 2027年1月-2028年12月", "项目联系人=王五 主任 13900000000",
    ].flatMap { ["--set", $0] }

    @Test func anEnterpriseAppliesStraightToTheProvinceAndJointRecordsAreSharedNotHandedOver() throws {
        let w = try CLIWorld()
        try Bulk.openRound(of: "anhui-2023", as: "anhui-2099").write(toFile: w.dir.file("anhui-2099.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "publish", "--db", w.hubDB, w.dir.file("anhui-2099.json")])
        try #"[{"code":"ent-keda","name":"科大智医有限公司","kind":"enterprise","provincial":false}]"#.write(toFile: w.dir.file("ent.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "orgs", "--db", w.hubDB, "--load", w.dir.file("ent.json")])
        try w.replica("enterprise", org: "ent-keda", role: "enterprise")
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("other", org: "xm-first", role: "hospital")
        try w.replica("province", org: "fj-province", role: "province")
        #expect(w.run(nil, ["hub", "enroll", "--db", w.hubDB, "--org", "ent-keda", "--role", "医院"]).status != 0, "an enterprise enrols as an enterprise")

        // The enterprise's own scenario reaches the province without a city.
        let own = try w.check(["new", "anhui-2099", "场景机会", "--set", "场景需求名称=企业直报场景"] + Self.opportunity, in: "enterprise").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["submit", own], in: "enterprise")
        try w.check(["sync"], in: "enterprise")
        try w.check(["sync"], in: "province")
        try w.check(["select", own], in: "province")
        let table = try w.check(["compile", "anhui-2099", "附件2", "--format", "md"], in: "province").stdout
        #expect(table.contains("企业直报场景"), "\(table)")
        // Fujian's 申请表 is for 医疗卫生机构, and the 联系人名单 for commissions and hospitals.
        let fujian = w.run("enterprise", ["new", "fujian-2027", "申请表"])
        #expect(fujian.status == 77 && fujian.stderr.contains(say("科大智医有限公司 is a 企业", "科大智医有限公司 是企业")) && !fujian.stderr.contains("设区市卫健委 reviews"), "\(fujian.stderr)")

        // A joint record: the hospital owns it, the enterprise sees and edits it, nobody else does.
        let joint = try w.check(["new", "anhui-2099", "场景能力", "--set", "产品/解决方案名称=联合方案", "--set", "产品/解决方案介绍=介绍。",
                                 "--set", "应用案例=案例。", "--set", "是否同意发布及发布有效期=同意 2027年1月-2028年12月", "--set", "是否愿意参加专题场景对接会=是",
                                 "--set", "是否愿意无偿提供相关产品参与场景能力展示及意向应用环境=否", "--set", "所属区域=合肥", "--set", "所属产业链=人工智能"], in: "hospital").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let city = w.run("hospital", ["joint", joint, "福州市卫健委"])
        #expect(city.status != 0 && city.stderr.contains(say("joint applicants are 医院、医疗卫生机构 or 企业", "联合申报单位须是医院、医疗卫生机构或企业")), "\(city.stderr)")
        try w.check(["joint", joint, "科大智医有限公司"], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "enterprise")
        try w.check(["sync"], in: "other")
        #expect(try w.check(["show", joint], in: "enterprise").stdout.contains("联合申报: ent-keda"))
        #expect(w.run("other", ["show", joint]).status == 66, "a third unit does not see it")
        try w.check(["edit", joint, "--set", "应用案例=合肥两家医院试用。"], in: "enterprise")
        let share = w.run("enterprise", ["joint", joint, "--clear"])
        #expect(share.status == 77 && share.stderr.contains(say("only 福州市第一医院, which owns the record, names the units", "只有该记录的所属单位 福州市第一医院 能指定联合申报单位")), "\(share.stderr)")
        let submit = w.run("enterprise", ["submit", joint])
        #expect(submit.status == 77 && submit.stderr.contains(say("only 福州市第一医院 submits its own records", "只有 福州市第一医院 能提交本单位的记录")), "\(submit.stderr)")
        try w.check(["sync"], in: "enterprise")
        try w.check(["sync"], in: "hospital")
        #expect(try w.check(["show", joint], in: "hospital").stdout.contains("应用案例: 合肥两家医院试用。"))
        // Once submitted, the partner's answers freeze with the owner's.
        try w.check(["submit", joint], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "enterprise")
        let late = w.run("enterprise", ["edit", joint, "--set", "应用案例=改一下"])
        #expect(late.status == 77 && late.stderr.contains("frozen_submission"), "\(late.stderr)")
    }
}
