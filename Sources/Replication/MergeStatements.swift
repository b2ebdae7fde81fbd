import SQLite

/// The statements every merged change runs, prepared once per store and held directly: the hot
/// path pays neither parsing nor a cache lookup.
struct MergeStatements {
    let insertChange: Statement
    let insertEntry: Statement
    let supersede: Statement
    let rememberPending: Statement
    let takePending: Statement
    let changeExists: Statement
    let recordArrival: Statement
    let markFirstArrival: Statement

    init(_ db: Database) throws {
        insertChange = try db.prepare("""
            INSERT OR IGNORE INTO changes (key, hlc, record, field, op, vtype, value, supersedes, author)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEntry = try db.prepare("INSERT INTO entries (record, key, field, op, live) VALUES (?, ?, ?, ?, ?)")
        supersede = try db.prepare("UPDATE entries SET live = 0 WHERE record = ? AND key = ?")
        rememberPending = try db.prepare("INSERT OR IGNORE INTO pending (record, key) VALUES (?, ?)")
        takePending = try db.prepare("DELETE FROM pending WHERE record = ? AND key = ?")
        changeExists = try db.prepare("SELECT 1 FROM changes WHERE key = ?")
        recordArrival = try db.prepare("INSERT INTO arrivals (key) VALUES (?)")
        markFirstArrival = try db.prepare("UPDATE records SET first_arrival = ? WHERE ord = ?")
    }
}
