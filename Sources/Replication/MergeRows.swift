import SQLite

/// The rows of a batch's changes and entries not yet written. One run of a statement has a fixed
/// cost (its program started, its cursors opened and sought) of the order of the row it writes,
/// so a batch writes them ``perStatement`` rows a statement. The caller flushes before anything
/// reads the tables they go to.
struct MergeRows {
    static let perStatement = 32

    /// A change's row in `changes`.
    struct ChangeRow {
        let key: Int64, hlc: Int64, record: Int64, field: Int64, op: Int64
        let vtype: SQLiteValue, value: SQLiteValue, supersedes: SQLiteValue
        let author: String?

        /// Binds the row's nine columns from parameter `base + 1` on.
        func bind(to statement: Statement, base: Int32 = 0) throws {
            try statement.bind(integer: key, at: base + 1)
            try statement.bind(integer: hlc, at: base + 2)
            try statement.bind(integer: record, at: base + 3)
            try statement.bind(integer: field, at: base + 4)
            try statement.bind(integer: op, at: base + 5)
            try statement.bind(vtype, at: base + 6)
            try statement.bind(value, at: base + 7)
            try statement.bind(supersedes, at: base + 8)
            if let author { try statement.bind(text: author, at: base + 9) } else { try statement.bind(.null, at: base + 9) }
        }
    }

    private var changes: [ChangeRow] = []
    private var entries: [Int64] = []

    /// A change known to be new: its row goes in without the check for one already held.
    mutating func append(_ change: ChangeRow, _ statements: MergeStatements) throws {
        changes.append(change)
        if changes.count == Self.perStatement { try flushChanges(statements) }
    }

    mutating func appendEntry(record: Int64, key: Int64, field: Int64, op: Int64, live: Bool, _ statements: MergeStatements) throws {
        entries.append(contentsOf: [record, key, field, op, live ? 1 : 0])
        // An entry's change goes in first, though nothing checks it: the tables' order of arrival.
        if entries.count == Self.perStatement * 5 { try flushChanges(statements); try flushEntries(statements) }
    }

    /// Writes every row waiting, in the order they came.
    mutating func flush(_ statements: MergeStatements) throws {
        try flushChanges(statements)
        try flushEntries(statements)
    }

    private mutating func flushChanges(_ statements: MergeStatements) throws {
        guard !changes.isEmpty else { return }
        defer { changes.removeAll(keepingCapacity: true) }
        let all = changes.count == Self.perStatement
        let statement = all ? statements.insertNewChanges : statements.insertNewChange
        for (i, row) in changes.enumerated() {
            try row.bind(to: statement, base: Int32(all ? i * 9 : 0))
            if !all { try statement.execute() }
        }
        if all { try statement.execute() }
        // Unbound: a row's value is copied when bound, up to 1 MiB, and 32 of them would stay
        // held until the next batch (found by an outside review).
        try statement.reset()
    }

    private mutating func flushEntries(_ statements: MergeStatements) throws {
        guard !entries.isEmpty else { return }
        defer { entries.removeAll(keepingCapacity: true) }
        let all = entries.count == Self.perStatement * 5
        let statement = all ? statements.insertEntries : statements.insertEntry
        var i = 0
        while i < entries.count {
            let width = all ? entries.count : 5
            for column in 0..<width { try statement.bind(integer: entries[i + column], at: Int32(column + 1)) }
            try statement.execute()
            i += width
        }
    }
}
