/// JSON written as bytes, escaped exactly as `JSONEncoder` escapes (with `/` left alone), so the
/// same bytes serve wire messages and the canonical forms that hashes are computed over.
///
/// Only ASCII bytes are ever escaped, so the work is done on UTF-8 bytes.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4_096) { bytes.reserveCapacity(capacity) }

    /// Literal JSON text (punctuation, keys already quoted).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text already in JSON form (a number's digits).
    public mutating func rawText(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string literal. Runs of bytes that need no escape are copied in one go.
    public mutating func string(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var i = 0
            while true {
                let end = PlainRun.end(utf8, from: i)
                if i < end { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[i..<end])) }
                guard end < utf8.count else { break }
                escape(utf8[end])
                i = end + 1
            }
        }
        bytes.append(0x22)
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case 0x22: bytes.append(0x5C); bytes.append(0x22)
        case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
        default:
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0x0F)]])
        }
    }

    /// A string literal of the 16 hex digits of each of `words`, high first (ids written as hex).
    public mutating func hexString(_ words: UInt64...) {
        bytes.append(0x22)
        for word in words {
            for shift in stride(from: 60, through: 0, by: -4) { bytes.append(Self.hex[Int((word >> UInt64(shift)) & 0xF)]) }
        }
        bytes.append(0x22)
    }

    /// An array of strings.
    public mutating func array(_ items: [String]) {
        bytes.append(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            string(item)
        }
        bytes.append(0x5D)
    }

    /// A decimal integer, written without building a String. Concrete, not generic: a generic
    /// across modules runs unspecialised, through witness tables, and this is written per change.
    public mutating func number(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        number(value.magnitude)
    }

    public mutating func number(_ value: Int) { number(Int64(value)) }

    public mutating func number(_ value: UInt64) {
        if value < 10 { bytes.append(0x30 + UInt8(value)); return }
        // At most 20 digits, written backwards into a fixed buffer, then copied in one go.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { digits in
            var v = value
            var i = digits.count
            while v > 0 {
                i -= 1
                digits[i] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[i...]))
        }
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
