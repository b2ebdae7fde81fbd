import Messages
import Crypto
import SQLite

/// Files attached to records (scanned, stamped copies; PDFs; images).
///
/// A record names a file with a field `_file.<SHA-256 hex>`: a change like any answer, so who
/// attached what is authorised, signed and synced with everything else, and the hash it names is
/// covered by its origin's signature. The bytes live here, in parts, apart from the change log: a
/// 20 MB scan does not ride in a record's history, nor in the pages every replica pulls.
///
/// Bytes are kept **per record** (``FileKey``): what one record's unit sent is never what another
/// record's reader gets, however the two records name their files, so naming another unit's hash
/// in one's own record reads nothing and spoils nothing.
extension ReplicaStore {
    /// The field that declares a file starts with this, then the file's SHA-256 in hex.
    public static let fileFieldPrefix = "_file."
    /// The largest file: a stamped, scanned form of a few pages is 1–10 MB at 300 dpi, so 32 MiB
    /// holds three times the largest expected while keeping a province's hub (hundreds of records,
    /// a few files each) within a disk an office server has; a larger scan should be made again
    /// at a lower resolution or split.
    public static let maxFileBytes = 32 << 20
    /// Bytes per stored part.
    public static let filePartBytes = 1 << 20

    /// One record's file.
    public struct FileKey: Hashable, Sendable {
        public let record: String
        public let sha256: [UInt8]
        public init(record: String, sha256: [UInt8]) {
            self.record = record
            self.sha256 = sha256
        }
    }

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
        // `generation` counts the times a file's bytes were dropped: a running hash made before
        // (by this process or another) is not taken for the bytes held after.
        try files.execute("""
            CREATE TABLE IF NOT EXISTS record_files (
                record TEXT NOT NULL,
                sha256 BLOB NOT NULL,
                unit TEXT NOT NULL,
                size INTEGER NOT NULL,
                have INTEGER NOT NULL DEFAULT 0,
                generation INTEGER NOT NULL DEFAULT 0,
                uploaded INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (record, sha256)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS record_files_by_unit ON record_files(unit);
            CREATE TABLE IF NOT EXISTS record_file_parts (
                record TEXT NOT NULL,
                sha256 BLOB NOT NULL,
                offset INTEGER NOT NULL,
                bytes BLOB NOT NULL,
                PRIMARY KEY (record, sha256, offset)
            );
            """)
        filesDB = files
        return files
    }

    /// The field naming the file with `sha256`.
    public static func fileField(_ sha256: [UInt8]) -> String { fileFieldPrefix + Hex.encode(sha256) }

    /// The hash a file field names; nil for any other field.
    public static func fileHash(ofField field: String) -> [UInt8]? {
        guard field.hasPrefix(fileFieldPrefix) else { return nil }
        let digits = field.utf8.dropFirst(fileFieldPrefix.utf8.count)
        guard digits.count == 64 else { return nil }
        return Hex.decode(String(decoding: digits, as: UTF8.self))
    }

    /// How much of a record's file this store holds.
    public struct FileState: Sendable, Equatable {
        public let key: FileKey
        public let size: Int
        /// Bytes held, from the start.
        public let have: Int
        /// Whether the hub confirmed it holds all of it (a replica), or it came from the hub.
        public let uploaded: Bool
        let generation: Int64
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
        /// Another size is already expected for this record's file.
        case sizeMismatch(expected: Int, given: Int)

        public var description: String {
            switch self {
            case .tooLarge(let size):
                Message.fileTooLarge.text(ReplicaStore.megabytes(size), size, ReplicaStore.megabytes(ReplicaStore.maxFileBytes), ReplicaStore.maxFileBytes)
            case .offset(let expected): Message.filePartOffset.text(expected)
            case .beyondSize(let size): Message.filePartBeyond.text(size)
            case .hashMismatch(let sha256): Message.fileHashMismatch.text(sha256.prefix(16))
            case .unknown(let sha256): Message.fileNotExpected.text(sha256.prefix(16))
            case .sizeMismatch(let expected, let given): Message.fileSizeExpected.text(expected, given)
            }
        }
    }

    /// `bytes` in MiB, to one decimal.
    public static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
    }

    public func fileState(_ key: FileKey) throws -> FileState? {
        try fileDatabase().cached("SELECT size, have, uploaded, generation FROM record_files WHERE record = ? AND sha256 = ?").first([key.record, key.sha256]) {
            FileState(key: key, size: Int($0.int64(0)), have: Int($0.int64(1)), uploaded: $0.int64(2) != 0, generation: $0.int64(3))
        }
    }

    /// Makes room for a record's file of `size` bytes to arrive in parts, counted against `unit`;
    /// harmless when it is expected with that size.
    public func expectFile(_ key: FileKey, size: Int, unit: String) throws {
        guard size > 0, size <= Self.maxFileBytes else { throw FileError.tooLarge(size: size) }
        if let state = try fileState(key) {
            guard state.size == size else { throw FileError.sizeMismatch(expected: state.size, given: size) }
            return
        }
        try fileDatabase().cached("INSERT INTO record_files (record, sha256, unit, size) VALUES (?, ?, ?, ?)").run([key.record, key.sha256, unit, Int64(size)])
    }

    /// Bytes of files held or expected for `unit`'s records.
    public func fileBytes(ofUnit unit: String) throws -> Int {
        Int(try fileDatabase().cached("SELECT coalesce(sum(size), 0) FROM record_files WHERE unit = ?").first([unit]) { $0.int64(0) } ?? 0)
    }

    /// Appends `bytes` at `offset`, which must be what is held. The part that completes the file
    /// is checked against its hash in the same transaction: a mismatch drops every part (the file
    /// is expected anew), and a file is never held whole without having matched. A part of nothing
    /// at the end of a whole file changes nothing.
    @discardableResult
    public func appendFile(_ key: FileKey, at offset: Int, _ bytes: [UInt8]) throws -> FileState {
        let files = try fileDatabase()
        let (state, hasher, mismatch): (FileState, SHA256Stream?, Bool) = try files.transaction(.immediate) {
            guard let state = try fileState(key) else { throw FileError.unknown(sha256: Hex.encode(key.sha256)) }
            if state.isComplete && offset == state.size && bytes.isEmpty { return (state, nil, false) }
            guard offset == state.have else { throw FileError.offset(expected: state.have) }
            guard offset + bytes.count <= state.size else { throw FileError.beyondSize(size: state.size) }
            var at = offset
            for start in stride(from: 0, to: bytes.count, by: Self.filePartBytes) {
                let part = Array(bytes[start..<min(bytes.count, start + Self.filePartBytes)])
                try files.cached("INSERT INTO record_file_parts (record, sha256, offset, bytes) VALUES (?, ?, ?, ?)").run([key.record, key.sha256, Int64(at), part])
                at += part.count
            }
            // The running hash takes the part; one made for other bytes (another generation, or
            // another process's) is not trusted, and what is held is hashed again, once.
            let hasher: SHA256Stream
            if let running = fileHashes[key], running.have == offset, running.generation == state.generation {
                hasher = running.hasher
                hasher.update(bytes)
            } else if offset == 0 {
                hasher = SHA256Stream()
                hasher.update(bytes)
            } else {
                hasher = SHA256Stream()
                try readFile(key) { hasher.update($0) }
            }
            if at == state.size, hasher.finish() != key.sha256 {
                // Every part goes, not only the last: which of them was damaged is unknown.
                try files.cached("DELETE FROM record_file_parts WHERE record = ? AND sha256 = ?").run([key.record, key.sha256])
                try files.cached("UPDATE record_files SET have = 0, generation = generation + 1 WHERE record = ? AND sha256 = ?").run([key.record, key.sha256])
                return (state, nil, true)
            }
            try files.cached("UPDATE record_files SET have = ? WHERE record = ? AND sha256 = ?").run([Int64(at), key.record, key.sha256])
            return (FileState(key: key, size: state.size, have: at, uploaded: state.uploaded, generation: state.generation), at == state.size ? nil : hasher, false)
        }
        // Kept only once what it covers is committed.
        fileHashes[key] = hasher.map { (state.have, state.generation, $0) }
        if mismatch { throw FileError.hashMismatch(sha256: Hex.encode(key.sha256)) }
        return state
    }

    /// Keeps a record's whole file held in memory (one being attached, or carried in a bundle).
    public func storeFile(_ key: FileKey, bytes: [UInt8], unit: String) throws {
        try expectFile(key, size: bytes.count, unit: unit)
        guard let state = try fileState(key), !state.isComplete else { return }
        if state.have > 0 { try drop(key, forget: false) }
        try appendFile(key, at: 0, bytes)
    }

    /// At most `maxBytes` of a held file from `offset`.
    public func fileBytes(_ key: FileKey, from offset: Int, maxBytes: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(maxBytes, Self.maxFileBytes))
        // Parts start at most a part's length before `offset`: only those overlapping are read.
        try fileDatabase().cached("SELECT offset, bytes FROM record_file_parts WHERE record = ? AND sha256 = ? AND offset > ? AND offset < ? ORDER BY offset")
            .forEach([key.record, key.sha256, Int64(offset - Self.filePartBytes), Int64(offset + maxBytes)]) { row in
                let start = Int(row.int64(0))
                let part = row.blob(1)
                guard start + part.count > offset else { return }
                out.append(contentsOf: part[max(0, offset - start)..<min(part.count, offset + maxBytes - start)])
            }
        return out
    }

    /// The held parts of a file, in order.
    public func readFile(_ key: FileKey, _ body: ([UInt8]) throws -> Void) throws {
        try fileDatabase().cached("SELECT bytes FROM record_file_parts WHERE record = ? AND sha256 = ? ORDER BY offset").forEach([key.record, key.sha256]) { try body($0.blob(0)) }
    }

    public func setFileUploaded(_ key: FileKey) throws {
        try fileDatabase().cached("UPDATE record_files SET uploaded = 1 WHERE record = ? AND sha256 = ?").run([key.record, key.sha256])
    }

    /// Forgets a record's file: its bytes and that it was expected (a file detached, a record deleted).
    public func dropFile(_ key: FileKey) throws { try drop(key, forget: true) }

    /// Drops a file's bytes; `forget`: and that it is expected, else it is expected anew.
    private func drop(_ key: FileKey, forget: Bool) throws {
        let files = try fileDatabase()
        try files.transaction(.immediate) {
            try files.cached("DELETE FROM record_file_parts WHERE record = ? AND sha256 = ?").run([key.record, key.sha256])
            try files.cached(forget ? "DELETE FROM record_files WHERE record = ? AND sha256 = ?"
                                    : "UPDATE record_files SET have = 0, generation = generation + 1 WHERE record = ? AND sha256 = ?").run([key.record, key.sha256])
        }
        fileHashes[key] = nil
    }

    /// Every record's file held or expected, optionally only `unit`'s.
    public func fileKeys(unit: String? = nil) throws -> [FileKey] {
        let files = try fileDatabase()
        let statement = try unit == nil ? files.cached("SELECT record, sha256 FROM record_files")
                                        : files.cached("SELECT record, sha256 FROM record_files WHERE unit = ?")
        return try statement.map(unit.map { [$0] } ?? []) { FileKey(record: $0.text(0), sha256: $0.blob(1)) }
    }

    /// The files held or expected for `record`.
    public func fileKeys(of record: String) throws -> [FileKey] {
        try fileDatabase().cached("SELECT sha256 FROM record_files WHERE record = ?").map([record]) { FileKey(record: record, sha256: $0.blob(0)) }
    }

    /// Every file a record names now (its field holds a description, not null): what this
    /// replica should hold, and send or fetch.
    public func fileReferences() throws -> [FileKey] {
        let refs = try db.cached("SELECT f.sha256, r.id FROM file_refs f JOIN records r ON r.ord = f.record ORDER BY r.id, f.sha256")
            .map([]) { FileKey(record: $0.text(1), sha256: $0.blob(0)) }
        return try refs.filter { key in
            let field = Self.fileField(key.sha256)
            guard let value = try self.record(key.record, only: [field])?[field] else { return false }
            return value != .null
        }
    }

    /// Notes that a change of `record` names a file (``merge(_:touched:)``).
    func noteFileReference(_ field: String, record: Int64) throws {
        guard let sha256 = Self.fileHash(ofField: field) else { return }
        try db.cached("INSERT OR IGNORE INTO file_refs (sha256, record) VALUES (?, ?)").run([sha256, record])
    }
}
