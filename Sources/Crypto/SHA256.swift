import CCrypto

/// SHA-256 (OpenSSL's libcrypto): content hashes of compiled tables, hashes of tokens.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let done: [UInt8]? = bytes.withContiguousStorageIfAvailable { digest(UnsafeRawBufferPointer($0)) }
        return done ?? Array(bytes).withUnsafeBytes { digest($0) }
    }

    /// The digest of `a` followed by `b`, without joining them: a chain takes one per change.
    public static func digest(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        a.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        b.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        return final(&context)
    }

    private static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, bytes.baseAddress, bytes.count)
        return final(&context)
    }

    static func final(_ context: inout SHA256_CTX) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Int(SHA256_DIGEST_LENGTH)) { out, initialized in
            SHA256_Final(out.baseAddress, &context)
            initialized = Int(SHA256_DIGEST_LENGTH)
        }
    }

    /// The digest as 64 lowercase hexadecimal digits.
    public static func hex(_ bytes: some Collection<UInt8>) -> String { Hex.encode(digest(bytes)) }

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}

/// Secrets: random bytes from the operating system's generator, compared in constant time.
public enum Secret {
    /// `count` random bytes (OpenSSL's CSPRNG).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if RAND_bytes(&out, Int32(count)) != 1 {
            var system = SystemRandomNumberGenerator()
            for i in out.indices { out[i] = UInt8.random(in: 0...255, using: &system) }
        }
        return out
    }

    /// Whether two byte strings are equal, taking the same time wherever they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    /// The bytes of an even number of lowercase hex digits; `nil` for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let h = nibble(digits[i]), let l = nibble(digits[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // The digits made once, the output sized once: a hub encodes a hash per change it proves.
        let count = bytes.underestimatedCount
        var out: [UInt8] = []
        out.reserveCapacity(2 * count)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
