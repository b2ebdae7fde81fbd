import SQLite

/// The statements every merged change runs, prepared once per store and held directly: the hot
/// path pays neither parsing nor a cache lookup.
struct MergeStatements {
    let insertChange: Statement
    let insertEntry: Statement
    /// ``MergeRows/perStatement`` rows at once.
    let insertEntries: Statement
    let insertNewChange: Statement
    let insertNewChanges: Statement
    /// One per operation that retires (RetireRule, in SQL): set, add/remove, delete, restore.
    let retireBySet: Statement
    let retireBySetElement: Statement
    let retireByDelete: Statement
    let retireByRestore: Statement
    let entryExists: Statement
    let rememberPending: Statement
    let takePending: Statement
    let dropPending: Statement
    let changeExists: Statement
    let recordArrival: Statement
    let markFirstArrival: Statement

    init(_ db: Database) throws {
        insertChange = try db.prepare("""
            INSERT OR IGNORE INTO changes (key, hlc, record, field, op, vtype, value, supersedes, author)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEntry = try db.prepare("INSERT INTO entries (record, key, field, op, live) VALUES (?, ?, ?, ?, ?)")
        let n = MergeRows.perStatement
        insertEntries = try db.prepare("INSERT INTO entries (record, key, field, op, live) VALUES "
                                       + Array(repeating: "(?, ?, ?, ?, ?)", count: n).joined(separator: ", "))
        // Without OR IGNORE: a change taken for new that the store holds fails the batch.
        let newChange = "INSERT INTO changes (key, hlc, record, field, op, vtype, value, supersedes, author) VALUES "
        insertNewChange = try db.prepare(newChange + "(?, ?, ?, ?, ?, ?, ?, ?, ?)")
        insertNewChanges = try db.prepare(newChange + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", "))
        retireBySet = try db.prepare("UPDATE entries SET live = 0 WHERE record = ?1 AND key = ?2 AND field = ?3 AND op <> 3")
        retireBySetElement = try db.prepare("UPDATE entries SET live = 0 WHERE record = ?1 AND key = ?2 AND field = ?3 AND op = 1")
        retireByDelete = try db.prepare("""
            UPDATE entries SET live = 0 WHERE record = ?1 AND key = ?2
            AND (op = 3 OR field NOT IN (SELECT ord FROM fields WHERE substr(name, 1, 1) = '_'))
            """)
        retireByRestore = try db.prepare("UPDATE entries SET live = 0 WHERE record = ?1 AND key = ?2 AND op = 3")
        entryExists = try db.prepare("SELECT 1 FROM entries WHERE record = ? AND key = ?")
        rememberPending = try db.prepare("INSERT OR IGNORE INTO pending (record, key, by_field, by_op) VALUES (?, ?, ?, ?)")
        // ?3 the arriving entry's field, ?4 its op, ?5 whether its field is reserved.
        takePending = try db.prepare("""
            DELETE FROM pending WHERE record = ?1 AND key = ?2 AND (
                (by_op = 0 AND by_field = ?3 AND ?4 <> 3)
                OR (by_op IN (1, 2) AND by_field = ?3 AND ?4 = 1)
                OR (by_op = 3 AND (?4 = 3 OR ?5 = 0))
                OR (by_op = 4 AND ?4 = 3))
            """)
        dropPending = try db.prepare("DELETE FROM pending WHERE record = ? AND key = ?")
        changeExists = try db.prepare("SELECT 1 FROM changes WHERE key = ?")
        recordArrival = try db.prepare("INSERT INTO arrivals (key) VALUES (?)")
        markFirstArrival = try db.prepare("UPDATE records SET first_arrival = ? WHERE ord = ?")
    }
}
