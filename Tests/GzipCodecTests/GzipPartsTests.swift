import Foundation
import GzipCodec
import Testing
import TestSupport

/// A body deflated in parts side by side is still one gzip stream that any reader takes whole,
/// about as small as one pass makes it.
@Suite struct GzipPartsTests {
    /// Sync-page-like text (repeats across the parts' edges, so the primed window matters), random
    /// bytes (stored blocks), and runs of one byte, at sizes around the part boundaries.
    static func body(_ random: inout SeededRandom) -> [UInt8] {
        let size = [Gzip.partBytes * 2 - 1, Gzip.partBytes * 2, Gzip.partBytes * 3 + 17, Gzip.partBytes * 4 + Int(random.next() % 100_000), Int(random.next() % UInt64(Gzip.partBytes * 5))][Int(random.next() % 5)]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        let words = ["{\"record\":\"", "场景名称", "\",\"field\":\"", "推荐意见", "\"seq\":", "},", "福州市第一医院", "0123456789"].map { Array($0.utf8) }
        while bytes.count < size {
            switch random.next() % 3 {
            case 0: for _ in 0..<64 { bytes += words[Int(random.next() % UInt64(words.count))] }
            case 1: for _ in 0..<512 { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
            default: bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: random.next()), count: Int(random.next() % 4_000))
            }
        }
        return Array(bytes.prefix(size))
    }

    @Test func partsJoinIntoOneStreamOurReaderTakesWhole() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        for round in 0..<24 {
            let bytes = Self.body(&random)
            let parts = 2 + round % 3
            let packed = Gzip.compress(bytes, level: 1, parts: parts)
            let serial = Gzip.compress(bytes, level: 1)
            #expect(try Gzip.decompress(packed, limit: bytes.count) == bytes, "round \(round), \(bytes.count) B in \(parts) parts, seed \(seed) (replay with TIANBAO_SEED=\(seed))")
            // The window each part is primed with keeps the cost of splitting to a few bytes a part.
            #expect(packed.count <= serial.count + serial.count / 100 + 64 * parts, "round \(round): \(packed.count) B in parts against \(serial.count) B in one pass, seed \(seed)")
        }
    }

    @Test func aBodyTooSmallToSplitIsCompressedInOnePass() throws {
        let bytes = [UInt8](repeating: 42, count: Gzip.partBytes * 2 - 1)
        #expect(Gzip.compress(bytes, level: 1, parts: 4) == Gzip.compress(bytes, level: 1))
    }

    /// What a browser, curl or an auditor's script reads: the system's own gzip, not ours.
    @Test func theSystemsGzipReadsTheJoinedStream() throws {
        let tool = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else {
            Issue.record("this test needs the gzip program (Debian package gzip) and it is not installed")
            return
        }
        var random = SeededRandom(seed: 20_261_207)
        for round in 0..<4 {
            let bytes = Self.body(&random)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-parts-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let packed = dir.appendingPathComponent("page.gz")
            try Data(Gzip.compress(bytes, level: 1, parts: 2 + round % 3)).write(to: packed)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-t", packed.path]   // checks the CRC and length of the whole
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "round \(round): gzip -t refused a stream of \(bytes.count) B")
            let unpack = Process()
            unpack.executableURL = URL(fileURLWithPath: tool)
            unpack.arguments = ["-d", packed.path]
            try unpack.run()
            unpack.waitUntilExit()
            #expect(try Data(contentsOf: dir.appendingPathComponent("page")) == Data(bytes), "round \(round)")
        }
    }
}
