import Messages
import JSON
import Replication

/// A self-delimiting list of changes in JSON Lines: a header line, one change per line (its JSON,
/// ``ChangeEncoding``), and an end line with the count. A batch cut short anywhere — in transit, on
/// a USB stick — is detected and refused whole rather than half applied.
///
///     {"tianbao":"changes","format":1}
///     {"author":…,"collection":…,…}
///     {"end":{"count":1}}
public enum ChangeBatch {
    public static let format = 1

    /// Why a batch or bundle could not be read whole; nothing of it is applied.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { Message.batchRefused.text(reason) }
    }

    /// Encodes `changes` as one batch.
    public static func encode(_ changes: [Change]) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + changes.reduce(0) { $0 + 256 + SyncCodec.estimatedBytes($1) })
        w.raw("{\"tianbao\":\"changes\",\"format\":")
        w.number(format)
        w.raw("}\n")
        for change in changes {
            ChangeEncoding.write(change, after: nil, into: &w)
            w.raw("\n")
        }
        w.raw("{\"end\":{\"count\":")
        w.number(changes.count)
        w.raw("}}\n")
        return w.bytes
    }

    /// Decodes a whole batch, or throws ``Malformed`` saying which line is wrong and why.
    public static func decode(_ bytes: [UInt8]) throws(Malformed) -> [Change] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else {
            throw Malformed(Message.batchNoNewline.text())
        }
        lines.removeLast()
        guard let first = lines.first, let header = try? JSONTree.parse(Array(first)),
              case .string("changes")? = header["tianbao"], case .number(let formatText)? = header["format"]
        else { throw Malformed(Message.batchNoHeader.text()) }
        guard Int(formatText) == format else {
            throw Malformed(Message.batchFormat.text(formatText, format))
        }
        guard lines.count >= 2, let end = try? JSONTree.parse(Array(lines[lines.count - 1])),
              case .number(let countText)? = end["end"]?["count"], let count = Int(countText) else {
            throw Malformed(Message.batchNoEnd.text())
        }
        let body = lines[1..<(lines.count - 1)]
        guard count == body.count else {
            throw Malformed(Message.batchCount.text(count, body.count))
        }
        var changes: [Change] = []
        changes.reserveCapacity(body.count)
        for (offset, line) in body.enumerated() {
            do {
                changes.append(try ChangeEncoding.change(try JSONTree.parse(Array(line))))
            } catch let error as ChangeEncoding.DecodeError {
                throw Malformed("line \(offset + 2): \(error)")
            } catch {
                throw Malformed(Message.batchLineJSON.text(offset + 2, "\(error)"))
            }
        }
        return changes
    }
}
