/// What text may hold, at every door (the CLI, files, templates, sync, bundles): whatever a person
/// can type — any script, emoji, SQL, markup, formulas, tabs and line breaks — is stored verbatim
/// and made safe where it is shown (escaped in HTML, neutralised in spreadsheets). Characters no
/// one types are refused: NUL and the other control characters (they truncate C strings, forge
/// terminal and log output), and the bidirectional embedding, override and isolate controls, which
/// make a value display in another order than it is stored ("Trojan Source"). A line break is
/// LF: the CLI turns CRLF and CR into LF as it reads, and a CR that arrives otherwise is refused
/// (it returns a terminal's cursor, so a value could overwrite itself).
public enum TextRule {
    public struct Violation: Equatable, Sendable {
        public let scalar: Unicode.Scalar
        /// Which character (from 1) of the text it is.
        public let position: Int
        /// U+XXXX.
        public var code: String { "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) }
        public var isBidiControl: Bool { TextRule.isBidiControl(scalar) }

        /// What is wrong.
        public var problem: String {
            (isBidiControl ? Message.textBidi : Message.textControl).text(code, position)
        }

        /// What to do.
        public var remedy: String {
            (isBidiControl ? Message.textRemove : Message.textOnlyTabs).text()
        }

        public var explanation: String { problem + "; " + remedy }
    }

    /// The first character `text` may not hold, or nil.
    public static func violation(in text: String) -> Violation? {
        // Every change merged passes here: its bytes are scanned first, and only text holding a
        // byte that can begin a forbidden character is decoded.
        var text = text
        guard text.withUTF8(mayHoldForbidden) else { return nil }
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            if isForbidden(scalar) { return Violation(scalar: scalar, position: position) }
        }
        return nil
    }

    /// Whether UTF-8 `bytes` may hold a forbidden character: a byte below 0x20 but tab and LF,
    /// DEL, or the encodings of U+0080…U+009F (C2 80…9F) and U+202A…U+202E, U+2066…U+2069 (E2 80 AA…AE,
    /// E2 81 A6…A9). Valid UTF-8 is assumed: `String` holds nothing else.
    private static func mayHoldForbidden(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        // Eight bytes at a time, when none of them can begin one (the usual case).
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        while i + 8 <= n {
            let w = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
            let below20 = (w &- 0x20 &* ones) & ~w & highs != 0
            if !below20 && !hasZero(w ^ (0x7F &* ones)) && !hasZero(w ^ (0xC2 &* ones)) && !hasZero(w ^ (0xE2 &* ones)) {
                i += 8
                continue
            }
            if check(bytes, from: i, to: i + 8) { return true }
            i += 8
        }
        return check(bytes, from: i, to: n)
    }

    /// The precise test of ``mayHoldForbidden(_:)`` for the bytes starting in `from..<to`.
    private static func check(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        let n = bytes.count
        for i in from..<to {
            let byte = bytes[i]
            if byte < 0x20 {
                if byte != 0x09 && byte != 0x0A { return true }
            } else if byte == 0x7F {
                return true
            } else if byte == 0xC2 {
                if i + 1 < n && bytes[i + 1] <= 0x9F { return true }
            } else if byte == 0xE2, i + 2 < n {
                let (b1, b2) = (bytes[i + 1], bytes[i + 2])
                if (b1 == 0x80 && (0xAA...0xAE).contains(b2)) || (b1 == 0x81 && (0xA6...0xA9).contains(b2)) { return true }
            }
        }
        return false
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 { return v != 0x09 && v != 0x0A }
        return (0x7F...0x9F).contains(v) || isBidiControl(scalar)
    }

    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

import Messages