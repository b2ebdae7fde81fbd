import Replication
import Testing
import TestSupport

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

extension TextRuleTests {
    /// Long text is scanned eight bytes at a time: a forbidden character is found at every offset
    /// and beside every character that shares its first byte (“”, U+0080…U+00FF, U+2000…U+207F).
    @Test func foundAtEveryOffsetOfLongText() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        let neighbours: [UInt32] = [0x201C, 0x201D, 0x2029, 0x202F, 0x2065, 0x206A, 0xA0, 0xC0, 0x3001, 0x9879, 0x61, 0x09, 0x0A, 0x1F600]
        let forbidden: [UInt32] = [0x00, 0x0D, 0x1F, 0x7F, 0x80, 0x9F, 0x202A, 0x202E, 0x2066, 0x2069]
        for _ in 0..<2_000 {
            let length = Int(random.next() % 40)
            var scalars = (0..<length).map { _ in Unicode.Scalar(neighbours[Int(random.next() % UInt64(neighbours.count))])! }
            #expect(TextRule.violation(in: String(String.UnicodeScalarView(scalars))) == nil, "seed \(seed) — replay with TIANBAO_SEED=\(seed)")
            let at = Int(random.next() % UInt64(length + 1))
            let bad = Unicode.Scalar(forbidden[Int(random.next() % UInt64(forbidden.count))])!
            scalars.insert(bad, at: at)
            let found = TextRule.violation(in: String(String.UnicodeScalarView(scalars)))
            #expect(found?.scalar == bad && found?.position == at + 1, "seed \(seed) — replay with TIANBAO_SEED=\(seed): \(scalars.map { String($0.value, radix: 16) })")
        }
    }
}

private extension String {
    var leftPad: String { String(repeating: "0", count: max(0, 4 - count)) + self }
}
