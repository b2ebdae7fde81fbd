import Crypto
import Replication
import SyncProtocol

/// A bundle file as it arrives, and the same bytes as the change lines of a bundle whose trailer
/// is made to match (a mutated file almost never passes the checksum, which would hide the change
/// reader behind it). Changes the reader accepts, signed into a bundle again, read back equal.
enum BundleFuzz {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        guard let contents = (try? ChangeBundle.decode(bytes)) ?? (try? ChangeBundle.decode(withMatchingTrailer(bytes))) else {
            return .refused
        }
        guard let signed = try? ChangeBundle.encode(replica: contents.replica, changes: contents.changes, privateKey: key) else {
            return .broken("changes the reader accepted cannot be written into a bundle")
        }
        guard let back = try? ChangeBundle.decode(signed) else { return .broken("a bundle just written is refused") }
        return FuzzTarget.Outcome(back.changes == contents.changes && back.replica == contents.replica ? nil : "a bundle written and read back differs")
    }

    static func withMatchingTrailer(_ bytes: [UInt8]) -> [UInt8] {
        let replica = ReplicaID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        var lines = bytes
        if lines.last != 0x0A { lines.append(0x0A) }
        return lines + Array("{\"bundle\":{\"replica\":\"\(replica.hex)\",\"sha256\":\"\(SHA256.hex(lines))\"}}\n".utf8)
    }
}
