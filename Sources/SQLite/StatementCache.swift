/// Prepared statements kept by their SQL, so a hot statement is parsed once per connection.
///
/// Statements are prepared with `SQLITE_PREPARE_PERSISTENT`, and the cache is emptied before its
/// database closes (a statement outliving its connection would keep it open).
struct StatementCache {
    private var statements: [String: Statement] = [:]

    mutating func statement(_ sql: String, prepare: (String) throws -> Statement) rethrows -> Statement {
        if let cached = statements[sql] { return cached }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    mutating func removeAll() { statements.removeAll() }

    var count: Int { statements.count }
}
