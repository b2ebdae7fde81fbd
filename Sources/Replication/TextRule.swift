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
            isBidiControl
                ? "contains \(code), a direction control that makes text display in another order than it is stored, at character \(position)"
                : "contains \(code), a control character, at character \(position)"
        }

        /// What to do.
        public var remedy: String {
            isBidiControl ? "remove it" : "only tabs and line breaks (LF) are allowed; remove it (it may have come with pasted text)"
        }

        public var explanation: String { problem + "; " + remedy }
    }

    /// The first character `text` may not hold, or nil.
    public static func violation(in text: String) -> Violation? {
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            if isForbidden(scalar) { return Violation(scalar: scalar, position: position) }
        }
        return nil
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
