import CCrypto

/// SHA-256 over bytes that arrive in parts: a file attached to a record is checked as its parts
/// are read back, never held whole.
public final class SHA256Stream {
    private var context = SHA256_CTX()

    public init() { SHA256_Init(&context) }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
    }

    /// The digest of everything given; the stream is spent.
    public func finish() -> [UInt8] { SHA256.final(&context) }
}
