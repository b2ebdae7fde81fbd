import Foundation
import Crypto
import SQLite

/// What a commit survives once it returns.
public enum Durability: Sendable, Equatable {
    /// The machine losing power: each commit is on the disk when it returns.
    case powerLoss
    /// The process crashing, not the machine: for stores that can be rebuilt (benchmarks).
    case processCrash
    /// Nothing is forced to the disk, ever: for throwaway stores (tests).
    case throwaway
}

/// A replica's local store: the change log and the materialised state of every record, in SQLite.
///
/// Local edits (``commit(_:author:)``) and remote changes (``apply(_:)``) take the same merge path,
/// so a replica's own changes and everybody else's are treated alike. Every call is one
/// transaction: it is durable when it returns, or leaves nothing behind when it throws.
///
/// A store is used from one thread at a time (a server wraps it in a lock).
public final class ReplicaStore {
    /// How a store opens.
    public struct Configuration: Sendable {
        /// The collections this store holds; a change naming another is refused.
        public var collections: Set<String>
        /// How far ahead of this machine's clock a remote stamp may be.
        public var maxClockSkewMilliseconds: Int64 = 10 * 60 * 1000
        /// Milliseconds since the epoch; replaceable so tests control time.
        public var wallClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        /// What a commit survives once it returns.
        public var durability: Durability = .powerLoss
        /// The id a new store takes (a random one when `nil`); an existing store keeps its own.
        public var newReplicaID: ReplicaID?
        /// Keep the order in which changes arrive (``walkArrivals(after:limit:_:)``): for a store that
        /// serves other replicas.
        public var recordsArrivals = false
        /// Tag each arrival with its record's readers (``ReaderRule``); only with ``recordsArrivals``.
        public var readerRule: ReaderRule?

        public init(collections: Set<String>) { self.collections = collections }
    }

    /// How many changes a sync or bundle moves per transaction by default.
    public static let defaultBatchSize = 1_000

    public let configuration: Configuration
    /// This replica's identity, made when the store was created.
    public let replicaID: ReplicaID
    let db: Database
    let statements: MergeStatements
    var clock: HybridClock

    // Caches of what the tables say, reloaded after a failed transaction.
    var replicaOrds: [ReplicaID: Int64] = [:]
    var replicaIDs: [Int64: ReplicaID] = [:]
    var progress: [Int64: SeqProgress] = [:]
    var recordCache: [String: RecordRef] = [:]
    /// Files arriving in parts, hashed as they come: the bytes held so far and their running hash,
    /// so the last part is checked without reading the whole file back (``appendFile(_:at:_:)``).
    var fileHashes: [FileKey: (have: Int, generation: Int64, hasher: SHA256Stream)] = [:]
    /// The database of attached files' bytes, opened when first needed (``fileDatabase()``).
    var filesDB: Database?
    var fieldOrds: [ByteKey: Int64] = [:]
    var fieldNames: [Int64: String] = [:]
    var pendingCount = 0
    let localOrd: Int64
    /// SQLite's `data_version` when the caches were last known to match the file: it moves when
    /// another connection (another process: `tianbao hub import` beside `tianbao serve`) commits.
    var dataVersion: Int64 = 0
    /// The connection's rollback count when the caches were last known to match the tables: a
    /// transaction of a layer above that enclosed this store's writes may have been rolled back.
    var seenRollbacks = 0
    /// Counts writes committed here, and rereads after another connection's or a rollback.
    var writesSeen = 0
    /// Counts the times the caches were read again from the tables (at opening, after another
    /// connection's commit, after a rollback): derived state kept across transactions by a layer
    /// above (``arrivedRecords(after:_:)``) may hold what was rolled back, and is rebuilt when it moves.
    public private(set) var reloads = 0
    /// The author of the change decoded last: the next one is usually the same text.
    var lastAuthor: String?
    /// The arrivals of the write under way, by record, to be tagged with their readers before it
    /// commits (``ReaderRule``).
    var untagged: [Int64: (id: String, collection: String, positions: [Int64])] = [:]
    /// Runs inside every write transaction that made changes of this replica's own, before it
    /// commits: the hub signs a head of its own chain there, so nothing it makes goes unsigned.
    public var sealOwnChanges: ((ReplicaStore, _ ownSeqBefore: UInt64) throws -> Void)?

    struct SeqProgress: Equatable {
        var contiguous: UInt64
        var maxSeq: UInt64
    }

    struct RecordRef: Equatable {
        let ord: Int64
        let collection: String
    }

