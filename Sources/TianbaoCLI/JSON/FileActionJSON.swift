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

    init(record: String, _ attachment: Attachment, out: String? = nil) {
        (self.record, name, size, type, sha256) = (record, attachment.name, attachment.size, attachment.type, attachment.hashHex)
        self.out = out
    }
}
