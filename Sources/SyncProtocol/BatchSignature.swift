import Crypto
import Replication

/// What a replica signs: a batch of its own changes, in a canonical byte form fixed by
/// `Sync/PROTOCOL.md` 2.7, so that any implementation computes the same bytes.
///
/// Every item is a netstring (`<decimal byte length>:<bytes>,`), so no value needs escaping. A
/// change's form is the netstrings of: `tianbao-change-1`, origin (32 hex), seq, wall, counter
/// (decimal), collection, record, field (empty for delete/restore), op, value, supersedes (dots
/// `<hex>:<seq>` joined by `,`, in canonical order), author (`-` when absent, else `=` and the
/// author). A value is `-` (none: delete/restore), `n` (null), `b0`/`b1`, `i<decimal>`,
/// `r<16 hex digits of the IEEE-754 bits>`, `t<UTF-8>`, or `x<the raw bytes>`.
///
/// The signed message is the netstrings of `tianbao-batch-1`, the signer's replica id, the number
/// of changes, and the SHA-256 (hex) of their forms concatenated. One Ed25519 signature covers a
/// whole push or bundle: verifying costs one hash pass and one check, not one check per change.
public enum BatchSignature {
    /// The bytes signed for `changes` made by `replica`.
    public static func message(replica: ReplicaID, changes: [Change]) -> [UInt8] {
        var forms: [UInt8] = []
        forms.reserveCapacity(changes.count * 160)
        for change in changes { appendForm(change, to: &forms) }
        var out: [UInt8] = []
        netstring("tianbao-batch-1", &out)
        netstring(replica.hex, &out)
        netstring(String(changes.count), &out)
        netstring(SHA256.hex(forms), &out)
        return out
    }

    public static func sign(replica: ReplicaID, changes: [Change], privateKey: [UInt8]) throws(Ed25519.Failure) -> [UInt8] {
        try Ed25519.sign(message(replica: replica, changes: changes), privateKey: privateKey)
    }

    public static func verify(_ signature: [UInt8], replica: ReplicaID, changes: [Change], publicKey: [UInt8]) -> Bool {
        Ed25519.verify(signature, of: message(replica: replica, changes: changes), publicKey: publicKey)
    }

    /// One change's canonical form.
    public static func form(_ change: Change) -> [UInt8] {
        var out: [UInt8] = []
        appendForm(change, to: &out)
        return out
    }

    static func appendForm(_ c: Change, to out: inout [UInt8]) {
        netstring("tianbao-change-1", &out)
        netstring(c.dot.replica.hex, &out)
        netstring(String(c.dot.seq), &out)
        netstring(String(c.timestamp.wall), &out)
        netstring(String(c.timestamp.counter), &out)
        netstring(c.collection, &out)
        netstring(c.record, &out)
        netstring(c.field, &out)
        netstring(c.op.rawValue, &out)
        switch c.value {
        case nil: netstring("-", &out)
        case .null?: netstring("n", &out)
        case .bool(let b)?: netstring(b ? "b1" : "b0", &out)
        case .int(let i)?: netstring("i\(i)", &out)
        case .real(let d)?:
            let bits = String(d.bitPattern, radix: 16)
            netstring("r" + String(repeating: "0", count: 16 - bits.count) + bits, &out)
        case .text(let t)?: netstring(Array("t".utf8) + Array(t.utf8), &out)
        case .bytes(let b)?: netstring([UInt8(ascii: "x")] + b, &out)
        }
        netstring(c.supersedes.map(\.description).joined(separator: ","), &out)
        if let author = c.author { netstring("=" + author, &out) } else { netstring("-", &out) }
    }

    static func netstring(_ text: String, _ out: inout [UInt8]) { netstring(Array(text.utf8), &out) }

    static func netstring(_ bytes: [UInt8], _ out: inout [UInt8]) {
        out.append(contentsOf: String(bytes.count).utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: ","))
    }
}
