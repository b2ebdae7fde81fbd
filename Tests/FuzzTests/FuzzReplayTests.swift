import Foundation
import FuzzTargets
import Testing
import TestSupport

/// Every fuzz target on every change, without libFuzzer: its seed corpus and every crasher found
/// so far (Tests/Fuzz/Regressions) replayed, then seeded random mutations of the corpus. The
/// coverage-guided runs with libFuzzer are Tests/fuzz.sh (Tests/README.md).
///
/// Replay a failure with `TIANBAO_SEED=<seed> swift test --filter FuzzReplayTests`.
@Suite struct FuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: String) -> [(String, [UInt8])] {
        let dir = root.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().compactMap { name in
            FileManager.default.contents(atPath: dir.appendingPathComponent(name).path).map { (name, Array($0)) }
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func theCorpusAndEveryRegressionHold(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let corpus = Self.inputs("Corpus", name)
        #expect(corpus.count >= 3, "the seed corpus of \(name) is missing")
        // Seeds reach the round trip behind the decoder, but for those named for a refusal.
        for (file, bytes) in corpus {
            #expect(target.run(bytes) == (file.hasPrefix("refused-") ? .refused : .accepted), "\(name)/\(file)")
        }
        for (file, bytes) in Self.inputs("Regressions", name) {
            #expect(target.run(bytes) != .broken(""), "\(name)/\(file)")
            if case .broken(let what) = target.run(bytes) { Issue.record("\(name)/\(file): \(what)") }
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func seededMutationsOfTheCorpusHold(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        let corpus = Self.inputs("Corpus", name).map(\.1)
        try #require(!corpus.isEmpty)
        let runs = Soak.count(short: 2_000, long: 200_000)
        for run in 0..<runs {
            let input = Mutator.mutate(corpus[Int.random(in: 0..<corpus.count, using: &rng)], corpus: corpus, &rng)
            if case .broken(let what) = target.run(input) {
                Issue.record("\(name): \(what) — mutation \(run), seed \(seed) (replay with TIANBAO_SEED=\(seed)); input base64 \(Data(input).base64EncodedString())")
                return
            }
        }
    }
}

/// Byte-level mutations in the manner of libFuzzer's: flips, random and boundary bytes, inserted
/// tokens of the formats, deleted and repeated ranges, splices of two inputs.
enum Mutator {
    static let tokens: [[UInt8]] = ["\r\n", "\r\n\r\n", "0\r\n\r\n", "\"", "{", "}", "[", "]", ",", ":", "-1", "1e999",
                                    "18446744073709551616", "\\u0000", "\\ud800", "null", "chunked", "gzip", "Content-Length: ",
                                    "Transfer-Encoding: ", "\u{202E}", "=cmd|' /C calc'!A0", "<script>", "'; DROP TABLE records;--"]
        .map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], corpus: [[UInt8]], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0...Int.random(in: 0..<4, using: &rng) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1 where !bytes.isEmpty: bytes[at] = [0, 0x0A, 0x0D, 0x22, 0x5C, 0x7F, 0x80, 0xC0, 0xFF, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
            case 2: bytes.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
            case 3 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &rng)))
            case 4 where !bytes.isEmpty:
                let range = at..<min(bytes.count, at + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: Array(bytes[range]), at: Int.random(in: 0...bytes.count, using: &rng))
            case 5:
                let other = corpus.randomElement(using: &rng)!
                let cut = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &rng)
                bytes = Array(bytes[..<at]) + Array(other[cut...])
            default: bytes = Array(bytes[..<at])
            }
        }
        return bytes
    }
}
