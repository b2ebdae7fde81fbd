import Crypto
import Replication
import Testing
import TestSupport

/// A file's bytes in the store: appended in order from what is held, checked against the hash
/// that names them when the last part arrives, dropped whole when they do not match.
@Suite struct FileStoreTests {
    static func store() throws -> (TemporaryDirectory, ReplicaStore) {
        let dir = TemporaryDirectory(prefix: "tianbao-files")
        return (dir, try ReplicaStore(path: dir.file("r.sqlite"), configuration: .init(collections: ["submissions"])))
    }

    @Test func partsGoInOrderAndTheWholeIsChecked() throws {
        let (dir, store) = try Self.store()
        defer { withExtendedLifetime(dir) {} }
        let bytes = (0..<(3 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sha = ReplicaStore.FileKey(record: "0190f3c2-aaaa-7bbb-8ccc-000000000001", sha256: SHA256.digest(bytes))
        try store.expectFile(sha, size: bytes.count, unit: "fz-first")
        #expect(throws: ReplicaStore.FileError.offset(expected: 0)) { try store.appendFile(sha, at: 10, Array(bytes[10..<20])) }
        try store.appendFile(sha, at: 0, Array(bytes[0..<(2 << 20)]))
        #expect(throws: ReplicaStore.FileError.beyondSize(size: bytes.count)) { try store.appendFile(sha, at: 2 << 20, Array(bytes[(2 << 20)...]) + [0]) }
        let done = try store.appendFile(sha, at: 2 << 20, Array(bytes[(2 << 20)...]))
        #expect(done.isComplete && !done.uploaded)
        var back: [UInt8] = []
        try store.readFile(sha) { back += $0 }
        #expect(back == bytes)
        #expect(try store.fileBytes(sha, from: (1 << 20) - 3, maxBytes: 10) == Array(bytes[((1 << 20) - 3)..<((1 << 20) + 7)]))
    }

    @Test func bytesThatDoNotHashToTheirNameAreDroppedWhole() throws {
        let (dir, store) = try Self.store()
        defer { withExtendedLifetime(dir) {} }
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let sha = ReplicaStore.FileKey(record: "0190f3c2-aaaa-7bbb-8ccc-000000000001", sha256: SHA256.digest(bytes))
        try store.expectFile(sha, size: bytes.count, unit: "fz-first")
        try store.appendFile(sha, at: 0, Array(bytes[0..<50_000]))
        var last = Array(bytes[50_000...])
        last[7] ^= 1
        #expect(throws: ReplicaStore.FileError.hashMismatch(sha256: Hex.encode(sha.sha256))) { try store.appendFile(sha, at: 50_000, last) }
        #expect(try store.fileState(sha)?.have == 0, "every part went, the earlier ones too")
        try store.appendFile(sha, at: 0, bytes)
        #expect(try store.fileState(sha)?.isComplete == true)
    }

    /// The same bytes named by two records are two files: what one record's sender does (or fails
    /// to do) never touches the other's.
    @Test func twoRecordsNamingOneHashHoldTheirOwnBytes() throws {
        let (dir, store) = try Self.store()
        defer { withExtendedLifetime(dir) {} }
        let bytes = Array(repeating: UInt8(7), count: 5_000)
        let a = ReplicaStore.FileKey(record: "0190f3c2-aaaa-7bbb-8ccc-00000000000a", sha256: SHA256.digest(bytes))
        let b = ReplicaStore.FileKey(record: "0190f3c2-aaaa-7bbb-8ccc-00000000000b", sha256: a.sha256)
        try store.expectFile(b, size: 10, unit: "attacker")
        try store.appendFile(b, at: 0, Array(repeating: 0, count: 3))
        try store.storeFile(a, bytes: bytes, unit: "fz-first")
        #expect(try store.fileState(a)?.isComplete == true && store.fileState(b)?.have == 3)
        #expect(throws: ReplicaStore.FileError.sizeMismatch(expected: 10, given: 5_000)) { try store.expectFile(b, size: 5_000, unit: "attacker") }
        try store.dropFile(b)
        #expect(try store.fileState(b) == nil && store.fileState(a)?.isComplete == true)
        #expect(try store.fileBytes(ofUnit: "fz-first") == 5_000)
    }

    @Test func aFileOverTheBoundIsNotExpected() throws {
        let (dir, store) = try Self.store()
        defer { withExtendedLifetime(dir) {} }
        #expect(throws: ReplicaStore.FileError.tooLarge(size: ReplicaStore.maxFileBytes + 1)) {
            try store.expectFile(.init(record: "0190f3c2-aaaa-7bbb-8ccc-000000000001", sha256: SHA256.digest([1])), size: ReplicaStore.maxFileBytes + 1, unit: "fz-first")
        }
    }
}
