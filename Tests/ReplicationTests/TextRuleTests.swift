import Replication
import Testing

/// The boundaries of what text may hold (the doors are tested where they are: the CLI, the hub,
/// bundles, templates).
@Suite struct TextRuleTests {
    @Test(arguments: [0x00, 0x08, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0x202A, 0x202C, 0x202E, 0x2066, 0x2069] as [UInt32])
    func refused(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let violation = TextRule.violation(in: "项目" + String(Character(scalar)) + "名称")
        #expect(violation?.scalar == scalar)
        #expect(violation?.position == 3)
        #expect(violation?.code == "U+" + String(value, radix: 16, uppercase: true).leftPad)
    }

    @Test(arguments: [0x09, 0x0A, 0x20, 0x7E, 0xA0, 0x200B, 0x200E, 0x2028, 0x2065, 0x206A, 0x1F600, 0xFFFD] as [UInt32])
    func stored(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(TextRule.violation(in: "项目" + String(Character(scalar)) + "名称") == nil)
    }
}

private extension String {
    var leftPad: String { String(repeating: "0", count: max(0, 4 - count)) + self }
}
