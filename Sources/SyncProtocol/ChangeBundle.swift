import Crypto
import Foundation
import Replication

/// A file of changes for when the network is down or forbidden: one replica's changes as a
/// change batch, then a line naming the replica and the batch's SHA-256. A copy damaged or cut
/// short on the way is refused whole.
///
///     {"tianbao":"changes","format":1}
///     …one change per line…
///     {"end":{"count":N}}
///     {"bundle":{"replica":"<32 hex>","sha256":"<hash of all lines above>"}}
public enum ChangeBundle {
    public struct Contents: Sendable {
        public let replica: ReplicaID
        public let changes: [Change]
    }

    private struct Trailer: Codable {
        struct Body: Codable { var replica: String; var sha256: String }
        var bundle: Body
    }

    public static func encode(replica: ReplicaID, changes: [Change]) throws -> [UInt8] {
        let batch = try ChangeBatch.encode(changes)
        let trailer = "{\"bundle\":{\"replica\":\"\(replica.hex)\",\"sha256\":\"\(SHA256.hex(batch))\"}}\n"
        return batch + Array(trailer.utf8)
    }

    public static func decode(_ bytes: [UInt8]) throws(ReplicationError) -> Contents {
        guard bytes.last == 0x0A, let lastLineStart = bytes.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 }) else {
            throw .malformedBatch("not a Tianbao bundle, or cut short")
        }
        let batch = Array(bytes[..<lastLineStart])
        let trailerBytes = Array(bytes[lastLineStart...].dropLast())
        guard let trailer = try? JSONDecoder().decode(Trailer.self, from: Data(trailerBytes)), let replica = ReplicaID(hex: trailer.bundle.replica) else {
            throw .malformedBatch("the bundle's last line is missing or damaged: the file was cut short")
        }
        guard SHA256.hex(batch) == trailer.bundle.sha256 else {
            throw .malformedBatch("the bundle's checksum does not match: the file was damaged in transit; export it again")
        }
        let changes = try ChangeBatch.decode(batch)
        return Contents(replica: replica, changes: changes)
    }
}
