import Foundation
import Testing
import Replication
import JSON
import SyncProtocol
import TestSupport

/// The hand-written codec reads and writes the same documents as the Codable conformances.
@Suite struct SyncCodecTests {
    static func randomChange(_ rng: inout SeededRandom) -> Change {
        let texts = ["", "项目名称", "a\"b\\c\nd\te\u{01}", "😀 emoji", "/slash/", String(repeating: "字", count: 300)]
        let values: [FieldValue?] = [nil, .null, .bool(Bool.random(using: &rng)), .int(Int64.random(in: .min ... .max, using: &rng)),
                                     .real(Double.random(in: -1e12...1e12, using: &rng)), .real(0.1), .real(1e-7),
                                     .text(texts.randomElement(using: &rng)!), .bytes((0..<Int.random(in: 0...9, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })]
        let origin = ReplicaID(high: rng.next(), low: rng.next())
        return Change(dot: Dot(replica: origin, seq: UInt64.random(in: 1...Dot.maxSeq, using: &rng)),
                      timestamp: Timestamp(wall: Int64.random(in: 1...Timestamp.maxWall, using: &rng), counter: UInt16.random(in: 0...UInt16.max, using: &rng)),
                      collection: "submissions", record: RecordID.make(wallMilliseconds: 5),
                      field: Bool.random(using: &rng) ? texts.randomElement(using: &rng)! : "", op: Operation.allCases.randomElement(using: &rng)!,
                      value: values.randomElement(using: &rng)!,
                      supersedes: (0..<Int.random(in: 0...3, using: &rng)).map { _ in Dot(replica: origin, seq: UInt64.random(in: 1...1000, using: &rng)) },
                      author: Bool.random(using: &rng) ? texts.randomElement(using: &rng) : nil)
    }

    @Test func requestsAndRepliesRoundTripBothWays() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        for _ in 0..<200 {
            let changes = (0..<Int.random(in: 0...5, using: &rng)).map { _ in Self.randomChange(&rng) }
            let request = SyncRequest(replica: ReplicaID(high: rng.next(), low: 7), checkpoint: Int64.random(in: 0...1_000_000, using: &rng),
                                      changes: changes, withdrawn: changes.prefix(1).map(\.dot), maxBytes: Bool.random(using: &rng) ? 4096 : nil)
            // Ours → Codable, Codable → ours.
            let decodedByFoundation = try JSONDecoder().decode(SyncRequest.self, from: Data(SyncCodec.encode(request)))
            #expect(decodedByFoundation.changes == changes, "seed \(seed)")
            #expect(decodedByFoundation.checkpoint == request.checkpoint && decodedByFoundation.withdrawn == request.withdrawn)
            let ours = try SyncCodec.request(JSONTree.parse(Array(JSONEncoder().encode(request))))
            #expect(ours.changes == changes, "seed \(seed)")
            #expect(ours.replica == request.replica && ours.maxBytes == request.maxBytes)

            let response = SyncResponse(hub: ReplicaID(high: 1, low: 2), results: changes.map { ChangeResult(dot: $0.dot, status: .refused, code: "x", reason: "因为\"…\"") },
                                        received: UInt64.random(in: 0...1000, using: &rng), changes: changes, checkpoint: 42, more: Bool.random(using: &rng))
            let back = try SyncCodec.response(JSONTree.parse(SyncCodec.encode(response)))
            #expect(back.changes == changes && back.results == response.results && back.more == response.more && back.received == response.received)
            let viaFoundation = try JSONDecoder().decode(SyncResponse.self, from: Data(SyncCodec.encode(response)))
            #expect(viaFoundation.changes == changes, "seed \(seed)")
        }
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"a\u{01}\"", "{\"a\":\"\\ud800\"}", "nul", "{} {}", "[\"\u{FF}\"]"])
    func malformedDocumentsAreRefused(_ text: String) {
        var bytes = Array(text.utf8)
        if text == "[\"\u{FF}\"]" { bytes = [0x5B, 0x22, 0xFF, 0x22, 0x5D] }   // invalid UTF-8
        #expect(throws: JSONTree.ParseError.self) { try JSONTree.parse(bytes) }
    }

    @Test func faultsAreNamedByPath() throws {
        let tree = try JSONTree.parse(Array(#"{"protocol":1,"replica":"r","checkpoint":0,"changes":[{"origin":"zz","seq":1}]}"#.utf8))
        #expect { try SyncCodec.request(tree) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "origin must be 32 lowercase hex digits at 'changes.0.origin'" }
        let missing = try JSONTree.parse(Array(#"{"protocol":1,"replica":"r","changes":[]}"#.utf8))
        #expect { try SyncCodec.request(missing) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "missing 'checkpoint'" }
    }
}
