/// Strict UTF-8 (RFC 3629) to `String`, without the generic `String(validating:as:)`, which runs
/// unspecialised and dominated the cost of reading a sync page.
public enum UTF8Text {
    /// The text of `bytes`, or `nil` if they are not well-formed UTF-8 (overlong forms,
    /// surrogates and scalars above U+10FFFF included).
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard isValid(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func string(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { string($0) }
    }

    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            // The second byte's range depends on the first (Table 3-7 of the Unicode standard).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= low && b1 <= high else { return false }
            if length > 2 { guard bytes[i + 2] & 0xC0 == 0x80 else { return false } }
            if length > 3 { guard bytes[i + 3] & 0xC0 == 0x80 else { return false } }
            i += length
        }
        return true
    }
}
