/// How a transaction takes its lock.
public enum TransactionKind: String, Sendable {
    /// Takes the write lock at `BEGIN`, so a writer never fails half way with `SQLITE_BUSY`
    /// on lock upgrade.
    case immediate = "IMMEDIATE"
    /// Takes locks as statements need them: for read-only work.
    case deferred = "DEFERRED"
}

extension Database {
    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    ///
    /// The first error is the one rethrown; a failing rollback does not hide it. Transactions do
    /// not nest: calling this inside another is a misuse error.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw SQLiteError(extendedCode: 21, message: "a transaction is already open on this connection")
        }
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }
}
