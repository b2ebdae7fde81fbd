import SQLite

/// The replica store's tables. Each migration is forever: change the schema by adding one.
enum StoreSchema {
    static var migrator: Migrator {
        var m = Migrator()
        m.add(version: 1, name: "replica store", sql: """
            -- Facts about this replica: its id, the clock's last stamp.
            CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;

            -- Every replica this store has heard of, numbered locally so a dot packs into one
            -- integer key (ord << 40 | seq). contiguous is the version vector's entry; max_seq
            -- is the highest sequence held, above contiguous when changes arrived out of order.
            CREATE TABLE replicas (
                ord INTEGER PRIMARY KEY,
                id BLOB NOT NULL UNIQUE,
                contiguous INTEGER NOT NULL DEFAULT 0,
                max_seq INTEGER NOT NULL DEFAULT 0
            );

            CREATE TABLE records (
                ord INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                collection TEXT NOT NULL
            );
            CREATE INDEX records_by_collection ON records(collection, id);

            -- Field names, numbered locally: a change's row holds the number, not the name twice.
            CREATE TABLE fields (
                ord INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );

            -- The change log, append-only, keyed by dot: what replicates, and the history.
            CREATE TABLE changes (
                key INTEGER PRIMARY KEY,
                hlc INTEGER NOT NULL,
                record INTEGER NOT NULL,
                field INTEGER NOT NULL,
                op INTEGER NOT NULL,
                vtype INTEGER,
                value,
                supersedes BLOB,
                author TEXT
            );

            -- Every change by record, with whether it is still live (superseded by nothing).
            -- A record's current state is its live entries: one short range scan.
            CREATE TABLE entries (
                record INTEGER NOT NULL,
                key INTEGER NOT NULL,
                field INTEGER NOT NULL,
                op INTEGER NOT NULL,
                live INTEGER NOT NULL,
                PRIMARY KEY (record, key)
            ) WITHOUT ROWID;

            -- Dots superseded by a change that arrived before them: they arrive already dead.
            CREATE TABLE pending (
                record INTEGER NOT NULL,
                key INTEGER NOT NULL,
                PRIMARY KEY (record, key)
            ) WITHOUT ROWID;
            """)
        m.add(version: 2, name: "arrival log", sql: """
            -- The order changes reached this store. Kept only by stores that serve others (the
            -- hub): its cursor per replica walks this log.
            CREATE TABLE arrivals (
                seq INTEGER PRIMARY KEY,
                key INTEGER NOT NULL
            );
            """)
        m.add(version: 3, name: "first arrival of each record", sql: """
            -- Where in the arrival log a record's first change lies: a hub walking the log knows
            -- a record it meets there for the first time has no earlier history to send.
            ALTER TABLE records ADD COLUMN first_arrival INTEGER;
            """)
        m.add(version: 4, name: "the retire rule per field") { db in
            try db.execute("""
                -- A dot listed before it arrived, with the field and operation of the change that
                -- listed it: when it arrives it is dead only if that change may retire it (RetireRule).
                CREATE TABLE pending_by_class (
                    record INTEGER NOT NULL,
                    key INTEGER NOT NULL,
                    by_field INTEGER NOT NULL,
                    by_op INTEGER NOT NULL,
                    PRIMARY KEY (record, key, by_field, by_op)
                ) WITHOUT ROWID;
                DROP TABLE pending;
                ALTER TABLE pending_by_class RENAME TO pending;
                UPDATE entries SET live = CASE WHEN op IN (0, 1, 3) THEN 1 ELSE 0 END;
                """)
            try replayListings(db)
        }
        m.add(version: 5, name: "projected rows", sql: """
            -- Derived rows a layer above asks the store to keep (Projection): one per record, in
            -- key order. The tables of earlier builds' own projection go; their rows are derived again.
            DROP TABLE IF EXISTS projection_rows;
            DROP TABLE IF EXISTS projection_meta;
            DROP TABLE IF EXISTS table_rows;
            DROP TABLE IF EXISTS table_rows_meta;
            DROP TABLE IF EXISTS projected_rows;
            DROP TABLE IF EXISTS projections;
            CREATE TABLE projected_rows (
                projection TEXT NOT NULL,
                key BLOB NOT NULL,
                record TEXT NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (projection, key)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX projected_rows_by_record ON projected_rows(projection, record);
            -- Where each projection's rows stand: the signature and version vector they match.
            CREATE TABLE projections (name TEXT PRIMARY KEY, signature TEXT NOT NULL, vector TEXT NOT NULL) WITHOUT ROWID;
            """)
        m.add(version: 6, name: "change chains", sql: """
            -- Signed heads of each origin's hash chain (ChangeChain in SyncProtocol): the hub keeps
            -- every head it accepted or made; a replica every head it verified, with the interval's
            -- base hash and all its leaves, so 'tianbao verify' can check again what it holds.
            CREATE TABLE IF NOT EXISTS chain_heads (
                origin BLOB NOT NULL,
                seq INTEGER NOT NULL,
                hash BLOB NOT NULL,
                signer BLOB NOT NULL,
                signature BLOB NOT NULL,
                first INTEGER,
                base BLOB,
                leaves BLOB,
                PRIMARY KEY (origin, seq)
            ) WITHOUT ROWID;
            -- Changes received that did not verify: never applied, kept to be shown and reported.
            CREATE TABLE IF NOT EXISTS kept_apart (
                origin BLOB NOT NULL,
                seq INTEGER NOT NULL,
                change BLOB NOT NULL,
                reason TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (origin, seq)
            ) WITHOUT ROWID;
            """)
        m.add(version: 7, name: "heads an origin signed itself", sql: """
            -- Where an origin's own signing began, asked for every page a replica verifies: without
            -- it the question walks every head of the origin, leaves and all.
            CREATE INDEX IF NOT EXISTS chain_heads_self_signed ON chain_heads(origin, seq) WHERE signer = origin;
            """)
        m.add(version: 8, name: "records naming attached files", sql: """
            -- Which records name which attached file (a field _file.<sha256>); the files' bytes are
            -- in a database of their own beside this one (ReplicaStore+Files).
            CREATE TABLE IF NOT EXISTS file_refs (
                sha256 BLOB NOT NULL,
                record INTEGER NOT NULL,
                PRIMARY KEY (sha256, record)
            ) WITHOUT ROWID;
            """)
        m.add(version: 9, name: "readers of records and arrivals", sql: """
            -- Who may read each record, as keys a layer above names (ReaderRule): they only grow.
            CREATE TABLE IF NOT EXISTS record_readers (
                record INTEGER NOT NULL,
                reader TEXT NOT NULL,
                PRIMARY KEY (record, reader)
            ) WITHOUT ROWID;
            -- Each arrival under each key its record had when it arrived: a reader's walk of the
            -- arrival log reads its own keys' positions.
            CREATE TABLE IF NOT EXISTS arrival_readers (
                reader TEXT NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (reader, position)
            ) WITHOUT ROWID;
            """)
        return m
    }

