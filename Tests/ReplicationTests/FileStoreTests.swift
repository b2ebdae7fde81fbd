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
        let sha = SHA256.digest(bytes)
        try store.expectFile(sha, size: bytes.count)
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
        let sha = SHA256.digest(bytes)
        try store.expectFile(sha, size: bytes.count)
        try store.appendFile(sha, at: 0, Array(bytes[0..<50_000]))
        var last = Array(bytes[50_000...])
        last[7] ^= 1
        #expect(throws: ReplicaStore.FileError.hashMismatch(sha256: Hex.encode(sha))) { try store.appendFile(sha, at: 50_000, last) }
        #expect(try store.fileState(sha)?.have == 0, "every part went, the earlier ones too")
        try store.appendFile(sha, at: 0, bytes)
        #expect(try store.fileState(sha)?.isComplete == true)
    }

    @Test func aFileOverTheBoundIsNotExpected() throws {
        let (dir, store) = try Self.store()
        defer { withExtendedLifetime(dir) {} }
        #expect(throws: ReplicaStore.FileError.tooLarge(size: ReplicaStore.maxFileBytes + 1)) {
            try store.expectFile(SHA256.digest([1]), size: ReplicaStore.maxFileBytes + 1)
        }
    }
}
