import Foundation
import JSON
import Testing
import Replication
@testable import Submissions

@Suite struct CallTemplateTests {
    func labels(_ call: String, _ form: String) -> [String] {
        CallCatalog(CallCatalog.builtIn)[call]!.form(form)!.fields.map(\.label)
    }

    @Test func bothBuiltInCallsLoadWithTheNoticesDetails() {
        let catalog = CallCatalog(CallCatalog.builtIn)
        #expect(catalog.all.map(\.id) == ["anhui-2023", "fujian-2026"])
        let anhui = catalog["anhui-2023"]!
        #expect(anhui.documentNumber == "皖卫函〔2023〕104号")
        #expect(anhui.title == "关于启动智慧医疗场景创新工作的通知")
        #expect(anhui.issued == "2023-04-01")
        #expect(anhui.deadline == "2023-04-15")
        #expect(anhui.expectedUnits.quotas.map(\.atLeast) == [2, 1, 1])  // 附件1: 分管领导 and 业务处室负责人; one of each kind
        let fujian = catalog["fujian-2026"]!
        #expect(fujian.documentNumber == "闽卫规划函〔2025〕1122号")
        #expect(fujian.authority == "福建省卫生健康委员会")
        #expect(fujian.deadline == "2026-01-30")
        for template in catalog.all { #expect(template.problems().isEmpty) }
    }

    /// The shipped templates are decoded without a file's checks (every command reads them):
    /// they must pass every one, and decode to the same template either way.
    @Test func theShippedTemplatesPassEveryCheckOfATemplateFile() throws {
        let files = CallCatalog.builtInFiles
        #expect(files.count == 2)
        for data in files {
            let checked = try CallTemplate.decode(data)
            #expect(CallCatalog.builtIn.contains(checked), "\(checked.id) decodes differently without the checks")
            // The tree reader, on its own (the catalogue would fall back to `Codable`): every
            // member the templates use, read to the same value.
            let tree = try CallTemplate(tree: JSONTree.parse(Array(data)))
            #expect(tree == checked, "\(checked.id) reads differently from its tree")
        }
    }

    @Test func theTreeReaderRefusesAMemberOfTheWrongTypeAndNamesIt() throws {
        let data = try #require(CallCatalog.builtInFiles.first)
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"required\": true", with: "\"required\": \"yes\"")
        #expect(throws: CallTemplate.TreeError.self) { try CallTemplate(tree: JSONTree.parse(Array(text.utf8))) }
        do { _ = try CallTemplate(tree: JSONTree.parse(Array(text.utf8))) } catch let error as CallTemplate.TreeError {
            #expect(error.path.hasSuffix(".required"), "\(error.path)")
            #expect(error.path.contains(".fields["), "\(error.path)")
        }
    }

