import CSQLite

/// One SQLite connection: opening with the settings Tianbao relies on, statements, and errors.
///
/// A `Database` is used by one thread at a time; a server wraps it in a lock or owns it on one
/// queue. Writes go through ``transaction(_:_:)``.
public final class Database {
    let handle: OpaquePointer
    /// The file this connection opened (`:memory:` for an in-memory database).
    public let path: String
    private var cache = StatementCache()
    private var isClosed = false
    /// How many transactions and savepoints have been rolled back on this connection.
    public internal(set) var rollbacks = 0

    /// How a connection is opened.
    public struct Options: Sendable {
        /// Write-ahead logging: readers never block the writer, and a commit is one append.
        public var journalModeWAL = true
        /// `FULL` makes every commit durable when it returns; `NORMAL` may lose the last commits
        /// on power loss (never consistency).
        public var synchronous: Synchronous = .full
        /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
        public var busyTimeoutMilliseconds: Int32 = 5_000
        public var foreignKeys = true
        public var readOnly = false
        /// The page size of a database this opening creates (an existing one keeps its own).
        /// Large pages suit a file of large blobs: fewer overflow pages to chain and walk.
        public var pageSize: Int?
        public init() {}
    }

    public enum Synchronous: String, Sendable { case off = "OFF", normal = "NORMAL", full = "FULL" }

    /// Opens (creating when missing) the database at `path`.
    public init(path: String, options: Options = Options()) throws {
        var db: OpaquePointer?
        let flags = options.readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(extendedCode: rc, message: "cannot open database at \(path): \(message)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        do {
            sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
            if let pageSize = options.pageSize { try execute("PRAGMA page_size=\(pageSize)") }
            if options.journalModeWAL && !options.readOnly && path != ":memory:" {
                // The pragma answers with the mode now in force; a mode SQLite refused is an error.
                let mode = try prepare("PRAGMA journal_mode=WAL").first { $0.text(0) }
                guard mode?.lowercased() == "wal" else {
                    throw SQLiteError(extendedCode: SQLITE_ERROR,
                                      message: "could not switch \(path) to WAL (journal mode is \(mode ?? "unknown"))")
                }
            }
            try execute("PRAGMA synchronous=\(options.synchronous.rawValue)")
            try execute("PRAGMA foreign_keys=\(options.foreignKeys ? "ON" : "OFF")")
        } catch {
            sqlite3_close_v2(db)
            isClosed = true
            throw error
        }
    }

    deinit { if !isClosed { closeNow() } }

    /// Finalises cached statements and closes the connection. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        closeNow()
    }

    private func closeNow() {
        cache.removeAll()
        sqlite3_close_v2(handle)
        isClosed = true
    }

    // MARK: Statements

    /// Prepares a statement the caller owns (not cached).
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql, persistent: false)
    }

    /// The cached prepared statement for `sql`: hot statements are parsed once per connection.
    public func cached(_ sql: String) throws -> Statement {
        try cache.statement(sql) { try Statement(database: self, sql: $0, persistent: true) }
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs a cached statement with bound `values`.
    public func run(_ sql: String, _ values: any SQLiteBindable...) throws {
        try cached(sql).run(values)
    }

    /// The rows of a cached statement with bound `values`, each mapped by `transform`.
    public func rows<T>(_ sql: String, _ values: any SQLiteBindable..., map transform: (Statement) throws -> T) throws -> [T] {
        try cached(sql).map(values, transform)
    }

    /// The first row of a cached statement, mapped, or `nil` when there is none.
    public func first<T>(_ sql: String, _ values: any SQLiteBindable..., map transform: (Statement) throws -> T) throws -> T? {
        try cached(sql).first(values, transform)
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The connection's current error, as thrown by this layer.
    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        return SQLiteError(
            extendedCode: extended == SQLITE_OK ? rc : extended,
            message: String(cString: sqlite3_errmsg(handle)),
            sql: sql)
    }
}

@available(*, unavailable)
extension Database: Sendable {}
