import Crypto
import SQLite

/// Files attached to records (scanned, stamped copies; PDFs; images), kept by content.
///
/// A record declares a file with a field `_file.<SHA-256 hex>`: a change like any answer, so who
/// attached what is authorised, signed and synced with everything else, and the hash it names is
/// covered by its origin's signature. The bytes live here, in parts, apart from the change log: a
/// 20 MB scan does not ride in a record's history, nor in the pages every replica pulls.
extension ReplicaStore {
    /// The database holding files' bytes: beside the store's file (`<store>-files`), with 64 KiB
    /// pages, on which a 20 MB file is written and read three times as fast as on the store's
    /// 4 KiB pages. Only bytes and how much of each file is held live there; which records name a
    /// file is in the store itself.
    func fileDatabase() throws -> Database {
        if let filesDB { return filesDB }
        var options = Database.Options()
        options.pageSize = 65_536
        options.synchronous = configuration.durability == .powerLoss ? .full : configuration.durability == .processCrash ? .normal : .off
        let files = try Database(path: db.path == ":memory:" ? ":memory:" : db.path + "-files", options: options)
        try files.execute("""
            CREATE TABLE IF NOT EXISTS files (
                sha256 BLOB PRIMARY KEY,
                size INTEGER NOT NULL,
                have INTEGER NOT NULL DEFAULT 0,
                uploaded INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS file_parts (
                sha256 BLOB NOT NULL,
                offset INTEGER NOT NULL,
                bytes BLOB NOT NULL,
                PRIMARY KEY (sha256, offset)
            );
            """)
        filesDB = files
        return files
    }

    /// The field that declares a file starts with this, then the file's SHA-256 in hex.
    public static let fileFieldPrefix = "_file."
    /// The largest file: a stamped, scanned form of a few pages is 1–10 MB at 300 dpi, so 32 MiB
    /// holds three times the largest expected while keeping a province's hub (hundreds of records,
    /// a few files each) within a disk an office server has; a larger scan should be made again
    /// at a lower resolution or split.
    public static let maxFileBytes = 32 << 20
    /// Bytes per stored part, and the most one transfer request carries.
    public static let filePartBytes = 1 << 20

    /// The field naming the file with `sha256`.
    public static func fileField(_ sha256: [UInt8]) -> String { fileFieldPrefix + Hex.encode(sha256) }

    /// The hash a file field names; nil for any other field.
    public static func fileHash(ofField field: String) -> [UInt8]? {
        guard field.hasPrefix(fileFieldPrefix) else { return nil }
        let digits = field.utf8.dropFirst(fileFieldPrefix.utf8.count)
        guard digits.count == 64 else { return nil }
        return Hex.decode(String(decoding: digits, as: UTF8.self))
    }

    /// How much of a file this store holds.
    public struct FileState: Sendable, Equatable {
        public let sha256: [UInt8]
        public let size: Int
        /// Bytes held, from the start.
        public let have: Int
        /// Whether the hub confirmed it holds all of it.
        public let uploaded: Bool
        public var isComplete: Bool { have == size }
    }

    public enum FileError: Error, Equatable, CustomStringConvertible {
        case tooLarge(size: Int)
        /// A part that does not continue what is held: send from `expected`.
        case offset(expected: Int)
        case beyondSize(size: Int)
        /// All of it arrived and it is not the file its hash names: nothing of it is kept.
        case hashMismatch(sha256: String)
        case unknown(sha256: String)

        public var description: String {
            switch self {
            case .tooLarge(let size):
                "the file is \(ReplicaStore.megabytes(size)) (\(size) bytes); at most \(ReplicaStore.megabytes(ReplicaStore.maxFileBytes)) (\(ReplicaStore.maxFileBytes) bytes) — scan it again at a lower resolution (300 dpi is plenty), or split it"
            case .offset(let expected): "the part does not continue the file: \(expected) bytes of it are held; send from there"
            case .beyondSize(let size): "the part goes past the file's declared size of \(size) bytes"
            case .hashMismatch(let sha256): "the bytes received are not the file \(sha256.prefix(16))… the record names (their SHA-256 differs): they were damaged or altered on the way; nothing of them was kept — send the file again"
            case .unknown(let sha256): "no file \(sha256.prefix(16))… is expected here"
            }
        }
    }