    /// Opens the store at `path` (`:memory:` for a throwaway one), creating it when missing.
    public init(path: String, configuration: Configuration) throws {
        var options = Database.Options()
        options.synchronous = switch configuration.durability {
        case .powerLoss: .full
        case .processCrash: .normal
        case .throwaway: .off
        }
        let db = try Database(path: path, options: options)
        try StoreSchema.migrator.migrate(db)
        self.db = db
        self.statements = try MergeStatements(db)
        self.configuration = configuration

        let storedID = try db.first("SELECT value FROM meta WHERE key = 'replica_id'") { $0.blob(0) }
        let id: ReplicaID
        if let storedID {
            guard let parsed = ReplicaID(bytes: storedID) else {
                throw SQLiteError(extendedCode: 11, message: "the store at \(path) has a damaged replica id")
            }
            id = parsed
        } else {
            id = configuration.newReplicaID ?? .random()
            try db.transaction {
                try db.run("INSERT INTO meta (key, value) VALUES ('replica_id', ?)", id.bytes)
                try db.run("INSERT INTO replicas (id) VALUES (?)", id.bytes)
            }
        }
        self.replicaID = id
        let lastStamp = try db.first("SELECT value FROM meta WHERE key = 'clock'") { Timestamp(packed: $0.int64(0)) }
        self.clock = HybridClock(last: lastStamp ?? .zero,
                                 maxSkewMilliseconds: configuration.maxClockSkewMilliseconds,
                                 wallClock: configuration.wallClock)
        self.localOrd = try db.first("SELECT ord FROM replicas WHERE id = ?", id.bytes) { $0.int64(0) } ?? 0
        try reloadCaches()
    }

    /// Closes the database. The store must not be used afterwards.
    public func close() {
        filesDB?.close()
        db.close()
    }

    /// Writes a consistent copy of the store's file to `path` while it stays in use, and of its
    /// attached files' database to `path-files`.
    public func backup(to path: String) throws {
        try db.backup(to: path)
        try fileDatabase().backup(to: path + "-files")
    }

    /// This replica's version vector: for each replica, the changes held without a gap.
    /// How many replicas the store has heard of (each has a row, named by a change it holds or awaits).
    public func knownReplicaCount() throws -> Int {
        try db.first("SELECT count(*) FROM replicas") { $0.int(0) } ?? 0
    }

    public func versionVector() -> VersionVector {
        try? refreshIfChangedElsewhere()
        var entries: [ReplicaID: UInt64] = [:]
        for (ord, p) in progress where p.contiguous > 0 {
            if let id = replicaIDs[ord] { entries[id] = p.contiguous }
        }
        return VersionVector(entries)
    }

    /// The contiguous sequence held for `replica` (0 when none): one entry of ``versionVector()``,
    /// without building the whole vector (a hub asks it on every sync, of a thousand replicas).
    public func contiguous(of replica: ReplicaID) -> UInt64 {
        try? refreshIfChangedElsewhere()
        guard let ord = replicaOrds[replica] else { return 0 }
        return progress[ord]?.contiguous ?? 0
    }

    /// Moves whenever what the store holds may have changed: on each write it commits here, when
    /// another connection (another process) has committed, and after a rollback. A layer above keys
    /// what it derives and keeps (an organisation directory, a catalogue of calls) on it.
    public var generation: Int {
        try? refreshIfChangedElsewhere()
        return writesSeen
    }

    /// The latest clock stamp issued or received.
    public var lastTimestamp: Timestamp { clock.last }

    /// Drops the caches and reads them again from the tables: after a rollback, they may hold
    /// what the rolled-back transaction wrote.
    func reloadCaches() throws {
        dataVersion = try db.first("PRAGMA data_version") { $0.int64(0) } ?? 0
        seenRollbacks = db.rollbacks
        writesSeen += 1
        reloads += 1
        replicaOrds = [:]
        replicaIDs = [:]
        progress = [:]
        recordCache = [:]
        try db.cached("SELECT ord, id, contiguous, max_seq FROM replicas").forEach { row in
            guard let id = ReplicaID(bytes: row.blob(1)) else { return }
            let ord = row.int64(0)
            replicaOrds[id] = ord
            replicaIDs[ord] = id
            progress[ord] = SeqProgress(contiguous: UInt64(row.int64(2)), maxSeq: UInt64(row.int64(3)))
        }
        pendingCount = try db.first("SELECT count(*) FROM pending") { $0.int(0) } ?? 0
        fieldOrds = [:]
        fieldNames = [:]
        try db.cached("SELECT ord, name FROM fields").forEach { row in
            fieldOrds[ByteKey(row.text(1))] = row.int64(0)
            fieldNames[row.int64(0)] = row.text(1)
        }
        let stamp = try db.first("SELECT value FROM meta WHERE key = 'clock'") { Timestamp(packed: $0.int64(0)) }
        if let stamp, stamp > clock.last {
            clock = HybridClock(last: stamp, maxSkewMilliseconds: clock.maxSkewMilliseconds, wallClock: configuration.wallClock)
        }
    }
}

extension ReplicaStore {
    /// Reloads the caches when another connection has committed since they were filled, or a
    /// transaction around this store's writes was rolled back.
    func refreshIfChangedElsewhere() throws {
        let version = try db.cached("PRAGMA data_version").first([]) { $0.int64(0) } ?? 0
        if version != dataVersion || db.rollbacks != seenRollbacks { try reloadCaches() }
    }
}

@available(*, unavailable)
extension ReplicaStore: Sendable {}
