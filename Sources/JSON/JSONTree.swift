/// A strict JSON parser (RFC 8259) into a light tree: the sync path's requests and replies are
/// read with it because `JSONDecoder` cost more than merging the changes they carry.
public enum JSONTree: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's text, exactly as written, so integers are read without going through Double.
    case number(String)
    case string(String)
    case array([JSONTree])
    /// Members in document order; looked up by a linear scan, cheaper than hashing for the
    /// dozen keys a change has. A repeated key: the last one wins, as in `JSONDecoder`.
    case object([(String, JSONTree)])

    public static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses a whole document; trailing bytes other than white space are an error.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONTree {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw ParseError(offset: parser.index, reason: "unexpected text after the JSON value") }
        return value
    }

    public subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members.last { $0.0 == key }?.1 }
        return nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        func fail(_ reason: String) -> ParseError { ParseError(offset: index, reason: reason) }

        mutating func value(depth: Int) throws(ParseError) -> JSONTree {
            guard depth < 64 else { throw fail("nested too deeply") }
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of the document") }
            switch bytes[index] {
            case 0x7B: return try object(depth: depth)
            case 0x5B: return try array(depth: depth)
            case 0x22: return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), 0x30...0x39: return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(ParseError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw fail("unexpected end of the document") }
            let matches = word.withUTF8Buffer { Array(bytes[index..<(index + count)]) == Array($0) }
            guard matches else { throw fail("unexpected character") }
            index += count
        }

        mutating func object(depth: Int) throws(ParseError) -> JSONTree {
            index += 1
            var members: [(String, JSONTree)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(members) }
            // Room for a change's members at once (a page has thousands): one allocation, not four.
            members.reserveCapacity(8)
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22 else { throw fail("expected a member name") }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3A else { throw fail("expected ':'") }
                index += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end of the document") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x7D { index += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(ParseError) -> JSONTree {
            index += 1
            var items: [JSONTree] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end of the document") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x5D { index += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func number() throws(ParseError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw fail("malformed number") }
            if bytes[index] == 0x30 { index += 1 } else { while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 } }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw fail("malformed number") }
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw fail("malformed number") }
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(ParseError) -> String {
            index += 1
            let start = index
            // The common case: no escapes, copied in one go (validated as UTF-8).
            index = bytes.withUnsafeBufferPointer { PlainRun.end($0, from: start) }
            if index < bytes.count, bytes[index] == 0x22 {
                let end = index
                guard let text = bytes.withUnsafeBufferPointer({ UTF8Text.string(UnsafeBufferPointer(rebasing: $0[start..<end])) }) else {
                    throw fail("a string is not valid UTF-8")
                }
                index += 1
                return text
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                switch b {
                case 0x22:
                    guard let text = UTF8Text.string(out) else { throw fail("a string is not valid UTF-8") }
                    return text
                case 0x5C:
                    guard index < bytes.count else { throw fail("unexpected end of the document") }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case 0x22, 0x5C, 0x2F: out.append(e)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        var unit = try hex4()
                        var scalar = UInt32(unit)
                        if (0xD800...0xDBFF).contains(unit) {
                            guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                            index += 2
                            unit = try hex4()
                            guard (0xDC00...0xDFFF).contains(unit) else { throw fail("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(unit) {
                            throw fail("unpaired surrogate")
                        }
                        guard let s = Unicode.Scalar(scalar) else { throw fail("invalid escape") }
                        out.append(contentsOf: Array(String(s).utf8))
                    default: throw fail("invalid escape")
                    }
                case 0x00..<0x20: throw fail("a control character inside a string")
                default: out.append(b)
                }
            }
            throw fail("unexpected end of the document")
        }

        mutating func hex4() throws(ParseError) -> UInt16 {
            guard index + 4 <= bytes.count else { throw fail("unexpected end of the document") }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                index += 1
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | UInt16(d)
            }
            return value
        }
    }
}
