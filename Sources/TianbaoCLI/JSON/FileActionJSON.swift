import Submissions

/// What `attach`, `detach` and `extract` print with --json: the file, the record it belongs to,
/// and where `extract` wrote it (null otherwise).
struct FileActionJSON: Encodable {
    let record: String
    let name: String
    let size: Int
    let type: String
    let sha256: String
    @Nullable var out: String?

    static func of(_ record: String, _ attachment: Attachment, _ workspace: Workspace) throws -> FileActionJSON {
        FileActionJSON(record: record, name: attachment.name, size: attachment.size, type: attachment.type, sha256: attachment.hashHex, out: nil)
    }
}
