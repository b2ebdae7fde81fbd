import CSQLite

extension Database {
    /// Copies this database to `path` with SQLite's online backup: consistent even while other
    /// connections write (WAL included), without stopping them for long.
    public func backup(to path: String) throws {
        let target = try Database(path: path, options: {
            var o = Options()
            o.journalModeWAL = false
            return o
        }())
        defer { target.close() }
        guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw target.error(sqlite3_errcode(target.handle), sql: nil)
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, 256)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(20) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finished == SQLITE_OK else {
            throw SQLiteError(extendedCode: rc == SQLITE_DONE ? finished : rc, message: "backup to \(path) failed")
        }
    }
}