    /// `bytes` in MiB, to one decimal.
    public static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
    }

    public func fileState(_ sha256: [UInt8]) throws -> FileState? {
        try fileDatabase().cached("SELECT size, have, uploaded FROM files WHERE sha256 = ?").first([sha256]) {
            FileState(sha256: sha256, size: Int($0.int64(0)), have: Int($0.int64(1)), uploaded: $0.int64(2) != 0)
        }
    }

    /// Makes room for a file of `size` bytes to arrive in parts; harmless when it is known.
    public func expectFile(_ sha256: [UInt8], size: Int) throws {
        guard size <= Self.maxFileBytes else { throw FileError.tooLarge(size: size) }
        try fileDatabase().cached("INSERT OR IGNORE INTO files (sha256, size, have, uploaded) VALUES (?, ?, 0, 0)").run([sha256, Int64(size)])
    }

    /// Appends `bytes` at `offset`, which must be what is held. The part that completes the file
    /// is checked against its hash: a mismatch drops every part, and the file is expected anew.
    @discardableResult
    public func appendFile(_ sha256: [UInt8], at offset: Int, _ bytes: [UInt8]) throws -> FileState {
        let files = try fileDatabase()
        let state: FileState = try files.transaction(.immediate) {
            guard let state = try fileState(sha256) else { throw FileError.unknown(sha256: Hex.encode(sha256)) }
            guard offset == state.have else { throw FileError.offset(expected: state.have) }
            guard offset + bytes.count <= state.size else { throw FileError.beyondSize(size: state.size) }
            var at = offset
            for start in stride(from: 0, to: bytes.count, by: Self.filePartBytes) {
                let part = Array(bytes[start..<min(bytes.count, start + Self.filePartBytes)])
                try files.cached("INSERT INTO file_parts (sha256, offset, bytes) VALUES (?, ?, ?)").run([sha256, Int64(at), part])
                at += part.count
            }
            try files.cached("UPDATE files SET have = ? WHERE sha256 = ?").run([Int64(at), sha256])
            return FileState(sha256: sha256, size: state.size, have: at, uploaded: state.uploaded)
        }
        // The running hash takes the part once it is stored; a store that did not see the parts
        // before it (another process wrote them) hashes what it holds, once.
        let hasher: SHA256Stream
        if let running = fileHashes[sha256], running.have == offset {
            hasher = running.hasher
            hasher.update(bytes)
        } else if offset == 0 {
            hasher = SHA256Stream()
            hasher.update(bytes)
        } else {
            hasher = SHA256Stream()
            try readFile(sha256) { hasher.update($0) }
        }
        fileHashes[sha256] = state.isComplete ? nil : (state.have, hasher)
        if state.isComplete, hasher.finish() != sha256 {
            // Every part goes, not only the last: which of them was damaged is unknown.
            try files.transaction(.immediate) {
                try files.cached("DELETE FROM file_parts WHERE sha256 = ?").run([sha256])
                try files.cached("UPDATE files SET have = 0 WHERE sha256 = ?").run([sha256])
            }
            throw FileError.hashMismatch(sha256: Hex.encode(sha256))
        }
        return state
    }

    /// Keeps a whole file held in memory (one being attached), named by its SHA-256.
    public func storeFile(_ bytes: [UInt8], sha256: [UInt8]) throws {
        try expectFile(sha256, size: bytes.count)
        guard let state = try fileState(sha256), !state.isComplete else { return }
        if state.have > 0 {
            let files = try fileDatabase()
            try files.transaction(.immediate) {
                try files.cached("DELETE FROM file_parts WHERE sha256 = ?").run([sha256])
                try files.cached("UPDATE files SET have = 0 WHERE sha256 = ?").run([sha256])
            }
        }
        try appendFile(sha256, at: 0, bytes)
    }

    /// At most `maxBytes` of a held file from `offset`.
    public func fileBytes(_ sha256: [UInt8], from offset: Int, maxBytes: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(maxBytes, Self.maxFileBytes))
        try fileDatabase().cached("SELECT offset, bytes FROM file_parts WHERE sha256 = ? AND offset < ? ORDER BY offset")
            .forEach([sha256, Int64(offset + maxBytes)]) { row in
                let start = Int(row.int64(0))
                let part = row.blob(1)
                let end = start + part.count
                guard end > offset else { return }
                out.append(contentsOf: part[max(0, offset - start)..<min(part.count, offset + maxBytes - start)])
            }
        return out
    }

    /// The held parts of a file, in order.
    public func readFile(_ sha256: [UInt8], _ body: ([UInt8]) throws -> Void) throws {
        try fileDatabase().cached("SELECT bytes FROM file_parts WHERE sha256 = ? ORDER BY offset").forEach([sha256]) { try body($0.blob(0)) }
    }

    public func setFileUploaded(_ sha256: [UInt8]) throws {
        try fileDatabase().cached("UPDATE files SET uploaded = 1 WHERE sha256 = ?").run([sha256])
    }

    /// Every file a record declares (its field holds a value), with the record: what this replica
    /// should hold, and send or fetch.
    public func fileReferences() throws -> [(sha256: [UInt8], record: String)] {
        let refs = try db.cached("SELECT f.sha256, r.id FROM file_refs f JOIN records r ON r.ord = f.record ORDER BY r.id, f.sha256")
            .map([]) { ($0.blob(0), $0.text(1)) }
        return try refs.filter { sha256, record in
            let field = Self.fileField(sha256)
            return try self.record(record, only: [field])?[field] != nil
        }
    }

    /// Notes that a change of `record` names a file (``merge(_:touched:)``).
    func noteFileReference(_ field: String, record: Int64) throws {
        guard let sha256 = Self.fileHash(ofField: field) else { return }
        try db.cached("INSERT OR IGNORE INTO file_refs (sha256, record) VALUES (?, ?)").run([sha256, record])
    }

}
