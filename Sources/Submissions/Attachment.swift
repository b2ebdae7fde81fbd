import Messages
import Crypto
import Foundation
import JSON
import Replication

/// A file attached to a form record: the scanned, stamped copy (扫描件) the notices ask for, a PDF
/// or an image. The record names it in a field `_file.<SHA-256>` whose value is this description
/// as JSON text, `{"name":"…","size":N,"type":"application/pdf"}`; setting the field to null
/// detaches it. The bytes travel apart from the change (``ReplicaStore`` files, PROTOCOL.md Part 4).
public struct Attachment: Sendable, Equatable {
    public let sha256: [UInt8]
    /// The file's name as the official gave it, without any folder.
    public let name: String
    public let size: Int
    /// Its media type, told by its first bytes (not its name).
    public let type: String

    public init(sha256: [UInt8], name: String, size: Int, type: String) {
        self.sha256 = sha256
        self.name = name
        self.size = size
        self.type = type
    }

    public var field: String { ReplicaStore.fileField(sha256) }

    /// The most files one record names at once: a form's scans, its stamped pages, a few
    /// supporting documents. It bounds what one record can make the hub keep.
    public static let maxPerRecord = 20
    public var hashHex: String { Hex.encode(sha256) }

    /// The types a scan arrives in: PDF, the common image formats, and OFD (GB/T 33190, the
    /// format of China's electronic official documents).
    public static let types: [(type: String, magic: [UInt8], ext: String)] = [
        ("application/pdf", Array("%PDF-".utf8), "pdf"),
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "png"),
        ("image/jpeg", [0xFF, 0xD8, 0xFF], "jpg"),
        ("image/tiff", [0x49, 0x49, 0x2A, 0x00], "tif"),
        ("image/tiff", [0x4D, 0x4D, 0x00, 0x2A], "tif"),
        ("application/ofd", [0x50, 0x4B, 0x03, 0x04], "ofd"),
    ]

    /// The type of `bytes` named `name`, told by their first bytes; nil for anything else. An OFD
    /// is a zip: only a file named `.ofd` is taken for one.
    public static func type(of bytes: [UInt8], name: String) -> String? {
        for known in types where bytes.starts(with: known.magic) {
            if known.type == "application/ofd" && !name.lowercased().hasSuffix(".ofd") { continue }
            return known.type
        }
        return nil
    }

    /// The description a record's field holds.
    public var value: FieldValue {
        var w = JSONWriter(capacity: 128)
        w.raw("{\"name\":"); w.string(name)
        w.raw(",\"size\":"); w.number(UInt64(size))
        w.raw(",\"type\":"); w.string(type)
        w.raw("}")
        return .text(String(decoding: w.bytes, as: UTF8.self))
    }

    /// Reads a record's field; nil when it is not a file field or does not hold a valid description.
    public init?(field: String, value: FieldValue?) {
        guard let sha256 = ReplicaStore.fileHash(ofField: field), case .text(let text)? = value,
              let tree = try? JSONTree.parse(Array(text.utf8)),
              case .string(let name)? = tree["name"], case .number(let sizeText)? = tree["size"], let size = Int(sizeText),
              case .string(let type)? = tree["type"] else { return nil }
        self.init(sha256: sha256, name: name, size: size, type: type)
    }

    /// What is wrong with a change to a file field, or nil: what the hub and every replica check.
    public static func problem(field: String, value: FieldValue?) -> String? {
        guard ReplicaStore.fileHash(ofField: field) != nil else {
            return Message.attFieldName.text()
        }
        guard let value, value != .null else { return nil }   // detached
        guard let attachment = Attachment(field: field, value: value) else {
            return "expected {\"name\",\"size\",\"type\"} as JSON text"
        }
        if attachment.name.isEmpty || attachment.name.count > 200 || attachment.name.contains("/") || attachment.name.contains("\\") {
            return Message.attName.text()
        }
        if let violation = TextRule.violation(in: attachment.name) { return Message.attNameText.text(violation.explanation) }
        guard attachment.size > 0, attachment.size <= ReplicaStore.maxFileBytes else {
            return Message.attSize.text(ReplicaStore.megabytes(attachment.size), ReplicaStore.megabytes(ReplicaStore.maxFileBytes))
        }
        guard types.contains(where: { $0.type == attachment.type }) else {
            return Message.attType.text(attachment.type, Set(types.map(\.type)).sorted().joined(separator: ", "))
        }
        return nil
    }
}

extension Submission {
    /// The files attached to the record, by name.
    public var attachments: [Attachment] {
        record.fields.compactMap { field, register in Attachment(field: field, value: register.value) }
            .sorted { ($0.name, $0.hashHex) < ($1.name, $1.hashHex) }
    }
}
