import Testing
import SQLite
import TestSupport

@Suite struct DatabaseTests {
    @Test func opensInWALWithBusyTimeout() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("a.sqlite"))
        #expect(try db.prepare("PRAGMA journal_mode").first { $0.text(0) } == "wal")
        #expect(try db.prepare("PRAGMA busy_timeout").first { $0.int(0) } == 5_000)
        #expect(try db.prepare("PRAGMA synchronous").first { $0.int(0) } == 2)  // FULL
        #expect(try db.prepare("PRAGMA foreign_keys").first { $0.int(0) } == 1)
    }

    @Test func cannotOpenReportsPath() {
        #expect {
            _ = try Database(path: "/nonexistent-dir/x/y.sqlite")
        } throws: { error in
            let e = error as? SQLiteError
            return e?.code == .cannotOpen && e!.message.contains("/nonexistent-dir/x/y.sqlite")
        }
    }

    @Test func everyStorageClassRoundTrips() throws {
        let db = try Database(path: ":memory:")
        // An untyped column has no affinity: SQLite stores exactly what was bound.
        try db.execute("CREATE TABLE t (v)")
        let values: [SQLiteValue] = [
            .null, .integer(0), .integer(.max), .integer(.min), .real(-1.5), .real(0),
            .text(""), .text("智慧医疗场景创新"), .text("a\u{0}b"), .blob([]), .blob([0, 1, 255]),
        ]
        for value in values { try db.run("INSERT INTO t (v) VALUES (?)", value) }
        let read = try db.rows("SELECT v FROM t ORDER BY rowid") { $0.value(0) }
        #expect(read == values)
    }

    @Test func emptyTextAndBlobAreNotNull() throws {
        let db = try Database(path: ":memory:")
        let row = try db.first("SELECT ? IS NULL, ? IS NULL, typeof(?), length(?)", "", [UInt8](), [UInt8](), "") {
            ($0.int(0), $0.int(1), $0.text(2), $0.int(3))
        }
        #expect(row?.0 == 0)
        #expect(row?.1 == 0)
        #expect(row?.2 == "blob")
        #expect(row?.3 == 0)
    }

    @Test func nullColumnsReadSafely() throws {
        let db = try Database(path: ":memory:")
        let row = try db.first("SELECT NULL, NULL") { ($0.text(0), $0.blob(1), $0.isNull(0)) }
        #expect(row?.0 == "")
        #expect(row?.1 == [])
        #expect(row?.2 == true)
    }

    @Test func valuesAreBoundNotSpliced() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (name TEXT)")
        let hostile = "x'); DROP TABLE t; --"
        try db.run("INSERT INTO t (name) VALUES (?)", hostile)
        #expect(try db.first("SELECT name FROM t") { $0.text(0) } == hostile)
    }

    @Test func wrongParameterCountIsAnError() throws {
        let db = try Database(path: ":memory:")
        #expect(throws: SQLiteError.self) { try db.run("SELECT ?, ?", 1) }
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
        try db.run("INSERT INTO t (v) VALUES (?)", "a")
        do {
            try db.run("INSERT INTO t (v) VALUES (?)", "a")
            Issue.record("expected a constraint error")
        } catch SQLiteError.Code.constraint {
            // matched by primary code
        }
        do {
            try db.run("INSERT INTO t (v) VALUES (?)", "a")
        } catch let error as SQLiteError {
            #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error.message.contains("UNIQUE"))
            #expect(error.sql == "INSERT INTO t (v) VALUES (?)")
            #expect(error.description.contains("INSERT INTO t"))
        }
        #expect { try db.prepare("SELEC nonsense") } throws: { ($0 as? SQLiteError)?.sql == "SELEC nonsense" }
    }

    @Test func statementCacheReusesPreparedStatements() throws {
        let db = try Database(path: ":memory:")
        let a = try db.cached("SELECT 1")
        let b = try db.cached("SELECT 1")
        #expect(a === b)
        #expect(try db.cached("SELECT 2") !== a)
    }

    @Test func transactionCommitsOrRollsBack() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try db.rows("SELECT v FROM t") { $0.int(0) } == [1])
        #expect(!db.isInTransaction)
    }

    @Test func aNestedTransactionIsASavepoint() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        struct Boom: Error {}
        let before = db.rollbacks
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            // The inner one fails: its work alone is undone; the outer goes on.
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
            #expect(db.isInTransaction)
        }
        #expect(try db.rows("SELECT v FROM t ORDER BY v") { $0.int(0) } == [1, 3])
        #expect(db.rollbacks == before + 1)
        // The outer one fails: the inner one's work goes with it.
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.transaction { try db.run("INSERT INTO t VALUES (4)") }
                throw Boom()
            }
        }
        #expect(try db.rows("SELECT v FROM t ORDER BY v") { $0.int(0) } == [1, 3])
        #expect(db.rollbacks == before + 2)
        #expect(!db.isInTransaction)
    }

    @Test func immediateTransactionTakesTheWriteLock() throws {
        let dir = TemporaryDirectory()
        let a = try Database(path: dir.file("lock.sqlite"))
        var options = Database.Options()
        options.busyTimeoutMilliseconds = 10
        let b = try Database(path: dir.file("lock.sqlite"), options: options)
        try a.execute("CREATE TABLE t (v INTEGER)")
        try a.transaction {
            #expect { try b.transaction {} } throws: { ($0 as? SQLiteError)?.code == .busy }
        }
        try b.transaction { try b.run("INSERT INTO t VALUES (1)") }
        #expect(try a.first("SELECT count(*) FROM t") { $0.int(0) } == 1)
    }
}