    @Test func anhuiFormsCarryTheNoticesLabels() {
        #expect(labels("anhui-2023", "contacts") == ["姓名", "单位及职务", "联系方式（办公电话、手机号）", "备注"])
        #expect(labels("anhui-2023", "scenario-opportunity").prefix(12) == [
            "场景需求名称", "场景描述", "依托项目介绍", "拟投入资金", "具体合作需求介绍", "希望对接技术/企业",
            "希望合作方式", "建设周期", "场景类别", "是否同意发布及发布有效期", "所属单位", "项目联系人"])
        #expect(labels("anhui-2023", "scenario-capability").prefix(10) == [
            "场景类别", "场景方向", "产品/解决方案名称", "产品/解决方案介绍", "应用案例", "是否同意发布及发布有效期",
            "是否愿意参加专题场景对接会", "是否愿意无偿提供相关产品参与场景能力展示及意向应用环境", "所属区域", "所属产业链"])
        let catalog = CallCatalog(CallCatalog.builtIn)
        #expect(catalog["anhui-2023"]!.tables.map(\.title) == [
            "智慧医疗场景创新工作联系人名单", "安徽省智慧医疗需求倒逼（场景机会）清单", "安徽省智慧医疗应用示范（场景能力）清单"])
        #expect(catalog["anhui-2023"]!.table("附件2")!.header.map(\.label) == ["报送单位", "联系人", "联系方式"])
        #expect(catalog["anhui-2023"]!.form("scenario-opportunity")!.field("希望合作方式")!.options
            == ["直接购买", "联合研发", "提供免费试用环境", "其他（请注明）"])
    }

    @Test func fujianApplicationAndSummaryCarryTheNoticesLabels() {
        let form = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!.form("application")!
        #expect(form.title == "福建省“人工智能+医疗卫生”应用场景研发项目申请表")
        #expect(Array(form.fields.map(\.label).prefix(13)) == [
            "申报单位", "医院等级（医院填报）", "统一社会信用代码", "单位简介", "单位联系人", "手机号码", "电子邮箱",
            "项目负责人", "手机号码", "电子邮箱", "团队简介", "项目名称", "应用场景方向"])
        #expect(form.field("应用场景方向")!.options == ["卫生便民服务方向", "基层能力提升方向", "高水平诊疗能力方向", "临床科学研究方向",
                                                 "疾病预防控制方向", "卫生行业治理方向", "健康产业促进方向", "其他方向"])
        #expect(form.field("研发进展")!.options == ["创意谋划阶段", "内部立项阶段", "初步研发阶段", "场景初试阶段", "扩大试点阶段"])
        #expect(form.field("单位简介")!.maxLength == 200)
        #expect(form.field("团队简介")!.maxLength == 200)
        // The repeated labels are told apart by their row.
        #expect(form.field("手机号码") == nil)
        #expect(form.ambiguity("手机号码").count == 2)
        #expect(form.field("项目负责人手机号码")?.key == "leader_mobile")
        #expect(form.field("单位联系人电子邮箱")?.key == "unit_contact_email")
        let table = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!.table("附件2")!
        #expect(table.title == "福建省“人工智能+医疗卫生”应用场景研发项目推荐汇总表")
        #expect(table.header.map(\.label) == ["设区市卫健委（盖章）"])
        #expect(table.columns.map(\.label) == ["序号", "项目申报单位", "项目名称", "应用领域"])
        #expect(table.footer.map(\.label) == ["设区市卫健委联系人", "联系电话"])
    }

    static let thirdCall = """
    {"id": "zhejiang-2027", "version": 1, "title": "关于征集数字健康应用案例的通知", "authority": "浙江省卫生健康委员会",
     "documentNumber": "浙卫函〔2027〕1号", "issued": "2027-03-01", "deadline": "2027-03-31", "utcOffsetHours": 8,
     "expectedUnits": {"cities": true, "provincial": false, "quotas": [{"form": "case", "atLeast": 2}]},
     "forms": [{"id": "case", "attachment": "附件1", "title": "数字健康应用案例申报表", "fields": [
        {"key": "case_name", "label": "案例名称", "type": "text", "required": true, "maxLength": 50},
        {"key": "contact_mobile", "label": "联系人手机", "type": "mobile", "required": true},
        {"key": "budget", "label": "投入资金（万元）", "type": "money", "required": false}]}],
     "tables": [{"id": "附件2", "title": "数字健康应用案例汇总表", "form": "case",
        "header": [{"label": "填报单位", "source": "unit.name"}],
        "columns": [{"label": "序号", "source": "#"}, {"label": "案例名称", "source": "field:case_name"}, {"label": "投入资金（万元）", "source": "field:budget"}],
        "footer": []}],
     "rules": []}
    """

    @Test func aThirdCallIsAFileNotCode() throws {
        let template = try CallTemplate.decode(Data(Self.thirdCall.utf8))
        let zhejiang = [
            Organization(code: "zj-province", name: "浙江省卫生健康委员会", kind: .province),
            Organization(code: "zj-hangzhou", name: "杭州市卫生健康委员会", kind: .city),
        ]
        let world = try World(zhejiang, start: "2027-03-10")
        let city = Workspace(store: world["zj-hangzhou"].store, actor: world["zj-hangzhou"].actor, extraTemplates: [template])
        let id = try city.create(call: "zhejiang-2027", form: "case", values: [("案例名称", "城市大脑健康码"), ("联系人手机", "13900139000"), ("投入资金（万元）", "80")])
        try city.submit(id)
        let table = try city.compile(call: "zhejiang-2027", table: "附件2", unit: "zj-hangzhou")
        #expect(table.rows == [["1", "城市大脑健康码", "80"]])
        let report = try city.completeness(call: "zhejiang-2027")
        #expect(report.units.map(\.code) == ["zj-hangzhou"])
        #expect(report.units[0].forms[0].reported == 1)
        #expect(!report.units[0].quotaMet)  // the quota is two
    }

    @Test func aBrokenTemplateIsRefusedWithItsProblems() {
        let broken = Self.thirdCall.replacingOccurrences(of: "\"field:budget\"", with: "\"field:nope\"")
            .replacingOccurrences(of: "\"2027-03-31\"", with: "\"31/03/2027\"")
        #expect { try CallTemplate.decode(Data(broken.utf8)) } throws: { error in
            let text = (error as? DomainError)?.description ?? ""
            return text.contains("unknown field nope") && text.contains("deadline '31/03/2027'")
        }
        #expect { try CallTemplate.decode(Data("{\"id\": 5}".utf8)) } throws: { ($0 as? DomainError)?.description.contains("not a call template") == true }
    }

    /// A key no build reads is refused with where it is, not ignored: a misspelt "requierd" would
    /// otherwise publish a form whose field is silently optional.
    @Test func aTemplatesUnknownKeyIsRefusedWithWhereItIs() {
        let misspelt = Self.thirdCall.replacingOccurrences(of: "\"maxLength\": 50", with: "\"maxLenght\": 50")
        #expect(misspelt != Self.thirdCall)
        #expect { try CallTemplate.decode(Data(misspelt.utf8)) } throws: { error in
            let text = (error as? DomainError)?.description ?? ""
            return text.contains("'maxLenght' at forms[0].fields[0]") && text.contains("did you mean 'maxLength'?")
        }
        let grouped = Self.thirdCall.replacingOccurrences(of: "\"title\": \"数字健康应用案例汇总表\",", with: "\"title\": \"数字健康应用案例汇总表\", \"groupBy\": \"unit\",")
        #expect(grouped != Self.thirdCall)
        #expect { try CallTemplate.decode(Data(grouped.utf8)) } throws: { ($0 as? DomainError)?.description.contains("'groupBy' at tables[0]") == true }
        #expect((try? CallTemplate.decode(Data(Self.thirdCall.utf8))) != nil)
    }

    @Test func theProvincePublishesACallThroughSync() throws {
        let world = try World(World.fujian(), start: "2026-01-10")
        var template = try CallTemplate.decode(Data(Self.thirdCall.utf8))
        template.id = "fujian-2027"
        template.expectedUnits.provincial = true
        try world["fj-province"].publish(template)
        #expect(throws: DomainError.self) { try world["fj-fuzhou"].call("fujian-2027") }
        try world.sync()
        #expect(try world["fz-first"].call("fujian-2027").title == "关于征集数字健康应用案例的通知")
        // A newer version replaces the older one everywhere, and records name the version they were made under.
        let id = try world["fz-first"].create(call: "fujian-2027", form: "case", values: [("案例名称", "v1 案例")])
        template.version = 2
        template.title = "关于征集数字健康应用案例的通知（修订）"
        try world["fj-province"].publish(template)
        try world.sync()
        #expect(try world["fz-first"].call("fujian-2027").version == 2)
        #expect(try world["fz-first"].submission(id).templateVersion == 1)
        let later = try world["fz-first"].create(call: "fujian-2027", form: "case")
        #expect(try world["fz-first"].submission(later).templateVersion == 2)
        // Only the province publishes.
        #expect(throws: DomainError.refused(code: "province_only", reason: "only the province publishes calls and manages organisations")) {
            try world["fj-fuzhou"].publish(template)
        }
    }
}
