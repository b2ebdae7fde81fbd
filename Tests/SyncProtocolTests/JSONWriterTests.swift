import Testing
import JSON
import TestSupport

/// A string literal is written byte for byte as `Sync/PROTOCOL.md` 1.6 fixes it: `"` and `\`
/// escaped, the control characters below U+0020 as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, every
/// other byte as it is. The writer skips runs of eight plain bytes at once; this holds it to the
/// rule one byte at a time, wherever the bytes to escape fall.
@Suite struct JSONWriterTests {
    /// The rule, one byte at a time.
    static func reference(_ text: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [0x22]
        for b in text.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case ..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        return out + [0x22]
    }

    @Test func everyStringIsWrittenAsTheRuleSaysWhereverItsSpecialBytesFall() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        // Mostly plain text, with the bytes to escape and multi-byte characters sprinkled in.
        let pieces: [String] = ["a", "Z", "0", " ", "项", "目", "😀", "é", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "/", "~"]
        for round in 0..<3_000 {
            let count = Int(random.next() % 40)
            let plainRun = Int(random.next() % 4)
            var text = ""
            for _ in 0..<count {
                // A run of plain bytes now and then, so escapes land at every offset of a word.
                if random.next() % 4 == 0 { text += String(repeating: "x", count: plainRun + Int(random.next() % 9)) }
                text += pieces[Int(random.next() % UInt64(pieces.count))]
            }
            var writer = JSONWriter(capacity: 16)
            writer.string(text)
            #expect(writer.bytes == Self.reference(text), "round \(round), seed \(seed) (replay with TIANBAO_SEED=\(seed)): \(text.debugDescription)")
            #expect(try JSONTree.parse(writer.bytes) == .string(text), "round \(round), seed \(seed)")
        }
    }
}
