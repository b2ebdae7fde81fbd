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
              let secret = Hex.decode(parts[1]) else { return nil }
        return (replica, SHA256.digest(secret))
    }
}
