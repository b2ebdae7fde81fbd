import Crypto
import Replication

/// Bearer tokens: `<replica id>.<64 hex digits of secret>`. The hub keeps only SHA-256 of the
/// secret, and compares in constant time.
public enum Token {
    /// A new secret for `replica`, as the token string a replica stores.
    static func make(for replica: ReplicaID) -> (token: String, hash: [UInt8]) {
        let secret = Secret.randomBytes(32)
        return ("\(replica.hex).\(Hex.encode(secret))", SHA256.digest(secret))
    }

    /// Splits a token into the replica it names and the hash of its secret.
    static func parse(_ token: String) -> (replica: ReplicaID, hash: [UInt8])? {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let replica = ReplicaID(hex: parts[0]), parts[1].utf8.count == 64,
              let secret = hexBytes(parts[1]) else { return nil }
        return (replica, SHA256.digest(secret))
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
