import SQLite

/// For a layer that keeps its own tables in the store's file (the hub's store): one connection,
/// and one transaction around the store's writes and its own.
extension ReplicaStore {
    /// Runs `body` as one transaction of the store's file (a savepoint inside another): what the
    /// store and a layer beside it write there is durable together, or not at all.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try db.transaction(.immediate, body)
    }

    /// The store's connection. Not public API: a layer reaches it with
    /// `@_spi(SharedFile) import Replication`, and only its own tables belong there (versioned with
    /// `Migrator(owner:)`, apart from the store's).
    @_spi(SharedFile) public var sharedConnection: Database { db }
}
