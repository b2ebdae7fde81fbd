import Testing
import SQLite
import TestSupport

@Suite struct MigratorTests {
    func migrator(failingAt failing: Int? = nil) -> Migrator {
        var m = Migrator()
        m.add(version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER)")
        m.add(version: 2, name: "two") { db in
            try db.execute("CREATE TABLE b (y INTEGER)")
            if failing == 2 { try db.execute("NOT SQL") }
        }
        return m
    }

    @Test func appliesInOrderAndRecordsTheVersion() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("m.sqlite"))
        #expect(try migrator().migrate(db) == [1, 2])
        #expect(try db.userVersion() == 2)
        #expect(try migrator().migrate(db) == [])
    }

    /// The pending versions are applied in one transaction: a failure leaves the file as it was,
    /// never between two versions, and the next run applies them all again.
    @Test func aFailedMigrationLeavesTheVersionTheFileHad() throws {
        let db = try Database(path: ":memory:")
        #expect(throws: SQLiteError.self) { try migrator(failingAt: 2).migrate(db) }
        #expect(try db.userVersion() == 0)
        #expect(try db.first("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')") { $0.int(0) } == 0)
        #expect(try migrator().migrate(db) == [1, 2])
        // From a file at version 1, a failing version 2 leaves it at 1.
        let older = try Database(path: ":memory:")
        var first = Migrator()
        first.add(version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER)")
        #expect(try first.migrate(older) == [1])
        #expect(throws: SQLiteError.self) { try migrator(failingAt: 2).migrate(older) }
        #expect(try older.userVersion() == 1)
        #expect(try migrator().migrate(older) == [2])
    }

    @Test func refusesADatabaseFromANewerProgram() throws {
        let db = try Database(path: ":memory:")
        try db.execute("PRAGMA user_version=9")
        #expect { try migrator().migrate(db) } throws: { ($0 as? SQLiteError)?.message.contains("newer") == true }
    }

    /// A layer with its own tables in another layer's file keeps its own version beside the file's.
    @Test func anOwnersVersionIsKeptApartFromTheFiles() throws {
        let db = try Database(path: ":memory:")
        #expect(try migrator().migrate(db) == [1, 2])
        var hub = Migrator(owner: "hub")
        hub.add(version: 1, name: "hub tables", sql: "CREATE TABLE h (v INTEGER)")
        #expect(try hub.migrate(db) == [1])
        #expect(try hub.migrate(db) == [])
        #expect(try db.userVersion() == 2)
        #expect(try migrator().migrate(db) == [])
        hub.add(version: 2, name: "more", sql: "ALTER TABLE h ADD COLUMN w TEXT")
        #expect(try hub.migrate(db) == [2])
        try db.run("UPDATE schema_versions SET version = 7 WHERE owner = 'hub'")
        #expect { try hub.migrate(db) } throws: { ($0 as? SQLiteError)?.message.contains("of its hub tables, newer") == true }
    }
}
