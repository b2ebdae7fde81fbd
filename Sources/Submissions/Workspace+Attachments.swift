import Messages
import Crypto
import Foundation
import Replication

/// Attaching files to a record this replica's unit owns, and reading them back.
extension Workspace {
    /// An attached file and how much of it this replica holds.
    public struct HeldAttachment: Sendable, Equatable {
        public let attachment: Attachment
        /// Bytes held here; `attachment.size` once it is all here (and checked against its hash).
        public let held: Int
        public var isHere: Bool { held == attachment.size }
    }

    /// Attaches `bytes` (a file named `name`) to the record: kept here at once, sent to the hub by
    /// the next sync. The same file again (same bytes) changes nothing.
    @discardableResult
    public func attach(_ id: String, name: String, bytes: [UInt8]) throws -> Attachment {
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorizeEdit(submission, call: call)
        guard bytes.count <= ReplicaStore.maxFileBytes else {
            throw DomainError.refused(code: "file_too_large", reason: ReplicaStore.FileError.tooLarge(size: bytes.count).description)
        }
        guard !bytes.isEmpty else { throw DomainError.refused(code: "bad_file", reason: Message.fileEmpty.text(name)) }
        guard let type = Attachment.type(of: bytes, name: name) else {
            throw DomainError.refused(code: "bad_file", reason: Message.fileType.text(name))
        }
        let attachment = Attachment(sha256: SHA256.digest(bytes), name: (name as NSString).lastPathComponent, size: bytes.count, type: type)
        if let problem = Attachment.problem(field: attachment.field, value: attachment.value) {
            throw DomainError.refused(code: "bad_file", reason: problem)
        }
        if submission.record[attachment.field] == attachment.value { return attachment }
        // The bytes first: a record never names a file this replica does not hold.
        try store.storeFile(ReplicaStore.FileKey(record: id, sha256: attachment.sha256), bytes: bytes, unit: submission.unit)
        try store.commit([.set(collection: Collection.submissions, record: id, field: attachment.field, value: attachment.value)], author: author)
        return attachment
    }

    /// Detaches the file named `name` (or whose hash starts with it).
    public func detach(_ id: String, file name: String) throws -> Attachment {
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorizeEdit(submission, call: call)
        let attachment = try find(name, in: submission)
        try store.commit([.set(collection: Collection.submissions, record: id, field: attachment.field, value: .null)], author: author)
        try store.dropFile(ReplicaStore.FileKey(record: id, sha256: attachment.sha256))
        return attachment
    }

    /// The record's files and how much of each is here.
    public func attachments(_ id: String) throws -> [HeldAttachment] {
        try submission(id).attachments.map { attachment in
            let state = try store.fileState(ReplicaStore.FileKey(record: id, sha256: attachment.sha256))
            return HeldAttachment(attachment: attachment, held: state.map { $0.size == attachment.size ? $0.have : 0 } ?? 0)
        }
    }

    /// The bytes of the record's file named `name` (or whose hash starts with it), checked.
    public func fileBytes(_ id: String, file name: String) throws -> (Attachment, [UInt8]) {
        let attachment = try find(name, in: try submission(id))
        let key = ReplicaStore.FileKey(record: id, sha256: attachment.sha256)
        guard let state = try store.fileState(key), state.isComplete, state.size == attachment.size else {
            throw DomainError.refused(code: "file_not_here", reason: Message.fileNotHere.text(attachment.name, ReplicaStore.megabytes(attachment.size)))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(attachment.size)
        try store.readFile(key) { bytes += $0 }
        guard SHA256.digest(bytes) == attachment.sha256 else {
            throw DomainError.refused(code: "file_damaged", reason: Message.fileDamaged.text(attachment.name))
        }
        return (attachment, bytes)
    }

    private func find(_ name: String, in submission: Submission) throws -> Attachment {
        let files = submission.attachments
        let matches = files.filter { $0.name == name }
        if matches.count == 1 { return matches[0] }
        let byHash = name.count >= 8 ? files.filter { $0.hashHex.hasPrefix(name.lowercased()) } : []
        if byHash.count == 1 { return byHash[0] }
        let known = files.map { "\($0.name) (\($0.hashHex.prefix(8)))" }.joined(separator: ", ")
        throw DomainError.refused(code: "no_such_file", reason: matches.count > 1
            ? "\(matches.count) files of record \(submission.id) are named \(name); name one by the start of its hash: \(known)"
            : "record \(submission.id) has no file \(name)" + (known.isEmpty ? "" : "; it has \(known)"))
    }

    private func authorizeEdit(_ submission: Submission, call: CallTemplate) throws {
        let decision = Permission.check(actor, .edit, on: try target(submission, call: call, for: .edit), directory: try directory())
        if case .refused(let code, let reason) = decision { throw DomainError.refused(code: code, reason: reason) }
    }
}
