import Replication
import Submissions
import Synchronization

extension Hub {
    /// A unit's table received and stamped (盖章) at the province: the content it had, by whom, when.
    public struct Stamp: Sendable, Equatable {
        public let call: String
        public let table: String
        /// The reporting unit's code; empty for the province-wide table.
        public let unit: String
        public let sha256: String
        public let sources: String
        public let by: String
        public let at: Int64
    }

    /// Records that the table `table` of `call` for `unit` — whose content hash the stamped paper
    /// carries as `hash` — was received and stamped. The hub compiles the same table from what it
    /// holds first: a hash it does not reproduce is refused (the unit's replica holds other
    /// records than the hub; sync both and compile again), so a stamp always names content the
    /// hub can show.
    @discardableResult
    public func stamp(call: String, table: String, unit: String?, hash: String) throws -> Stamp {
        try state.withLock { s in try s.store.transaction {
            let compiled = try workspace(s).compile(call: call, table: table, unit: unit)
            guard compiled.sha256 == hash.lowercased() else {
                throw HubError.stampMismatch(given: hash, compiled: compiled.sha256, sources: compiled.sources)
            }
            let stamp = Stamp(call: compiled.call, table: compiled.table, unit: unit ?? "", sha256: compiled.sha256, sources: compiled.sources,
                              by: configuration.operatorName, at: now)
            try s.tables.addStamp(stamp)
            try audit(.stamp, "\(compiled.call) \(compiled.table) \(unit ?? "province")", ["sha256", compiled.sha256, "sources", compiled.sources], s)
            return stamp
        } }
    }

    /// The latest stamp of a unit's table, if any (`unit` nil: the province-wide one).
    public func latestStamp(call: String, table: String, unit: String?) throws -> Stamp? {
        try state.withLock { try $0.tables.latestStamp(call: call, table: table, unit: unit ?? "") }
    }
}
