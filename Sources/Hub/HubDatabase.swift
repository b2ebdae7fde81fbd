import Crypto
@_spi(SharedFile) import Replication
import SQLite

/// The hub's own tables, in the same SQLite file as its replica store and on the store's one
/// connection, so a sync is one transaction: enrolled replicas with the hash of their token, what
/// each replica has been granted whole, refused and withdrawn dots, retired copies of a folder.
/// This is the only file of the hub that speaks SQL.
final class HubDatabase {
    let db: Database

    init(store: ReplicaStore) throws {
        db = store.sharedConnection
        try Self.migrator.migrate(db)
    }

    /// The hub's schema, versioned apart from the store's (which owns `user_version`).
    static var migrator: Migrator {
        var m = Migrator(owner: "hub")
        // Hubs made before migrations created these tables at every start, and added columns as
        // they came: version 1 does the same, idempotently, so an older hub's file opens as is.
        m.add(version: 1, name: "hub tables") { db in
            try db.execute("""
                CREATE TABLE IF NOT EXISTS hub_enrollments (
                    replica TEXT PRIMARY KEY,
                    org TEXT NOT NULL,
                    role TEXT NOT NULL,
                    token_hash BLOB NOT NULL,
                    label TEXT,
                    created INTEGER NOT NULL,
                    revoked INTEGER,
                    last_sync INTEGER,
                    last_status INTEGER
                );
                -- A record sent whole to a replica, and the arrival position it was sent at.
                CREATE TABLE IF NOT EXISTS hub_grants (
                    replica TEXT NOT NULL,
                    record TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (replica, record)
                ) WITHOUT ROWID;
                -- Copies of a replica's folder that another copy replaced when it recovered its own changes.
                CREATE TABLE IF NOT EXISTS hub_retired_instances (
                    replica TEXT NOT NULL,
                    instance TEXT NOT NULL,
                    PRIMARY KEY (replica, instance)
                ) WITHOUT ROWID;
                -- Changes the hub refused: the only ones a replica may withdraw.
                CREATE TABLE IF NOT EXISTS hub_refused (
                    replica TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (replica, seq)
                ) WITHOUT ROWID;
                -- Own changes a replica withdrew after the hub refused them.
                CREATE TABLE IF NOT EXISTS hub_withdrawn (
                    replica TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    code TEXT,
                    PRIMARY KEY (replica, seq)
                ) WITHOUT ROWID;
                """)
            let columns = Set(try db.rows("PRAGMA table_info(hub_enrollments)") { $0.text(1) })
            for (name, type) in [("public_key", "BLOB"), ("key_registered", "INTEGER"), ("drained_at", "INTEGER"), ("drained_seq", "INTEGER"),
                                 ("received", "INTEGER"), ("instance", "TEXT")]
            where !columns.contains(name) {
                try db.execute("ALTER TABLE hub_enrollments ADD COLUMN \(name) \(type)")
            }
        }
        m.add(version: 2, name: "audit trail", sql: """
            -- What administrators and replicas did to the hub beyond syncing (AuditEntry): append-only,
            -- each entry carrying the hash of the one before.
            CREATE TABLE hub_audit (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                by TEXT NOT NULL,
                event TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL,
                previous TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            """)
        m.add(version: 3, name: "stamps", sql: """
            -- A unit's table received and stamped (盖章) at the province: which content, by whom, when.
            CREATE TABLE hub_stamps (
                call TEXT NOT NULL,
                tbl TEXT NOT NULL,
                unit TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                sources TEXT NOT NULL,
                by TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE INDEX hub_stamps_by_table ON hub_stamps(call, tbl, unit, at);
            """)
        m.add(version: 4, name: "signed audit entries", sql: """
            -- The hub's Ed25519 signature over each entry's hash, with a key kept outside this file.
            ALTER TABLE hub_audit ADD COLUMN signature TEXT;
            """)
        m.add(version: 5, name: "grants by position", sql: """
            -- A page passing a grant's position sends the record whole (PROTOCOL.md 2.4): found by position.
            CREATE INDEX hub_grants_by_position ON hub_grants(replica, position);
            """)
        return m
    }

    // MARK: Stamps

