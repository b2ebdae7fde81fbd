import Testing
import Replication
import TestSupport
@testable import Submissions

@Suite struct FieldCodecTests {
    func spec(_ type: FieldType, max: Int? = nil, options: [String]? = nil, other: String? = nil) -> FieldSpec {
        FieldSpec(key: "k", label: "测试字段", group: nil, type: type, required: true, maxLength: max, options: options,
                  otherOption: other, prefill: nil, section: nil, hint: nil)
    }

    /// Parses `input`; returns the stored text (or elements joined by |), or the issue's text.
    func read(_ input: String, _ spec: FieldSpec) -> String {
        switch FieldCodec.parse(input, for: spec) {
        case .success(.value(let v)): return v.text ?? v.description
        case .success(.elements(let e)): return e.map(\.description).joined(separator: "|")
        case .failure(let issue): return "ERROR: \(issue)"
        }
    }

    @Test(arguments: [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91110000100011743x", "91110000100011743X"),  // lower case is accepted and upper-cased
        ("91350100M000100Y44", "ERROR: 测试字段 has a wrong check character (expected '3')"),
        ("91350100M000100Y4", "ERROR: 测试字段 has 17 characters; it must have 18"),
        ("91350100M0001O0Y43", "ERROR: 测试字段 contains 'O'"),
    ])
    func uscc(_ input: String, _ expected: String) {
        #expect(read(input, spec(.uscc)).hasPrefix(expected))
    }

