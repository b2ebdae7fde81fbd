import JSON
import Replication

/// The attached files a bundle carries (``ChangeBundle``): those its changes attach, held whole.
public enum BundleFiles {
    public typealias File = (key: ReplicaStore.FileKey, bytes: [UInt8])

    /// The size a file field's value declares (`{"name","size","type"}`, PROTOCOL.md 4.1), within
    /// the bound; nil for anything else (a detached file's null).
    public static func declaredSize(_ value: FieldValue?) -> Int? {
        guard case .text(let text)? = value, case .number(let size)? = try? JSONTree.parse(Array(text.utf8))["size"],
              let bytes = Int(size), (1...ReplicaStore.maxFileBytes).contains(bytes) else { return nil }
        return bytes
    }

    /// The files `changes` attach that `store` holds whole, each once.
    public static func named(by changes: [Change], in store: ReplicaStore) throws -> [File] {
        var seen = Set<ReplicaStore.FileKey>()
        var files: [File] = []
        for change in changes {
            guard let sha256 = ReplicaStore.fileHash(ofField: change.field), let value = change.value, value != .null else { continue }
            let key = ReplicaStore.FileKey(record: change.record, sha256: sha256)
            guard !seen.contains(key), let state = try store.fileState(key), state.isComplete else { continue }
            seen.insert(key)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(state.size)
            try store.readFile(key) { bytes += $0 }
            files.append((key, bytes))
        }
        return files
    }

    /// Keeps the files of `contents` that their record names now, with their size, once its changes
    /// are applied (each file was checked against its hash when the bundle was read). A file no
    /// record names, or names with another size, is not kept; nor is a file new to the store that
    /// `admits` turns down for its record's unit (a hub's share of its disk per unit, which a bundle
    /// carried by hand counts against as a sync does).
    /// - Returns: how many were kept, how many were not, and how many of those `admits` turned down.
    @discardableResult
    public static func keep(_ contents: ChangeBundle.Contents, in store: ReplicaStore,
                            admits: (_ unit: String, _ size: Int) throws -> Bool = { _, _ in true }) throws -> (kept: Int, skipped: Int, overQuota: Int) {
        var kept = 0, skipped = 0, overQuota = 0
        for file in contents.files {
            let field = ReplicaStore.fileField(file.key.sha256)
            guard let record = try store.record(file.key.record, only: ["_unit", field]),
                  let unit = record["_unit"]?.text, declaredSize(record[field]) == file.bytes.count else {
                skipped += 1
                continue
            }
            if try store.fileState(file.key) == nil, try !admits(unit, file.bytes.count) {
                skipped += 1
                overQuota += 1
                continue
            }
            do {
                try store.storeFile(file.key, bytes: file.bytes, unit: unit)
                kept += 1
            } catch is ReplicaStore.FileError {
                skipped += 1
            }
        }
        return (kept, skipped, overQuota)
    }
}
