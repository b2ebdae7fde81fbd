import Crypto
import JSON
import Replication

/// A file of changes for when the network is down or forbidden: one replica's changes as a change
/// batch, then a line naming the replica, the batch's SHA-256 and the replica's Ed25519 signature
/// over the changes (``BatchSignature``). A copy damaged or cut short on the way is refused whole,
/// and one altered, or made by anyone but the named replica, fails the signature.
///
///     {"tianbao":"changes","format":1}
///     …one change per line…
///     {"end":{"count":N}}
///     {"bundle":{"key":{…},"replica":"<32 hex>","sha256":"<hash of all lines above>","signature":"<base64>"}}
///
/// `key` (optional) is the replica's ``KeyRegistration``, so a replica that never reaches the network
/// registers its key with its first bundle. The token never travels.
public enum ChangeBundle {
    public struct Contents: Sendable {
        public let replica: ReplicaID
        public let changes: [Change]
        /// `nil` in a bundle from a build before signatures: no hub accepts it.
        public let signature: [UInt8]?
        public let key: KeyRegistration?
        /// The replica's signed head of its chain after the last change (PROTOCOL.md 2.11), and
        /// the chain's hash before the first: what the hub and a colleague verify. `nil` in a
        /// bundle from a build before chains.
        public let head: SignedPosition?
        public let base: [UInt8]?
    }

    /// A bundle of `changes`; `chain` is the replica's chain hash before the first change and its
    /// signed head after the last (a bundle of nothing carries none).
    public static func encode(replica: ReplicaID, changes: [Change], privateKey: [UInt8], key: KeyRegistration? = nil,
                              chain: (base: [UInt8], head: SignedPosition)? = nil) throws -> [UInt8] {
        let batch = ChangeBatch.encode(changes)
        // The batch signature too: a hub of an older build reads only that.
        let signature = try BatchSignature.sign(replica: replica, changes: changes, privateKey: privateKey)
        var trailer = "{\"bundle\":{"
        if let chain {
            trailer += "\"head\":{\"base\":\"\(Hex.encode(chain.base))\",\"seq\":\(chain.head.seq),\"signature\":\"\(Base64.encode(chain.head.signature))\"},"
        }
        if let key { trailer += "\"key\":" + String(decoding: key.json, as: UTF8.self) + "," }
        trailer += "\"replica\":\"\(replica.hex)\",\"sha256\":\"\(SHA256.hex(batch))\",\"signature\":\"\(Base64.encode(signature))\"}}\n"
        return batch + Array(trailer.utf8)
    }

    /// Whether the bundle's signed head — or, from a build before chains, its batch signature —
    /// verifies with `publicKey`: its chain from `base` through the changes it carries (a position it
    /// does not carry was withdrawn) to the head.
    public static func verifies(_ contents: Contents, publicKey: [UInt8]) -> Bool {
        guard let head = contents.head, let base = contents.base else {
            return contents.signature.map { BatchSignature.verify($0, replica: contents.replica, changes: contents.changes, publicKey: publicKey) } ?? false
        }
        let carried = Dictionary(contents.changes.map { ($0.dot.seq, $0) }, uniquingKeysWith: { a, _ in a })
        guard let first = carried.keys.min(), let last = carried.keys.max(), last <= head.seq,
              head.seq - first < ChangeChain.longestInterval else { return false }
        var hash = base
        for seq in first...head.seq {
            hash = ChangeChain.step(hash, carried[seq].map(ChangeChain.leaf) ?? ChangeChain.withdrawnLeaf(Dot(replica: contents.replica, seq: seq)))
        }
        return ChangeChain.Head(origin: contents.replica, seq: head.seq, hash: hash, signer: contents.replica, signature: head.signature)
            .verifies(with: publicKey)
    }

    public static func decode(_ bytes: [UInt8]) throws(ChangeBatch.Malformed) -> Contents {
        guard bytes.last == 0x0A, let lastLineStart = bytes.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 }) else {
            throw ChangeBatch.Malformed("not a Tianbao bundle, or cut short")
        }
        let batch = Array(bytes[..<lastLineStart])
        guard let tree = try? JSONTree.parse(Array(bytes[lastLineStart...].dropLast())), let trailer = tree["bundle"],
              case .string(let replicaHex)? = trailer["replica"], let replica = ReplicaID(hex: replicaHex),
              case .string(let sha256)? = trailer["sha256"] else {
            throw ChangeBatch.Malformed("the bundle's last line is missing or damaged: the file was cut short")
        }
        guard SHA256.hex(batch) == sha256 else {
            throw ChangeBatch.Malformed("the bundle's checksum does not match: the file was damaged in transit; export it again")
        }
        var signature: [UInt8]?
        if let member = trailer["signature"] {
            guard case .string(let text) = member, let bytes = Base64.decode(text) else {
                throw ChangeBatch.Malformed("the bundle's signature is not base64")
            }
            signature = bytes
        }
        var key: KeyRegistration?
        if let member = trailer["key"] {
            do { key = try KeyRegistration(json: member) } catch { throw ChangeBatch.Malformed("the bundle's key registration is damaged: \(error)") }
        }
        var head: SignedPosition?
        var base: [UInt8]?
        if let member = trailer["head"] {
            do {
                head = try SyncCodec.signedPosition(member, "head")
                base = try SyncCodec.digest(member["base"], "head.base")
            } catch { throw ChangeBatch.Malformed("the bundle's signed head is damaged: \(error)") }
        }
        let changes = try ChangeBatch.decode(batch)
        return Contents(replica: replica, changes: changes, signature: signature, key: key, head: head, base: base)
    }
}
