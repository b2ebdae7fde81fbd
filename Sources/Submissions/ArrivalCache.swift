import Replication

/// The directory, the catalogue and the leader index as of a store's newest arrival, for a
/// workspace over a store that logs arrivals (the hub's). A hub writes on every sync, so the
/// per-write context would read every organisation and decode every published call again for
/// each one; this reads again only what arrived since, from the arrival log.
///
/// It is rebuilt from the tables whenever the store read its own caches again (opening, another
/// process's commit, a rollback): a rolled-back transaction's arrivals may have been read into it,
/// and their positions are reused.
final class ArrivalCache {
    private var position: Int64 = 0
    private var reloads = -1
    private(set) var directory = Directory([])
    private(set) var catalog = CallCatalog()
    let leaders = LeaderIndex()

    /// Brings everything up to the store's newest arrival: one query when nothing arrived.
    func catchUp(_ store: ReplicaStore, readDirectory: () throws -> Directory, readCatalog: () throws -> CallCatalog) throws {
        let latest = try store.latestArrival()
        guard store.reloads == reloads, latest >= position else {
            directory = try readDirectory()
            catalog = try readCatalog()
            try indexAll(store)
            (position, reloads) = (latest, store.reloads)
            return
        }
        guard latest > position else { return }
        var orgs = false, calls = false
        var records = Set<String>()
        try store.arrivedRecords(after: position) { collection, record in
            switch collection {
            case Workspace.Collection.orgs: orgs = true
            case Workspace.Collection.calls: calls = true
            case Workspace.Collection.submissions: records.insert(record)
            default: break
            }
        }
        position = latest
        if orgs { directory = try readDirectory() }
        if calls {
            // A call's rules name the leader's fields: every record is indexed again under them.
            catalog = try readCatalog()
            try indexAll(store)
            return
        }
        for id in records { leaders.update(id, try store.record(id), calls: catalog.lookup) }
    }

    private func indexAll(_ store: ReplicaStore) throws {
        leaders.removeAll()
        for record in try store.records(in: Workspace.Collection.submissions) {
            leaders.update(record.id, record, calls: catalog.lookup)
        }
    }
}
