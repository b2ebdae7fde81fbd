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
    /// Inside another transaction it is a savepoint (as GRDB nests them): its work is undone alone
    /// when it throws, and made durable only with the outermost transaction. The first error is
    /// the one rethrown; a failing rollback does not hide it. Every rollback, whole or to a
    /// savepoint, moves ``rollbacks``, so a layer caching what the tables say knows to read again.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute("SAVEPOINT nested")
            let result = try undoing("ROLLBACK TO nested; RELEASE nested", body)
            try execute("RELEASE nested")
            return result
        }
        try execute("BEGIN \(kind.rawValue)")
        let result = try undoing("ROLLBACK", body)
        do {
            try execute("COMMIT")
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            rollbacks &+= 1
            throw error
        }
        return result
    }

    /// Runs `body`; when it throws, runs `undo` and counts the rollback, then rethrows its error.
    private func undoing<T>(_ undo: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            try? execute(undo)
            rollbacks &+= 1
            throw error
        }
    }
}
