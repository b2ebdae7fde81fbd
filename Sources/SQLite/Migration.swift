/// Schema versioning with `PRAGMA user_version`, or, for a layer keeping its own tables in a file
/// another layer versions (the hub's tables beside its replica store), with that layer's row in
/// `schema_versions`.
///
/// Migrations are numbered from 1, applied in order, each in its own transaction together with the
/// version bump, so a crash leaves the schema at a whole version. A database newer than the code
/// that opens it is refused rather than misread.
public struct Migrator {
    public struct Migration {
        public let version: Int
        public let name: String
        public let apply: (Database) throws -> Void
    }

    private var migrations: [Migration] = []
    /// Whose version this is: `nil` for the file's own (`user_version`).
    public let owner: String?

    public init(owner: String? = nil) { self.owner = owner }

    /// Registers migration `version` (1, 2, 3, … with no gaps).
    public mutating func add(version: Int, name: String, _ apply: @escaping (Database) throws -> Void) {
        precondition(version == migrations.count + 1, "migrations must be numbered 1, 2, 3… in order")
        migrations.append(Migration(version: version, name: name, apply: apply))
    }

    /// Registers a migration that runs fixed SQL.
    public mutating func add(version: Int, name: String, sql: String) {
        add(version: version, name: name) { try $0.execute(sql) }
    }

    public var latestVersion: Int { migrations.count }

    /// Brings `database` up to the latest version; returns the versions applied.
    @discardableResult
    public func migrate(_ database: Database) throws -> [Int] {
        let current = try version(of: database)
        guard current <= latestVersion else {
            throw SQLiteError(
                extendedCode: 1,
                message: "database \(database.path) has schema version \(current)\(owner.map { " of its \($0) tables" } ?? ""), newer than this program's \(latestVersion); upgrade tianbao to open it")
        }
        // All pending versions in one transaction: a file opened for the first time takes one
        // durable commit instead of one per version (~0.4 ms each here), and a version that fails
        // leaves the file at the version it had, never between.
        let pending = migrations.filter { $0.version > current }
        guard !pending.isEmpty else { return [] }
        try database.transaction {
            for migration in pending {
                try migration.apply(database)
                try setVersion(migration.version, of: database)
            }
        }
        return pending.map(\.version)
    }
}

extension Migrator {
    func version(of database: Database) throws -> Int {
        guard let owner else { return try database.userVersion() }
        try database.execute("CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID")
        return try database.first("SELECT version FROM schema_versions WHERE owner = ?", owner) { $0.int(0) } ?? 0
    }

    func setVersion(_ version: Int, of database: Database) throws {
        guard let owner else { return try database.execute("PRAGMA user_version=\(version)") }
        try database.run("INSERT INTO schema_versions (owner, version) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET version = excluded.version",
                         owner, version)
    }
}

extension Database {
    /// The schema version stored in the file (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        try prepare("PRAGMA user_version").first { $0.int(0) } ?? 0
    }
}
