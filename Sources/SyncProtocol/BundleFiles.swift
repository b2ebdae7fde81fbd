import Replication

/// The attached files a bundle carries (``ChangeBundle``): those its changes attach, held whole.
public enum BundleFiles {
    /// The files `changes` attach that `store` holds whole, each once.
    public static func named(by changes: [Change], in store: ReplicaStore) throws -> [(sha256: [UInt8], bytes: [UInt8])] {
        var seen = Set<[UInt8]>()
        var files: [(sha256: [UInt8], bytes: [UInt8])] = []
        for change in changes {
            guard let sha256 = ReplicaStore.fileHash(ofField: change.field), let value = change.value, value != .null,
                  !seen.contains(sha256), let state = try store.fileState(sha256), state.isComplete else { continue }
            seen.insert(sha256)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(state.size)
            try store.readFile(sha256) { bytes += $0 }
            files.append((sha256, bytes))
        }
        return files
    }

    /// Keeps the files of `contents` that one of its changes attaches (each already checked against
    /// its hash when the bundle was read); any other file it carries is ignored.
    /// - Returns: how many were kept.
    @discardableResult
    public static func keep(_ contents: ChangeBundle.Contents, in store: ReplicaStore) throws -> Int {
        let named = Set(contents.changes.compactMap { change -> [UInt8]? in
            guard let value = change.value, value != .null else { return nil }
            return ReplicaStore.fileHash(ofField: change.field)
        })
        var kept = 0
        for file in contents.files where named.contains(file.sha256) {
            try store.storeFile(file.bytes, sha256: file.sha256)
            kept += 1
        }
        return kept
    }
}
