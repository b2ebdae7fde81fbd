import Replication
import SQLite

/// Stores for tests: in memory or in a temporary file, with a controllable clock.
public enum Replicas {
    public static let collections: Set<String> = ["forms", "orgs"]

    public static func configuration(clock: ManualClock, id: ReplicaID? = nil,
                                     collections: Set<String> = Replicas.collections) -> ReplicaStore.Configuration {
        var configuration = ReplicaStore.Configuration(collections: collections)
        configuration.wallClock = clock.reading
        configuration.newReplicaID = id
        configuration.durability = .throwaway
        return configuration
    }

    public static func memory(clock: ManualClock = ManualClock(), id: ReplicaID? = nil) throws -> ReplicaStore {
        try ReplicaStore(path: ":memory:", configuration: configuration(clock: clock, id: id))
    }

    /// Sends everything `from` has that `to` lacks, in batches; returns how many changes moved.
    @discardableResult
    public static func sync(from: ReplicaStore, to: ReplicaStore, batchSize: Int = 100) throws -> Int {
        var moved = 0
        try from.changes(missingFrom: to.versionVector(), batchSize: batchSize) { batch in
            moved += try to.apply(batch).applied
        }
        return moved
    }

    /// A replica id that sorts where a test needs it: `ReplicaID(n)` < `ReplicaID(n + 1)`.
    public static func id(_ n: UInt64) -> ReplicaID { ReplicaID(high: n, low: 0) }
}