    func addStamp(_ stamp: Hub.Stamp) throws {
        try db.run("INSERT INTO hub_stamps (call, tbl, unit, sha256, sources, by, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   stamp.call, stamp.table, stamp.unit, stamp.sha256, stamp.sources, stamp.by, stamp.at)
    }

    /// Every stamp, the latest first.
    func stamps() throws -> [Hub.Stamp] {
        try db.rows("SELECT call, tbl, unit, sha256, sources, by, at FROM hub_stamps ORDER BY at DESC, rowid DESC") {
            Hub.Stamp(call: $0.text(0), table: $0.text(1), unit: $0.text(2), sha256: $0.text(3), sources: $0.text(4), by: $0.text(5), at: $0.int64(6))
        }
    }

    /// The latest stamp of a unit's table (`unit` empty: the province-wide one).
    func latestStamp(call: String, table: String, unit: String) throws -> Hub.Stamp? {
        try db.first("SELECT sha256, sources, by, at FROM hub_stamps WHERE call = ? AND tbl = ? AND unit = ? ORDER BY at DESC, rowid DESC LIMIT 1",
                     call, table, unit) {
            Hub.Stamp(call: call, table: table, unit: unit, sha256: $0.text(0), sources: $0.text(1), by: $0.text(2), at: $0.int64(3))
        }
    }

    // MARK: Audit trail

    /// Appends an entry after the last one, chained to it.
    func appendAudit(at: Int64, by: String, event: AuditEntry.Event, subject: String, detail: [(String, String)], signingKey: [UInt8]?) throws {
        let last = try db.first("SELECT seq, hash FROM hub_audit ORDER BY seq DESC LIMIT 1") { ($0.int64(0), $0.text(1)) }
        let seq = (last?.0 ?? 0) + 1
        let previous = last?.1 ?? AuditEntry.origin
        let hash = AuditEntry.digest(seq: seq, at: at, by: by, event: event, subject: subject, detail: detail, previous: previous)
        let signature = try signingKey.map { Hex.encode(try Ed25519.sign(Array(hash.utf8), privateKey: $0)) }
        try db.run("INSERT INTO hub_audit (seq, at, by, event, subject, detail, previous, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   seq, at, by, event.rawValue, subject, AuditEntry.text(detail), previous, hash, signature)
    }

    /// Whether the trail holds an entry of `event`.
    func hasAudit(_ event: AuditEntry.Event) throws -> Bool {
        try db.first("SELECT 1 FROM hub_audit WHERE event = ? LIMIT 1", event.rawValue) { _ in true } ?? false
    }

    /// Every entry, in order; an entry whose event this build does not know is read as it is stored
    /// and fails its hash.
    func auditEntries() throws -> [AuditEntry] {
        try db.rows("SELECT seq, at, by, event, subject, detail, previous, hash, signature FROM hub_audit ORDER BY seq") { row in
            AuditEntry(seq: row.int64(0), at: row.int64(1), by: row.text(2), event: AuditEntry.Event(rawValue: row.text(3)) ?? .stamp,
                       subject: row.text(4), detail: AuditEntry.detail(row.text(5)), previous: row.text(6), hash: row.text(7),
                       signature: row.isNull(8) ? nil : Hex.decode(row.text(8)))
        }
    }


    // MARK: Enrolments

    struct Enrollment: Sendable, Equatable {
        let replica: ReplicaID
        let org: String
        let role: String
        let label: String?
        let created: Int64
        let revoked: Int64?
        let lastSync: Int64?
        let lastStatus: Int?
    }

    func insertEnrollment(replica: ReplicaID, org: String, role: String, tokenHash: [UInt8], label: String?, now: Int64) throws {
        try db.run("INSERT INTO hub_enrollments (replica, org, role, token_hash, label, created) VALUES (?, ?, ?, ?, ?, ?)",
                   replica.hex, org, role, tokenHash, label, now)
    }

    func enrollment(_ replica: ReplicaID) throws -> (Enrollment, [UInt8])? {
        try db.first("SELECT replica, org, role, label, created, revoked, last_sync, last_status, token_hash FROM hub_enrollments WHERE replica = ?",
                     replica.hex) { (Self.enrollment(from: $0), $0.blob(8)) }
    }

    func enrollments() throws -> [Enrollment] {
        try db.rows("SELECT replica, org, role, label, created, revoked, last_sync, last_status FROM hub_enrollments ORDER BY created, replica",
                    map: Self.enrollment(from:))
    }

    @discardableResult
    func revoke(_ replica: ReplicaID, now: Int64) throws -> Bool {
        try db.run("UPDATE hub_enrollments SET revoked = ? WHERE replica = ? AND revoked IS NULL", now, replica.hex)
        return db.changes == 1
    }

    /// Notes a sync request's outcome. `drained` is the replica's received count when it pushed
    /// nothing and the hub answered 200: it had nothing left to push then, so what it pushes later
    /// above that count was made after `now` (PROTOCOL.md 2.3, stamps).
    func noteSync(_ replica: ReplicaID, status: Int, now: Int64, drained: UInt64?) throws {
        if let drained {
            try db.run("UPDATE hub_enrollments SET last_sync = ?, last_status = ?, drained_at = ?, drained_seq = ? WHERE replica = ?",
                       now, status, now, Int64(drained), replica.hex)
        } else {
            try db.run("UPDATE hub_enrollments SET last_sync = ?, last_status = ? WHERE replica = ?", now, status, replica.hex)
        }
    }

    /// When the replica last had nothing left to push, and how many of its changes the hub held then.
    func lastDrained(_ replica: ReplicaID) throws -> (at: Int64, seq: UInt64)? {
        try db.first("SELECT drained_at, drained_seq FROM hub_enrollments WHERE replica = ? AND drained_at IS NOT NULL", replica.hex) {
            ($0.int64(0), UInt64($0.int64(1)))
        }
    }

    // MARK: Signing keys

    func publicKey(_ replica: ReplicaID) throws -> [UInt8]? {
        try db.first("SELECT public_key FROM hub_enrollments WHERE replica = ? AND public_key IS NOT NULL", replica.hex) { $0.blob(0) }
    }

    func setPublicKey(_ replica: ReplicaID, _ key: [UInt8], now: Int64) throws {
        try db.run("UPDATE hub_enrollments SET public_key = ?, key_registered = ? WHERE replica = ? AND public_key IS NULL", key, now, replica.hex)
    }

    private static func enrollment(from row: Statement) -> Enrollment {
        Enrollment(replica: ReplicaID(hex: row.text(0)) ?? ReplicaID(high: 0, low: 0), org: row.text(1), role: row.text(2),
                   label: row.isNull(3) ? nil : row.text(3), created: row.int64(4),
                   revoked: row.isNull(5) ? nil : row.int64(5), lastSync: row.isNull(6) ? nil : row.int64(6),
                   lastStatus: row.isNull(7) ? nil : row.int(7))
    }

    // MARK: Grants

    /// The arrival position at which `record` was sent whole to `replica`, if ever.
    func grant(_ replica: ReplicaID, _ record: String) throws -> Int64? {
        try grant(replica.hex, record)
    }

    /// `replica`: the replica's id in hex (a page looks up many records for one replica).
    func grant(_ replica: String, _ record: String) throws -> Int64? {
        let statement = try db.cached("SELECT position FROM hub_grants WHERE replica = ? AND record = ?")
        try statement.reset()
        try statement.bind(text: replica, at: 1)
        try statement.bind(text: record, at: 2)
        defer { try? statement.reset() }
        return try statement.step() ? statement.int64(0) : nil
    }

    /// Every record granted, with the keys of the replicas it was granted to (``ReadScope/grantKey(_:)``).
    func grantKeys() throws -> [String: [String]] {
        var keys: [String: [String]] = [:]
        try db.prepare("SELECT record, replica FROM hub_grants").forEach { row in
            if let replica = ReplicaID(hex: row.text(1)) { keys[row.text(0), default: []].append(ReadScope.grantKey(replica)) }
        }
        return keys
    }

    /// The records granted to `replica` at a position after `after`, up to `through`.
    func grants(of replica: ReplicaID, after: Int64, through: Int64) throws -> [String] {
        try db.rows("SELECT record FROM hub_grants WHERE replica = ? AND position > ? AND position <= ? ORDER BY position, record",
                    replica.hex, after, through) { $0.text(0) }
    }

    /// `replica`: the replica's id in hex (a page grants many records to one replica).
    func setGrant(_ replica: String, _ record: String, position: Int64) throws {
        let statement = try db.cached("INSERT INTO hub_grants (replica, record, position) VALUES (?, ?, ?) ON CONFLICT(replica, record) DO UPDATE SET position = excluded.position")
        try statement.reset()
        try statement.bind(text: replica, at: 1)
        try statement.bind(text: record, at: 2)
        try statement.bind(integer: position, at: 3)
        try statement.execute()
    }

    // MARK: Refused and withdrawn changes

    /// The two sets of a replica's sequences the hub keeps: those it refused (a replica may
    /// withdraw these, and no others) and those the replica withdrew.
    enum SeqSet: String {
        case refused = "hub_refused"
        case withdrawn = "hub_withdrawn"
    }

    /// Adds `seqs` to a set in one transaction (one durable write, however many).
    func add(_ seqs: [UInt64], of replica: ReplicaID, to set: SeqSet) throws {
        guard !seqs.isEmpty else { return }
        try db.transaction {
            for seq in seqs { try db.run("INSERT OR IGNORE INTO \(set.rawValue) (replica, seq) VALUES (?, ?)", replica.hex, Int64(seq)) }
        }
    }

    func contains(_ seq: UInt64, of replica: ReplicaID, in set: SeqSet) throws -> Bool {
        try db.first("SELECT 1 FROM \(set.rawValue) WHERE replica = ? AND seq = ?", replica.hex, Int64(seq)) { _ in true } ?? false
    }

    func isWithdrawn(_ replica: ReplicaID, seq: UInt64) throws -> Bool { try contains(seq, of: replica, in: .withdrawn) }

    /// Per replica, the changes the hub refused that it has not withdrawn: a person must still act on them.
    func refusedAwaiting() throws -> [ReplicaID: Int] {
        let rows: [(String, Int64)] = try db.rows("""
            SELECT r.replica, count(*) FROM hub_refused r
            WHERE NOT EXISTS (SELECT 1 FROM hub_withdrawn w WHERE w.replica = r.replica AND w.seq = r.seq)
            GROUP BY r.replica
            """) { ($0.text(0), $0.int64(1)) }
        return Dictionary(rows.compactMap { row in ReplicaID(hex: row.0).map { ($0, Int(row.1)) } }, uniquingKeysWith: +)
    }

    /// How many of the replica's changes the hub holds without a gap, withdrawn ones counted, as
    /// last computed (it only grows: ``Hub/received(_:_:)`` walks on from here).
    func receivedMark(_ replica: ReplicaID) throws -> UInt64 {
        UInt64(try db.first("SELECT received FROM hub_enrollments WHERE replica = ? AND received IS NOT NULL", replica.hex) { $0.int64(0) } ?? 0)
    }

    func setReceivedMark(_ replica: ReplicaID, _ received: UInt64) throws {
        try db.run("UPDATE hub_enrollments SET received = ? WHERE replica = ?", Int64(received), replica.hex)
    }

    // MARK: Copies of a replica's folder

    /// The copy of the replica's folder in use, as last named by the replica.
    func instance(_ replica: ReplicaID) throws -> String? {
        try db.first("SELECT instance FROM hub_enrollments WHERE replica = ? AND instance IS NOT NULL", replica.hex) { $0.text(0) }
    }

    func isRetired(_ instance: String, of replica: ReplicaID) throws -> Bool {
        try db.first("SELECT 1 FROM hub_retired_instances WHERE replica = ? AND instance = ?", replica.hex, instance) { _ in true } ?? false
    }

    /// `instance` is now the copy in use; the one before it (if any) is retired for good.
    func setInstance(_ instance: String, of replica: ReplicaID) throws {
        try db.transaction {
            if let current = try self.instance(replica), current != instance {
                try db.run("INSERT OR IGNORE INTO hub_retired_instances (replica, instance) VALUES (?, ?)", replica.hex, current)
            }
            try db.run("UPDATE hub_enrollments SET instance = ? WHERE replica = ?", instance, replica.hex)
        }
    }

    func isEnrolled(_ replica: ReplicaID) throws -> Bool {
        try db.first("SELECT 1 FROM hub_enrollments WHERE replica = ?", replica.hex) { _ in true } ?? false
    }
}
