import Crypto
import Replication

/// What a replica signs: a batch of its own changes, in a canonical byte form fixed by
/// `Sync/PROTOCOL.md` 2.7, so that any implementation computes the same bytes.
///
/// Every item is a netstring (`<decimal byte length>:<bytes>,`), so no value needs escaping; a
/// change is its form (``ChangeEncoding/form(_:)``).
///
/// The signed message is the netstrings of `tianbao-batch-1`, the signer's replica id, the number
/// of changes, and the SHA-256 (hex) of their forms concatenated. One Ed25519 signature covers a
/// whole push or bundle: verifying costs one hash pass and one check, not one check per change.
public enum BatchSignature {
    /// The bytes signed for `changes` made by `replica`.
    public static func message(replica: ReplicaID, changes: [Change]) -> [UInt8] {
        var forms: [UInt8] = []
        forms.reserveCapacity(changes.count * 160)
        for change in changes { ChangeEncoding.appendForm(change, to: &forms) }
        var out: [UInt8] = []
        ChangeEncoding.netstring("tianbao-batch-1", &out)
        ChangeEncoding.netstring(replica.hex, &out)
        ChangeEncoding.netstring(String(changes.count), &out)
        ChangeEncoding.netstring(SHA256.hex(forms), &out)
        return out
    }

    public static func sign(replica: ReplicaID, changes: [Change], privateKey: [UInt8]) throws(Ed25519.Failure) -> [UInt8] {
        try Ed25519.sign(message(replica: replica, changes: changes), privateKey: privateKey)
    }

    public static func verify(_ signature: [UInt8], replica: ReplicaID, changes: [Change], publicKey: [UInt8]) -> Bool {
        Ed25519.verify(signature, of: message(replica: replica, changes: changes), publicKey: publicKey)
    }
}
