import SQLite

/// A failure of the storage under a store (the disk, the file, its lock), as opposed to a change
/// the store refused: what a command reports as an I/O error, without knowing the database beneath.
public protocol StorageFailure: Error, CustomStringConvertible {
    /// What the storage said, for a person.
    var storageMessage: String { get }
}

extension SQLiteError: StorageFailure {
    public var storageMessage: String { message }
}
