/// Reads a flat JSON object whose values are strings (or null), as workflow entries are stored:
/// a strict little parser, because decoding each entry with `JSONDecoder` dominated table compiles.
enum FlatJSON {
    /// The object's members, or `nil` when `text` is not such an object.
    static func parse(_ text: String) -> [String: String]? {
        var bytes = Array(text.utf8)[...]
        func skipSpace() { while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() } }
        func expect(_ c: UInt8) -> Bool {
            skipSpace()
            guard bytes.first == c else { return false }
            bytes.removeFirst()
            return true
        }
        func string() -> String? {
            guard expect(0x22) else { return nil }
            var out: [UInt8] = []
            while let b = bytes.popFirst() {
                switch b {
                case 0x22: return String(validating: out, as: UTF8.self)
                case 0x5C:
                    guard let e = bytes.popFirst() else { return nil }
                    switch e {
                    case 0x22, 0x5C, 0x2F: out.append(e)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard let unit = hex4() else { return nil }
                        var scalarValue = UInt32(unit)
                        if (0xD800...0xDBFF).contains(unit) {
                            guard bytes.popFirst() == 0x5C, bytes.popFirst() == UInt8(ascii: "u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                            scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: return nil
                    }
                case 0x00...0x1F: return nil
                default: out.append(b)
                }
            }
            return nil
        }
        func hex4() -> UInt16? {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard let c = bytes.popFirst(), let d = Int(String(UnicodeScalar(c)), radix: 16) else { return nil }
                value = value << 4 | UInt16(d)
            }
            return value
        }
        guard expect(0x7B) else { return nil }
        var members: [String: String] = [:]
        skipSpace()
        if bytes.first == 0x7D { bytes.removeFirst(); skipSpace(); return bytes.isEmpty ? members : nil }
        while true {
            guard let key = string(), expect(0x3A) else { return nil }
            skipSpace()
            if bytes.starts(with: Array("null".utf8)) {
                bytes.removeFirst(4)
            } else {
                guard let value = string() else { return nil }
                members[key] = value
            }
            if expect(0x2C) { continue }
            guard expect(0x7D) else { return nil }
            skipSpace()
            return bytes.isEmpty ? members : nil
        }
    }
}
