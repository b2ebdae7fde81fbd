import Crypto
import JSON
import Replication

/// A replica's public signing key, with proof that whoever registers it holds the replica's token:
/// HMAC-SHA-256 keyed with SHA-256 of the token's secret (which is what the hub stores) over the
/// netstrings of `tianbao-key-1`, the replica id and the public key's hex. The proof can register
/// only this key, so it may travel on a USB stick where the token must not.
///
/// JSON form: `{"proof":"<64 hex>","publicKey":"<64 hex>","replica":"<32 hex>"}`.
public struct KeyRegistration: Sendable, Equatable {
    public let replica: ReplicaID
    public let publicKey: [UInt8]
    public let proof: [UInt8]

    public init(replica: ReplicaID, publicKey: [UInt8], proof: [UInt8]) {
        self.replica = replica
        self.publicKey = publicKey
        self.proof = proof
    }

    /// The registration of `privateKey`'s public half, proved with `token` (`<replica>.<secret>`).
    public static func make(token: String, privateKey: [UInt8]) throws -> KeyRegistration {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let replica = ReplicaID(hex: parts[0]), let secret = Hex.decode(parts[1]), secret.count == 32 else {
            throw Ed25519.Failure.badKey
        }
        let publicKey = try Ed25519.publicKey(of: privateKey)
        return KeyRegistration(replica: replica, publicKey: publicKey,
                               proof: HMAC.sha256(key: SHA256.digest(secret), message: message(replica: replica, publicKey: publicKey)))
    }

    /// Whether the proof was made with the token whose secret hashes to `tokenHash`.
    public func isProved(byTokenHash tokenHash: [UInt8]) -> Bool {
        Secret.constantTimeEqual(HMAC.sha256(key: tokenHash, message: Self.message(replica: replica, publicKey: publicKey)), proof)
    }

    static func message(replica: ReplicaID, publicKey: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        ChangeEncoding.netstring("tianbao-key-1", &out)
        ChangeEncoding.netstring(replica.hex, &out)
        ChangeEncoding.netstring(Hex.encode(publicKey), &out)
        return out
    }

    public var json: [UInt8] {
        Array("{\"proof\":\"\(Hex.encode(proof))\",\"publicKey\":\"\(Hex.encode(publicKey))\",\"replica\":\"\(replica.hex)\"}".utf8)
    }

    /// The JSON form as a tree, for the codec that embeds it.
    public init(json tree: JSONTree) throws(SyncCodec.DecodeError) {
        func hex(_ key: String, bytes: Int) throws(SyncCodec.DecodeError) -> [UInt8] {
            guard case .string(let text)? = tree[key], let value = Hex.decode(text), value.count == bytes else {
                throw SyncCodec.DecodeError(path: key, reason: "expected \(bytes * 2) lowercase hex digits")
            }
            return value
        }
        guard case .string(let text)? = tree["replica"], let replica = ReplicaID(hex: text) else {
            throw SyncCodec.DecodeError(path: "replica", reason: "expected a replica id (32 hex digits)")
        }
        self.init(replica: replica, publicKey: try hex("publicKey", bytes: Ed25519.publicKeyBytes), proof: try hex("proof", bytes: 32))
    }
}
