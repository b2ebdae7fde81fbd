/// JSON written by hand, byte for byte as `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes it: hashes (table contents, revisions) are computed over it,
/// and the encoder was most of a table compile's time.
///
/// Only ASCII bytes are ever escaped, so the work is done on UTF-8 bytes.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4_096) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A JSON string literal.
    mutating func string(_ text: String) {
        bytes.append(0x22)
        for b in text.utf8 {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    mutating func array(_ items: [String]) {
        bytes.append(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            string(item)
        }
        bytes.append(0x5D)
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var json = CanonicalJSON()
        json.string(text)
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
