#if canImport(Glibc)
import Glibc
#endif

/// The connections being served, and which of them may be closed to make room for a newcomer.
///
/// Clients that open connections and send nothing would otherwise hold every slot until their
/// idle timeout, locking everyone else out. So at the cap the connection idle the longest gives
/// way; one in the middle of a request never does. The table lives under the server's lock:
/// a connection's thread moves itself from idle to busy there, and eviction only picks idle
/// ones there, so a request that has started is never cut.
struct ConnectionTable {
    private struct Entry {
        let fd: Int32
        /// When it began waiting for the first byte of a request, as a ticket (lower is longer
        /// ago); nil while a request is under way.
        var idleSince: Int?
        var evicted = false
    }

    private var entries: [Int: Entry] = [:]
    private var nextID = 0
    private var nextTicket = 0

    /// Connections with a thread, including evicted ones still winding down.
    var count: Int { entries.count }

    /// Connections waiting for a request.
    var idleCount: Int { entries.values.count { $0.idleSince != nil && !$0.evicted } }

    /// Admits `fd` as an idle connection (it has sent nothing yet) and returns its id; at
    /// `capacity` it first evicts the connection idle the longest. Nil when every connection is
    /// mid-request.
    mutating func admit(_ fd: Int32, capacity: Int) -> Int? {
        if entries.values.count(where: { !$0.evicted }) >= capacity {
            let idle = entries.filter { !$0.value.evicted && $0.value.idleSince != nil }
            guard let (victim, entry) = idle.min(by: { $0.value.idleSince! < $1.value.idleSince! }) else { return nil }
            entries[victim]?.evicted = true
            // Its thread sees end-of-file and returns. The fd is still open: a thread closes its
            // fd only after leaving the table, and both happen under the same lock as this.
            shutdown(entry.fd, Int32(SHUT_RDWR))
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(fd: fd, idleSince: ticket())
        return id
    }

    /// The connection waits for the first byte of its next request.
    mutating func markIdle(_ id: Int) {
        let now = ticket()
        entries[id]?.idleSince = now
    }

    /// The connection has bytes of a request to read; false when it was evicted first.
    mutating func claim(_ id: Int) -> Bool {
        guard let entry = entries[id], !entry.evicted else { return false }
        entries[id]?.idleSince = nil
        return true
    }

    /// The connection's thread is done with it; close its fd only after this.
    mutating func remove(_ id: Int) {
        entries[id] = nil
    }

    private mutating func ticket() -> Int {
        nextTicket += 1
        return nextTicket
    }
}