    @Test func usccCheckCharacterIsComputedForEveryBody() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let body = String((0..<17).map { _ in USCC.alphabet[Int(rng.next() % 31)] })
            let check = USCC.checkCharacter(for: body)!
            #expect(USCC.problem(body + String(check)) == nil)
            let wrong = USCC.alphabet.first { $0 != check }!
            #expect(USCC.problem(body + String(wrong))?.contains("check character") == true)
        }
    }

    @Test func chineseCharactersCountOneEach() {
        let field = spec(.text, max: 200)
        #expect(!read(String(repeating: "院", count: 200), field).hasPrefix("ERROR"))
        #expect(read(String(repeating: "院", count: 201), field) == "ERROR: 测试字段 has 201 characters — at most 200 characters (a Chinese character counts one)")
        #expect(read("第一行\n第二行", field).hasPrefix("ERROR: 测试字段 has a line break"))
        #expect(!read(String(repeating: "院", count: 5000), spec(.longText)).hasPrefix("ERROR"))
        #expect(read(String(repeating: "院", count: 5001), spec(.longText)).hasPrefix("ERROR: 测试字段 has 5001 characters"))
    }

    @Test(arguments: [
        ("2023年5月-2024年12月", "2023-05/2024-12"),
        ("2023-05/2024-12", "2023-05/2024-12"),
        ("2023.05-2024.12", "2023-05/2024-12"),
        ("2023-05-2024-12", "2023-05/2024-12"),
        ("2026年1月至2028年12月", "2026-01/2028-12"),
        ("23年5月-24年6月", "2023-05/2024-06"),
        ("2024年12月-2023年5月", "ERROR: 测试字段 ends 2023年05月, not after it starts (2024年12月)"),
        ("2024-05/2024-05", "ERROR: 测试字段 ends 2024年05月"),
        ("2023年13月-2024年1月", "ERROR: 测试字段 '2023年13月-2024年1月' is not a period"),
        ("明年", "ERROR"),
    ])
    func periods(_ input: String, _ expected: String) {
        let got = read(input, spec(.period))
        #expect(got.hasPrefix(expected), "\(got)")
    }

    @Test(arguments: [
        ("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"), ("19912345678", "19912345678"),
        ("12800138000", "ERROR"), ("1380013800", "ERROR"), ("138001380001", "ERROR"), ("0591-87832310", "ERROR"),
    ])
    func mobiles(_ input: String, _ expected: String) {
        #expect(read(input, spec(.mobile)).hasPrefix(expected))
    }

    @Test(arguments: [
        ("0591-87832310", "0591-87832310"), ("0591—87832310", "0591-87832310"), ("010-12345678", "010-12345678"),
        ("059187832310", "0591-87832310"), ("(0551)62998888", "0551-62998888"), ("0591-87832310-801", "0591-87832310-801"),
        ("87832310", "ERROR"), ("0591-0783231", "ERROR"), ("1591-87832310", "ERROR"),
    ])
    func landlines(_ input: String, _ expected: String) {
        #expect(read(input, spec(.landline)).hasPrefix(expected))
    }

    @Test func phoneLists() {
        #expect(read("0551-62998888、13800138000", spec(.phones)) == "0551-62998888、13800138000")
        #expect(read("0551-62998888，138 0013 8000", spec(.phones)) == "0551-62998888、13800138000")
        #expect(read("0551-62998888、电话", spec(.phones)).hasPrefix("ERROR: 测试字段 '电话' is not a phone number"))
    }

    @Test(arguments: [
        ("xuepeng@fjwjw.gov.cn", true), ("a.b+c@hospital.cn", true), ("ahwstkjc@163.com", true),
        ("no-at-sign.cn", false), ("a@b", false), ("a@@b.cn", false), ("a b@c.cn", false), ("a@-b.cn", false), ("a@b.1", false),
    ])
    func emails(_ input: String, _ valid: Bool) {
        #expect(read(input, spec(.email)).hasPrefix("ERROR") == !valid)
    }

    @Test(arguments: [
        ("120", "120"), ("35.5", "35.5"), ("0035.50", "35.5"), ("0", "0"), ("12.3456", "12.3456"),
        ("12.34567", "ERROR"), ("-5", "ERROR"), ("1,000", "ERROR"), ("一百", "ERROR"), ("1e3", "ERROR"),
    ])
    func money(_ input: String, _ expected: String) {
        #expect(read(input, spec(.money)).hasPrefix(expected))
    }

    @Test(arguments: [("2026-01-15", true), ("2024-02-29", true), ("2023-02-29", false), ("2026-13-01", false), ("2026-1-5", false)])
    func dates(_ input: String, _ valid: Bool) {
        #expect(read(input, spec(.date)).hasPrefix("ERROR") == !valid)
    }

    @Test func yesNo() {
        #expect(read("是", spec(.yesNo)) == "是")
        #expect(read("no", spec(.yesNo)) == "否")
        #expect(read("也许", spec(.yesNo)) == "ERROR: 测试字段 is '也许' — 是 or 否")
    }

    @Test func choicesAndOther() {
        let modes = spec(.multiChoice, options: ["直接购买", "联合研发", "提供免费试用环境", "其他（请注明）"], other: "其他（请注明）")
        #expect(read("联合研发、直接购买", modes) == "联合研发|直接购买")
        #expect(read("联合研发；其他（请注明）：技术咨询", modes) == "联合研发|其他（请注明）：技术咨询")
        #expect(read("其他（请注明）", modes).hasPrefix("ERROR: 测试字段 says 其他（请注明） without saying what"))
        #expect(read("租赁", modes).hasPrefix("ERROR: 测试字段 '租赁' is not one of the choices — 直接购买 / 联合研发 / 提供免费试用环境 (or 其他（请注明）：<what>)"))
        let stage = spec(.choice, options: ["创意谋划阶段", "内部立项阶段"])
        #expect(read("内部立项阶段", stage) == "内部立项阶段")
        #expect(read("已完成", stage).hasPrefix("ERROR"))
    }

    @Test func guideScenarios() {
        #expect(read("1、8、84", spec(.guideScenarios)) == "1|8|84")
        #expect(read("85", spec(.guideScenarios)).hasPrefix("ERROR: 测试字段 '85' is not a scenario of the national guide"))
        #expect(GuideCatalog.national.scenarios.count == 84)
        #expect(GuideCatalog.national.scenario(1)?.name == "医学影像智能辅助诊断")
    }

    @Test func publishConsent() {
        let field = spec(.publishConsent)
        #expect(read("不同意", field) == "不同意")
        #expect(read("同意发布；需求有效期为2023年05月-2024年12月", field) == "同意|2023-05/2024-12")
        #expect(read("同意 2023-05/2024-12", field) == "同意|2023-05/2024-12")
        #expect(FieldCodec.display(.text("同意|2023-05/2024-12"), field) == "同意发布；有效期为2023年05月-2024年12月")
        #expect(read("同意", field).hasPrefix("ERROR"))
    }

    @Test func storedValuesFromElsewhereAreChecked() {
        #expect(FieldCodec.check(.int(5), spec(.text)) != nil)
        #expect(FieldCodec.check(.text("2023-13/2024-01"), spec(.period)) != nil)
        #expect(FieldCodec.check(.text("138 0013 8000"), spec(.mobile)) != nil)  // not normalised
        #expect(FieldCodec.check(.null, spec(.mobile)) == nil)
    }
}
