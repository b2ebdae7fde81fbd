/// Record ids are UUIDs made offline, written in the canonical lowercase 8-4-4-4-12 form.
public enum RecordID {
    /// A new UUID version 7: the first 48 bits are the Unix time in milliseconds, so ids made
    /// together sort together (and land together in the store's index); the rest is random.
    public static func make(wallMilliseconds: Int64) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let ms = UInt64(max(0, wallMilliseconds))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        let random: UInt64 = rng.next()
        let random2: UInt64 = rng.next()
        for i in 6..<16 {
            let source = i < 14 ? random : random2
            bytes[i] = UInt8(truncatingIfNeeded: source >> (8 * UInt64(i % 8)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return format(bytes)
    }

    /// The UUID's version (7 for ids made by ``make(wallMilliseconds:)``, 8 for ``derived(fromHash:)``),
    /// for an id in canonical form.
    public static func version(_ id: String) -> Int? {
        guard isValid(id), let digit = id.utf8.dropFirst(14).first else { return nil }
        return Int(digit) - 0x30 < 10 ? Int(digit) - 0x30 : Int(digit) - 0x61 + 10
    }

    /// Whether `id` is a UUID in canonical lowercase form.
    public static func isValid(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { bytes in
            guard bytes.count == 36 else { return false }
            for i in 0..<36 {
                let c = bytes[i]
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    if c != 0x2D { return false }  // "-"
                } else if !((0x30...0x39).contains(c) || (0x61...0x66).contains(c)) {  // 0-9, a-f
                    return false
                }
            }
            return true
        }
    }

    /// A UUID version 8 made from the first 16 bytes of `hash`: the same name always gives the same
    /// id, so records with a natural key (an organisation's code) are one record on every replica.
    public static func derived(fromHash hash: [UInt8]) -> String {
        precondition(hash.count >= 16)
        var bytes = Array(hash.prefix(16))
        bytes[6] = 0x80 | (bytes[6] & 0x0F)  // version 8
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return format(bytes)
    }

    static func format(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
