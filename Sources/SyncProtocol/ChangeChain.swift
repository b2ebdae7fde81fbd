import Crypto
import Replication

/// Each replica's changes form one hash chain, position by position (`Sync/PROTOCOL.md` 2.11):
/// a change removed, altered, inserted or moved breaks it, and a **head** — the chain's hash at a
/// position, signed — vouches for everything up to that position with one signature.
///
/// - leaf of a held change: SHA-256 of its form (``ChangeEncoding/form(_:)``);
/// - leaf of a withdrawn position (the hub refused it, 2.8): SHA-256 of the netstrings of
///   `tianbao-withdrawn-1` and the dot;
/// - hash before position 1: SHA-256 of the netstrings of `tianbao-chain-1` and the origin's hex;
/// - hash at position p: SHA-256 of the hash at p − 1 (32 bytes) followed by leaf p (32 bytes).
public enum ChangeChain {
    public static let digestBytes = 32
    /// The most positions one head may close: far beyond any push (500) or vouching step (500),
    /// few enough that walking an interval a file or a bundle claims never stalls anyone.
    public static let longestInterval: UInt64 = 1 << 20

    /// The hash before the origin's first change.
    public static func genesis(_ origin: ReplicaID) -> [UInt8] {
        var out: [UInt8] = []
        ChangeEncoding.netstring("tianbao-chain-1", &out)
        ChangeEncoding.netstring(origin.hex, &out)
        return SHA256.digest(out)
    }

    public static func leaf(_ change: Change) -> [UInt8] {
        SHA256.digest(ChangeEncoding.form(change))
    }

    /// The leaf of a position whose change was withdrawn: the hub never held it.
    public static func withdrawnLeaf(_ dot: Dot) -> [UInt8] {
        var out: [UInt8] = []
        ChangeEncoding.netstring("tianbao-withdrawn-1", &out)
        ChangeEncoding.netstring(dot.description, &out)
        return SHA256.digest(out)
    }

    /// The hash at the next position.
    public static func step(_ hash: [UInt8], _ leaf: [UInt8]) -> [UInt8] {
        SHA256.digest(hash, leaf)
    }

    /// A signed claim: `origin`'s chain has `hash` at `seq`. `signer` is the origin itself, or
    /// the hub vouching for a chain whose origin signed nothing (a replica of an older build, or
    /// history from before chains existed).
    public struct Head: Sendable, Equatable {
        public var origin: ReplicaID
        public var seq: UInt64
        public var hash: [UInt8]
        public var signer: ReplicaID
        public var signature: [UInt8]

        public init(origin: ReplicaID, seq: UInt64, hash: [UInt8], signer: ReplicaID, signature: [UInt8]) {
            self.origin = origin
            self.seq = seq
            self.hash = hash
            self.signer = signer
            self.signature = signature
        }

        /// Signs `hash` at `seq` of `origin`'s chain with `signer`'s key.
        public static func sign(origin: ReplicaID, seq: UInt64, hash: [UInt8], signer: ReplicaID,
                                privateKey: [UInt8]) throws(Ed25519.Failure) -> Head {
            Head(origin: origin, seq: seq, hash: hash, signer: signer,
                 signature: try Ed25519.sign(message(origin: origin, seq: seq, hash: hash, signer: signer), privateKey: privateKey))
        }

        /// The signed bytes: netstrings of `tianbao-head-1`, the origin, the sequence in decimal,
        /// the hash in lowercase hex and the signer.
        public static func message(origin: ReplicaID, seq: UInt64, hash: [UInt8], signer: ReplicaID) -> [UInt8] {
            var out: [UInt8] = []
            ChangeEncoding.netstring("tianbao-head-1", &out)
            ChangeEncoding.netstring(origin.hex, &out)
            ChangeEncoding.netstring(String(seq), &out)
            ChangeEncoding.netstring(Hex.encode(hash), &out)
            ChangeEncoding.netstring(signer.hex, &out)
            return out
        }

        public func verifies(with publicKey: [UInt8]) -> Bool {
            Ed25519.verify(signature, of: Self.message(origin: origin, seq: seq, hash: hash, signer: signer), publicKey: publicKey)
        }
    }

    /// The hash after `leaves`, starting from `base`.
    public static func fold(_ base: [UInt8], _ leaves: some Sequence<[UInt8]>) -> [UInt8] {
        var hash = base
        for leaf in leaves { hash = step(hash, leaf) }
        return hash
    }
}
