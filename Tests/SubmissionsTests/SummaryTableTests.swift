import Foundation
import GzipCodec
import Testing
import Replication
import TestSupport
@testable import Submissions

/// Golden files of every table in every format, and byte-identical output across replicas.
///
/// Regenerate the golden files after an intended change with
/// `TIANBAO_UPDATE_GOLDEN=1 swift test --filter SummaryTableTests`, and review the diff.
@Suite struct SummaryTableTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// A recommended record revised the only way it may be: the city returns it, the hospital edits
    /// and resubmits, the city recommends the new revision.
    static func revise(_ world: World, _ id: String, _ values: [(String, String)]) throws {
        try world["fj-fuzhou"].returnForRevision(id, reason: "请修订")
        try world.sync()
        world.clock.advance(by: 1_000)
        try world["fz-first"].edit(id, values: values)
        try world["fz-first"].submit(id)
        try world.sync()
        world.clock.advance(by: 1_000)
        try world["fj-fuzhou"].recommend(id, opinion: "同意")
        try world.sync()
    }

    static func id(_ n: Int) -> String { "01900000-0000-7000-8000-\(String(repeating: "0", count: 12 - String(n).count))\(n)" }

    /// Fujian: two cities' hospitals and a provincial hospital, with one record returned.
    /// Returns the world and the city's offline table compiled before the final sync.
    static func fujianWorld() throws -> (World, CompiledTable) {
        let world = try World(World.fujian(), start: "2026-01-12")
        func apply(_ code: String, _ n: Int, _ project: String, leader: String, mobile: String, directions: String,
                   extra: [(String, String)] = []) throws {
            try world[code].create(call: "fujian-2026", form: "application",
                                   values: SampleForms.fujianApplication(project: project, leader: leader, mobile: mobile, directions: directions) + extra,
                                   id: id(n))
            world.clock.advance(by: 60_000)
            try world[code].submit(id(n))
            world.clock.advance(by: 60_000)
        }
        try apply("fz-second", 1, "基层慢病管理智能体", leader: "林涛", mobile: "13905910011", directions: "基层能力提升方向")
        try apply("fz-first", 2, "县域影像智能辅助诊断", leader: "黄志强", mobile: "13905910001", directions: "基层能力提升方向、高水平诊疗能力方向")
        try apply("fz-first", 3, "门诊病历智能质控", leader: "张敏", mobile: "13905910021", directions: "卫生行业治理方向")
        try apply("xm-first", 4, "心电AI辅助判读", leader: "郑海", mobile: "13905920003", directions: "高水平诊疗能力方向")
        try apply("fj-slyy", 5, "“智慧病房”护理智能体, 一期", leader: "吴静", mobile: "13905900005", directions: "卫生便民服务方向、其他方向",
                  extra: [("其他方向说明", "面向住院患者护理服务，属医疗卫生服务范畴。")])
        try world.sync()
        try world["fj-fuzhou"].recommend(id(2), opinion: "同意推荐。")
        try world["fj-fuzhou"].recommend(id(1), opinion: "同意推荐，建议与县域医共体平台对接。")
        try world["fj-fuzhou"].returnForRevision(id(3), reason: "请补充数据来源说明。")
        try world["fj-xiamen"].recommend(id(4), opinion: "同意推荐")
        let offline = try world["fj-fuzhou"].compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou")
        try world.sync()
        return (world, offline)
    }

    static func anhuiWorld() throws -> World {
        let world = try World(World.anhui(), start: "2023-04-10")
        var n = 100
        func add(_ code: String, _ form: String, _ values: [(String, String)], submit: Bool = true) throws -> String {
            n += 1
            let record = try world[code].create(call: "anhui-2023", form: form, values: values, id: id(n))
            world.clock.advance(by: 30_000)
            if submit { try world[code].submit(record) }
            world.clock.advance(by: 30_000)
            return record
        }
        _ = try add("ah-hefei", "contacts", [("姓名", "刘洋"), ("单位及职务", "合肥市卫生健康委员会 副主任"), ("联系方式（办公电话、手机号）", "0551-63536601、13805510011"), ("备注", "分管领导")])
        _ = try add("ah-hefei", "contacts", [("姓名", "王芳"), ("单位及职务", "合肥市卫生健康委员会规划信息处 处长"), ("联系方式（办公电话、手机号）", "0551-63536666、13805510001"), ("备注", "业务处室负责人")])
        var opportunity = SampleForms.anhuiOpportunity(name: "智能分诊与检查预约统筹")
        opportunity[1] = ("场景描述", "分两期建设：\n一期 \"智能分诊\", 二期 检查预约统筹。")
        _ = try add("ah-hefei", "scenario-opportunity", opportunity)
        let capability = try add("hf-second", "scenario-capability", SampleForms.anhuiCapability(name: "肺结节影像辅助诊断系统"))
        _ = try add("ah-slyy", "contacts", [("姓名", "赵敏"), ("单位及职务", "安徽省立医院信息中心 主任"), ("联系方式（办公电话、手机号）", "0551-62283114、13805510021"), ("备注", "业务处室负责人")])
        _ = try add("ah-slyy", "scenario-opportunity", SampleForms.anhuiOpportunity(name: "手术室智能排程"))
        _ = try add("ah-slyy", "scenario-capability", SampleForms.anhuiCapability(name: "智能预问诊系统"))
        _ = try add("ah-slyy", "scenario-capability", SampleForms.anhuiCapability(name: "未提交的草稿"), submit: false)
        try world.sync()
        try world["ah-hefei"].recommend(capability, opinion: "同意推荐")
        try world.sync()
        return world
    }

    static let cases: [(call: String, table: String, unit: String?)] = [
        ("anhui-2023", "附件1", "ah-hefei"), ("anhui-2023", "附件1", nil),
        ("anhui-2023", "附件2", "ah-hefei"), ("anhui-2023", "附件2", nil),
        ("anhui-2023", "附件3", "ah-hefei"), ("anhui-2023", "附件3", nil),
        ("fujian-2026", "附件2", "fj-fuzhou"), ("fujian-2026", "附件2", nil),
    ]

    @Test func everyTableInEveryFormatMatchesItsGoldenFile() throws {
        let anhui = try Self.anhuiWorld()
        let (fujian, _) = try Self.fujianWorld()
        let update = ProcessInfoLite.environment("TIANBAO_UPDATE_GOLDEN") != nil
        for (call, table, unit) in Self.cases {
            let workspace = call == "anhui-2023" ? anhui["ah-province"] : fujian["fj-province"]
            let compiled = try workspace.compile(call: call, table: table, unit: unit)
            for format in TableFormat.allCases {
                let name = "\(call)-\(table == "附件1" ? "t1" : table == "附件2" ? "t2" : "t3")-\(unit ?? "province").\(format.rawValue)"
                var files = [(name, format.render(compiled))]
                if format == .xlsx {
                    // The workbook is compared as the XML inside it, where a change can be read.
                    let parts = try ZipArchive.read(files[0].1)
                    #expect(parts.map(\.path) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"])
                    files = parts.filter { $0.path.hasSuffix("workbook.xml") || $0.path.hasSuffix("sheet1.xml") }
                        .map { ("\(name).\(URL(fileURLWithPath: $0.path).lastPathComponent)", $0.bytes) }
                }
                for (file, bytes) in files {
                    let url = Self.golden.appendingPathComponent(file)
                    if update { try Data(bytes).write(to: url) }
                    let expected = try? Data(contentsOf: url)
                    #expect(expected.map(Array.init) == bytes, "\(file) differs from its golden file; if intended, regenerate with TIANBAO_UPDATE_GOLDEN=1")
                }
            }
        }
    }

    @Test func tablesListWhatTheNoticesAskFor() throws {
        let (world, _) = try Self.fujianWorld()
        let city = try world["fj-province"].compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou")
        // Only what Fuzhou recommended, never the returned one, never a provincial hospital; 序号 from 1.
        #expect(city.rows == [
            ["1", "福州市第二医院", "基层慢病管理智能体", "基层能力提升方向"],
            ["2", "福州市第一医院", "县域影像智能辅助诊断", "基层能力提升方向、高水平诊疗能力方向"],
        ])
        #expect(city.header.map(\.value) == ["福州市卫生健康委员会"])
        #expect(city.footer.map(\.value) == ["林晓", "0591-87111111"])
        let province = try world["fj-province"].compile(call: "fujian-2026", table: "附件2")
        #expect(province.rows.map { $0[2] } == ["基层慢病管理智能体", "县域影像智能辅助诊断", "“智慧病房”护理智能体, 一期", "心电AI辅助判读"])
        #expect(province.rows.map(\.first!) == ["1", "2", "3", "4"])
        #expect { try world["fj-province"].compile(call: "fujian-2026", table: "附件2", unit: "fz-first") } throws: {
            ($0 as? DomainError)?.description.contains("reports through 福州市卫生健康委员会") == true
        }
    }

    /// The CSV is for scripts: the column labels, then one row per record, every row as wide as
    /// the labels, quoted where a cell holds a comma, a quote or a line break; no byte-order mark.
    @Test func csvIsAFlatTableForScripts() throws {
        let world = try Self.anhuiWorld()
        let table = try world["ah-province"].compile(call: "anhui-2023", table: "附件2", unit: "ah-hefei")
        let bytes = TableFormat.csv.render(table)
        #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("序号,场景需求名称,场景描述,依托项目介绍,拟投入资金,具体合作需求介绍,希望对接技术/企业,希望合作方式,建设周期,场景类别,是否同意发布及发布有效期,所属单位,项目联系人\r\n"))
        #expect(text.contains("\"分两期建设：\n一期 \"\"智能分诊\"\", 二期 检查预约统筹。\""))
        let rows = CSVInjectionTests.parseCSV(bytes)
        #expect(rows.count == table.rows.count + 1)
        #expect(rows.allSatisfy { $0.count == table.columns.count })
        #expect(Array(rows.dropFirst()) == table.rows)
        #expect(!text.contains("SHA-256") && !text.contains(table.title))
    }

    @Test func replicasWithTheSameChangesCompileTheSameBytes() throws {
        let (world, _) = try Self.fujianWorld()
        let hub = world["fj-province"]
        // A replica that received the same changes shuffled into random batches.
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = world.clock.reading
        let observer = Workspace(store: try ReplicaStore(path: ":memory:", configuration: configuration),
                                 actor: Actor(org: "fj-province", role: .province))
        var all: [Change] = []
        try hub.store.changes(missingFrom: VersionVector()) { all += $0 }
        all.shuffle(using: &rng)
        while !all.isEmpty {
            let size = Int.random(in: 1...25, using: &rng)
            try observer.store.apply(Array(all.prefix(size)))
            all.removeFirst(min(size, all.count))
        }
        #expect(observer.store.versionVector() == hub.store.versionVector(), "seed \(seed)")
        for (call, table, unit) in Self.cases where call == "fujian-2026" {
            let a = try hub.compile(call: call, table: table, unit: unit)
            let b = try observer.compile(call: call, table: table, unit: unit)
            #expect(a.sha256 == b.sha256, "seed \(seed)")
            for format in TableFormat.allCases { #expect(format.render(a) == format.render(b), "\(format) seed \(seed)") }
        }
    }

    @Test func theCitysOfflineTableCarriesTheHashTheHubRecomputes() throws {
        let (world, offline) = try Self.fujianWorld()
        let recomputed = try world["fj-province"].compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou")
        #expect(offline.sha256 == recomputed.sha256)
        #expect(offline.rows == recomputed.rows)
        #expect(offline.versionVector != recomputed.versionVector)   // the hub holds more, of other units
        // Any change to what the table shows changes the hash.
        try Self.revise(world, Self.id(2), [("项目名称", "县域影像智能辅助诊断（修订）")])
        #expect(try world["fj-province"].compile(call: "fujian-2026", table: "附件2", unit: "fj-fuzhou").sha256 != offline.sha256)
    }
}
