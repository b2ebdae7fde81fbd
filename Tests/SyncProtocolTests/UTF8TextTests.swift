import Testing
import JSON
import TestSupport

/// Our UTF-8 check accepts and refuses exactly what the standard library's does.
@Suite struct UTF8TextTests {
    @Test(arguments: [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xE4, 0xB8], [0x61, 0xE4],
    ] as [[UInt8]])
    func malformedSequencesAreRefused(_ bytes: [UInt8]) {
        #expect(UTF8Text.string(bytes) == nil)
    }

    @Test func wellFormedTextReadsBack() {
        for text in ["", "ascii", "项目名称", "😀 emoji", "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}", "福州市第一医院 信息科", "\u{FFFD} is U+FFFD itself", String(repeating: "长文本", count: 40)] {
            #expect(UTF8Text.string(Array(text.utf8)) == text)
        }
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        // Bytes near the boundaries of the encoding, where a checker goes wrong.
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...8, using: &rng)).map { _ in interesting.randomElement(using: &rng)! }
            #expect(UTF8Text.string(bytes) == String(validating: bytes, as: UTF8.self), "seed \(seed), bytes \(bytes)")
        }
    }
}
