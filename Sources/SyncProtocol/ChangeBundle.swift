import Messages
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
///     {"file":{"record":"<id>","sha256":"<64 hex>","size":S}}     (files the changes attach, each followed by its parts)
///     {"part":"<base64 of at most 1 MiB>"}
///     {"bundle":{"key":{…},"replica":"<32 hex>","sha256":"<hash of the lines up to the end line>","signature":"<base64>"}}
///
/// A file is checked by its own hash, which the change attaching it names (and the signature covers);
/// the receiver keeps only files that a change it holds or applies names (PROTOCOL.md Part 4).
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
        /// Attached files carried whole, each matching its hash, with the record naming it.
        public var files: [BundleFiles.File] = []
    }

    /// A bundle of `changes`; `chain` is the replica's chain hash before the first change and its
    /// signed head after the last (a bundle of nothing carries none).
    public static func encode(replica: ReplicaID, changes: [Change], privateKey: [UInt8], key: KeyRegistration? = nil,
                              chain: (base: [UInt8], head: SignedPosition)? = nil, files: [BundleFiles.File] = []) throws -> [UInt8] {
        let batch = ChangeBatch.encode(changes)
        var fileLines: [UInt8] = []
        for file in files {
            fileLines += Array("{\"file\":{\"record\":\"\(file.key.record)\",\"sha256\":\"\(Hex.encode(file.key.sha256))\",\"size\":\(file.bytes.count)}}\n".utf8)
            for start in stride(from: 0, to: file.bytes.count, by: partBytes) {
                fileLines += Array("{\"part\":\"\(Base64.encode(Array(file.bytes[start..<min(file.bytes.count, start + partBytes)])))\"}\n".utf8)
            }
        }
        // The batch signature too: a hub of an older build reads only that.
        let signature = try BatchSignature.sign(replica: replica, changes: changes, privateKey: privateKey)
        var trailer = "{\"bundle\":{"
        if let chain {
            trailer += "\"head\":{\"base\":\"\(Hex.encode(chain.base))\",\"seq\":\(chain.head.seq),\"signature\":\"\(Base64.encode(chain.head.signature))\"},"
        }
        if let key { trailer += "\"key\":" + String(decoding: key.json, as: UTF8.self) + "," }
        trailer += "\"replica\":\"\(replica.hex)\",\"sha256\":\"\(SHA256.hex(batch))\",\"signature\":\"\(Base64.encode(signature))\"}}\n"
        return batch + fileLines + Array(trailer.utf8)
    }

    /// Bytes of a file per part line.
    static let partBytes = 1 << 20

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
            throw ChangeBatch.Malformed(Message.bundleNotOne.text())
        }
        // The batch ends at its end line; file lines, if any, follow it.
        var batchEnd = lastLineStart
        var fileLines: ArraySlice<UInt8> = []
        if let filesStart = firstFileLine(bytes[..<lastLineStart]) {
            batchEnd = filesStart
            fileLines = bytes[filesStart..<lastLineStart]
        }
        let batch = Array(bytes[..<batchEnd])
        guard let tree = try? JSONTree.parse(Array(bytes[lastLineStart...].dropLast())), let trailer = tree["bundle"],
              case .string(let replicaHex)? = trailer["replica"], let replica = ReplicaID(hex: replicaHex),
              case .string(let sha256)? = trailer["sha256"] else {
            throw ChangeBatch.Malformed(Message.bundleLastLine.text())
        }
        guard SHA256.hex(batch) == sha256 else {
            throw ChangeBatch.Malformed(Message.bundleChecksum.text())
        }
        var signature: [UInt8]?
        if let member = trailer["signature"] {
            guard case .string(let text) = member, let bytes = Base64.decode(text) else {
                throw ChangeBatch.Malformed(Message.bundleSignatureText.text())
            }
            signature = bytes
        }
        var key: KeyRegistration?
        if let member = trailer["key"] {
            do { key = try KeyRegistration(json: member) } catch { throw ChangeBatch.Malformed(Message.bundleKeyDamaged.text("\(error)")) }
        }
        var head: SignedPosition?
        var base: [UInt8]?
        if let member = trailer["head"] {
            do {
                head = try SyncCodec.signedPosition(member, "head")
                base = try SyncCodec.digest(member["base"], "head.base")
            } catch { throw ChangeBatch.Malformed(Message.bundleHeadDamaged.text("\(error)")) }
        }
        let changes = try ChangeBatch.decode(batch)
        var contents = Contents(replica: replica, changes: changes, signature: signature, key: key, head: head, base: base)
        contents.files = try decodeFiles(fileLines)
        return contents
    }

    /// Where the first file line starts: the line after `{"end":…}` when one follows it.
    private static func firstFileLine(_ bytes: ArraySlice<UInt8>) -> Int? {
        let marker = Array("\n{\"end\":".utf8)
        var i = bytes.endIndex - marker.count
        while i >= bytes.startIndex {
            if bytes[i] == 0x0A && bytes[i..<(i + marker.count)].elementsEqual(marker) {
                guard let next = bytes[(i + 1)...].firstIndex(of: 0x0A) else { return nil }
                return next + 1 < bytes.endIndex ? next + 1 : nil
            }
            i -= 1
        }
        return nil
    }

    private static func decodeFiles(_ lines: ArraySlice<UInt8>) throws(ChangeBatch.Malformed) -> [BundleFiles.File] {
        var files: [BundleFiles.File] = []
        var current: (key: ReplicaStore.FileKey, size: Int, bytes: [UInt8])?
        func close() throws(ChangeBatch.Malformed) {
            guard let file = current else { return }
            guard file.bytes.count == file.size, SHA256.digest(file.bytes) == file.key.sha256 else {
                throw ChangeBatch.Malformed(Message.bundleFileHash.text(Hex.encode(file.key.sha256).prefix(16)))
            }
            files.append((file.key, file.bytes))
        }
        for line in lines.split(separator: 0x0A) {
            guard let tree = try? JSONTree.parse(Array(line)) else { throw ChangeBatch.Malformed(Message.bundleFileLine.text()) }
            if let file = tree["file"] {
                try close()
                guard case .string(let record)? = file["record"], RecordID.isValid(record),
                      case .string(let hex)? = file["sha256"], hex.utf8.count == 64, let sha256 = Hex.decode(hex),
                      case .number(let sizeText)? = file["size"], let size = Int(sizeText), size > 0, size <= ReplicaStore.maxFileBytes else {
                    throw ChangeBatch.Malformed(Message.bundleFileDescribed.text(ReplicaStore.megabytes(ReplicaStore.maxFileBytes)))
                }
                current = (ReplicaStore.FileKey(record: record, sha256: sha256), size, [])
                current!.bytes.reserveCapacity(size)
            } else if case .string(let text)? = tree["part"], current != nil, let part = Base64.decode(text) {
                guard current!.bytes.count + part.count <= current!.size else { throw ChangeBatch.Malformed(Message.bundleFilePastSize.text()) }
                current!.bytes += part
            } else {
                throw ChangeBatch.Malformed(Message.bundleStrayLine.text())
            }
        }
        try close()
        return files
    }
}
