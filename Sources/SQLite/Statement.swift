import CSQLite

/// A prepared statement. It owns its handle and finalises it when released.
///
/// Bind values by position (1-based, as SQLite counts), step through rows, read columns by
/// position (0-based). A statement belongs to the thread that uses its database.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL this statement was prepared from, for error messages.
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String, persistent: Bool) throws {
        var stmt: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, flags, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(rc, sql: sql)
        }
        self.handle = stmt
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Binds one value to the parameter at `index` (1-based).
    public func bind(_ value: some SQLiteBindable, at index: Int32) throws {
        try bind(value.sqliteValue, at: index)
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try check(sqlite3_bind_null(handle, index))
        case .integer(let v): try bind(integer: v, at: index)
        case .real(let v): try check(sqlite3_bind_double(handle, index, v))
        case .text(let v): try bind(text: v, at: index)
        case .blob(let v): try bind(blob: v, at: index)
        }
    }

    /// Binds an integer without going through ``SQLiteValue``: for hot loops.
    @inline(__always)
    public func bind(integer value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds text without going through ``SQLiteValue``: for hot loops.
    public func bind(text value: String, at index: Int32) throws {
        var value = value
        let rc = value.withUTF8 { buf in
            // A NULL pointer would bind SQL NULL; an empty string must stay empty text.
            guard let base = buf.baseAddress, buf.count > 0 else {
                return tianbao_bind_text_transient(handle, index, "", 0)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                tianbao_bind_text_transient(handle, index, $0, Int32(buf.count))
            }
        }
        try check(rc)
    }

    public func bind(blob value: [UInt8], at index: Int32) throws {
        let rc = value.withUnsafeBytes { buf in
            // A NULL pointer would bind SQL NULL; an empty blob must stay a zero-length blob.
            if let base = buf.baseAddress {
                tianbao_bind_blob_transient(handle, index, base, Int32(buf.count))
            } else {
                sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
        try check(rc)
    }

    @inline(__always)
    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
    }

    /// Clears previous bindings and binds `values` to parameters 1, 2, …
    public func bind(_ values: [any SQLiteBindable]) throws {
        try reset()
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "statement takes \(expected) parameters but \(values.count) values were given",
                sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value.sqliteValue, at: Int32(offset + 1))
        }
    }

    // MARK: Stepping

    /// Advances to the next row. Returns `false` when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again, and clears its bindings (the copies of the
    /// values bound are freed).
    public func reset() throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Runs the statement with its current bindings to completion and rewinds it (bindings are
    /// kept): the hot path, after binding each parameter with ``bind(_:at:)``.
    public func execute() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `values`, runs the statement to completion and rewinds it.
    public func run(_ values: [any SQLiteBindable] = []) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `values` and calls `body` once per row.
    public func forEach(_ values: [any SQLiteBindable] = [], _ body: (Statement) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    /// Binds `values` and maps every row.
    public func map<T>(_ values: [any SQLiteBindable] = [], _ transform: (Statement) throws -> T) throws -> [T] {
        var rows: [T] = []
        try forEach(values) { rows.append(try transform($0)) }
        return rows
    }

    /// Binds `values` and maps the first row, if any.
    public func first<T>(_ values: [any SQLiteBindable] = [], _ transform: (Statement) throws -> T) throws -> T? {
        try bind(values)
        defer { sqlite3_reset(handle) }
        return try step() ? transform(self) : nil
    }

    // MARK: Columns of the current row

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// The column as text; SQL NULL reads as an empty string (check `isNull` to tell them apart).
    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Lends the column's text as UTF-8 bytes, valid only inside `body`: for a reader that
    /// parses the text, without making a String of it first.
    public func withText<T>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let pointer = sqlite3_column_text(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// The column as bytes; SQLite returns NULL for an empty blob, which reads as `[]`.
    public func blob(_ index: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func value(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(int64(index))
        case SQLITE_FLOAT: .real(double(index))
        case SQLITE_TEXT: .text(text(index))
        case SQLITE_BLOB: .blob(blob(index))
        default: .null
        }
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