    /// Recomputes which entries are live, and which listed dots are still awaited, from every
    /// change's `supersedes` under ``RetireRule`` — of one record, or of the whole store. A store
    /// written under the earlier rule (a listing retired any entry of its record) then shows what a
    /// replica cloned afresh shows; a record whose changes were taken back shows what the rest say.
    static func replayListings(_ db: Database, record only: Int64? = nil) throws {
        let scope = only == nil ? "" : " WHERE record = ?1"
        let bound: [any SQLiteBindable] = only.map { [$0] } ?? []
        try db.prepare("UPDATE entries SET live = CASE WHEN op IN (0, 1, 3) THEN 1 ELSE 0 END" + scope).run(bound)
        try db.prepare("DELETE FROM pending" + scope).run(bound)
        var names: [Int64: String] = [:]
        try db.prepare("SELECT ord, name FROM fields").forEach { names[$0.int64(0)] = $0.text(1) }
        let entry = try db.prepare("SELECT field, op FROM entries WHERE record = ? AND key = ?")
        let retire = try db.prepare("UPDATE entries SET live = 0 WHERE record = ? AND key = ?")
        let awaited = try db.prepare("INSERT OR IGNORE INTO pending (record, key, by_field, by_op) VALUES (?, ?, ?, ?)")
        try db.prepare("SELECT record, field, op, supersedes FROM changes WHERE supersedes IS NOT NULL" + (only == nil ? "" : " AND record = ?1"))
            .forEach(bound) { row in
            let (record, field, opCode) = (row.int64(0), row.int64(1), row.int64(2))
            guard let op = Operation(code: opCode) else { return }
            for key in StoredChange.decodeKeys(row.blob(3)) {
                if let (entryField, entryOp) = try entry.first([record, key], { ($0.int64(0), $0.int64(1)) }) {
                    guard let entryOp = Operation(code: entryOp),
                          RetireRule.retires(op, names[field] ?? "", entry: entryOp, names[entryField] ?? "") else { continue }
                    try retire.run([record, key])
                } else {
                    try awaited.run([record, key, field, opCode])
                }
            }
        }
    }
}
