import Foundation
import Testing
import Replication
import JSON
import SyncProtocol
import TestSupport

/// The codec reads and writes the same documents as an independent `Codable` rendering of the
/// protocol (TestSupport's CodableOracle).
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
            // Version 1 is the form the Codable conformances read and write.
            var request = SyncRequest(replica: ReplicaID(high: rng.next(), low: 7), checkpoint: Int64.random(in: 0...1_000_000, using: &rng),
                                      changes: changes, withdrawn: changes.prefix(1).map(\.dot), maxBytes: Bool.random(using: &rng) ? 4096 : nil)
            request.protocol = 1
            // Ours → Codable, Codable → ours.
            let decodedByFoundation = try JSONDecoder().decode(SyncRequest.self, from: Data(SyncCodec.encode(request)))
            #expect(decodedByFoundation.changes == changes, "seed \(seed)")
            #expect(decodedByFoundation.checkpoint == request.checkpoint && decodedByFoundation.withdrawn == request.withdrawn)
            let ours = try SyncCodec.request(JSONTree.parse(Array(JSONEncoder().encode(request))))
            #expect(ours.changes == changes, "seed \(seed)")
            #expect(ours.replica == request.replica && ours.maxBytes == request.maxBytes)

            var response = SyncResponse(hub: ReplicaID(high: 1, low: 2), results: changes.map { ChangeResult(dot: $0.dot, status: .refused, code: "x", reason: "因为\"…\"") },
                                        received: UInt64.random(in: 0...1000, using: &rng), changes: changes, checkpoint: 42, more: Bool.random(using: &rng))
            response.protocol = 1
            let back = try SyncCodec.response(JSONTree.parse(SyncCodec.encode(response)))
            #expect(back.changes == changes && back.results == response.results && back.more == response.more && back.received == response.received)
            let viaFoundation = try JSONDecoder().decode(SyncResponse.self, from: Data(SyncCodec.encode(response)))
            #expect(viaFoundation.changes == changes, "seed \(seed)")
        }
    }

    /// Changes that share origins, records and authors in runs, as pages do.
    static func runsOfChanges(_ rng: inout SeededRandom) -> [Change] {
        var out: [Change] = []
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            var c = randomChange(&rng)
            if let last = out.last, Bool.random(using: &rng) {
                c = Change(dot: Dot(replica: Bool.random(using: &rng) ? last.dot.replica : c.dot.replica, seq: c.dot.seq), timestamp: c.timestamp,
                           collection: Bool.random(using: &rng) ? last.collection : "organizations",
                           record: Bool.random(using: &rng) ? last.record : c.record, field: c.field, op: c.op, value: c.value,
                           supersedes: c.supersedes, author: Bool.random(using: &rng) ? last.author : c.author)
            }
            out.append(c)
        }
        return out
    }

    @Test func version2LeavesOutWhatThePreviousChangeSaysAndReadsBackTheSame() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        for _ in 0..<300 {
            let changes = Self.runsOfChanges(&rng)
            let request = SyncRequest(replica: ReplicaID(high: 3, low: 4), checkpoint: 9, changes: changes)
            #expect(request.protocol >= 2)   // the default speaks the compact form
            let compact = SyncCodec.encode(request)
            let back = try SyncCodec.request(JSONTree.parse(compact))
            #expect(back.changes == changes, "seed \(seed)")

            var response = SyncResponse(hub: ReplicaID(high: 1, low: 2), results: [], received: 0, changes: changes, checkpoint: 7, more: false)
            response.protocol = 2
            #expect(try SyncCodec.response(JSONTree.parse(SyncCodec.encode(response))).changes == changes, "seed \(seed)")
        }
    }

    @Test func version2PagesOfOneRecordAreSmaller() {
        let origin = ReplicaID(high: 5, low: 6)
        let changes = (1...20).map { i in
            Change(dot: Dot(replica: origin, seq: UInt64(i)), timestamp: Timestamp(wall: 10, counter: UInt16(i)), collection: "submissions",
                   record: "01JD0000000000000000000001", field: "项目名称", op: .set, value: .text("县域影像"), author: "福州市第一医院 信息科")
        }
        var request = SyncRequest(replica: origin, checkpoint: 0, changes: changes)
        let compact = SyncCodec.encode(request).count
        request.protocol = 1
        let full = SyncCodec.encode(request).count
        // Each change after the first leaves out its origin, collection, record and author.
        let shared = #","origin":"00000000000000050000000000000006","record":"01JD0000000000000000000001","collection":"submissions","author":"福州市第一医院 信息科""#.utf8.count
        #expect(full - compact == 19 * shared)
    }

    @Test func version2SaysNoAuthorExplicitlyAfterOne() throws {
        let origin = ReplicaID(high: 5, low: 6)
        let first = Change(dot: Dot(replica: origin, seq: 1), timestamp: Timestamp(wall: 10, counter: 0), collection: "submissions",
                           record: "r1", field: "项目名称", op: .set, value: .text("甲"), author: "林晓")
        let second = Change(dot: Dot(replica: origin, seq: 2), timestamp: Timestamp(wall: 11, counter: 0), collection: "submissions",
                            record: "r1", field: "单位简介", op: .set, value: .text("乙"), author: nil)
        let text = String(decoding: SyncCodec.encode(SyncRequest(replica: origin, checkpoint: 0, changes: [first, second])), as: UTF8.self)
        #expect(text.contains(#"{"author":null,"counter":0,"field":"单位简介","op":"set","seq":2,"#))
        #expect(try SyncCodec.request(JSONTree.parse(Array(text.utf8))).changes == [first, second])
    }

    @Test func onlyVersion2InheritsAndNeverTheFirstChange() throws {
        let origin = String(repeating: "ab", count: 16)
        let second = #"{"counter":0,"op":"set","seq":2,"wall":5}"#
        let first = #"{"collection":"submissions","counter":0,"op":"set","origin":"\#(origin)","record":"r","seq":1,"wall":5}"#
        let v1 = try JSONTree.parse(Array(#"{"protocol":1,"replica":"\#(origin)","checkpoint":0,"changes":[\#(first),\#(second)]}"#.utf8))
        #expect { try SyncCodec.request(v1) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "missing 'origin' at 'changes.1'" }
        let v2 = try JSONTree.parse(Array(#"{"protocol":2,"replica":"\#(origin)","checkpoint":0,"changes":[\#(first),\#(second)]}"#.utf8))
        #expect(try SyncCodec.request(v2).changes.map(\.record) == ["r", "r"])
        let headless = try JSONTree.parse(Array(#"{"protocol":2,"replica":"\#(origin)","checkpoint":0,"changes":[\#(second)]}"#.utf8))
        #expect { try SyncCodec.request(headless) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "missing 'origin' at 'changes.0'" }
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"a\u{01}\"", "{\"a\":\"\\ud800\"}", "nul", "{} {}", "[\"\u{FF}\"]"])
    func malformedDocumentsAreRefused(_ text: String) {
        var bytes = Array(text.utf8)
        if text == "[\"\u{FF}\"]" { bytes = [0x5B, 0x22, 0xFF, 0x22, 0x5D] }   // invalid UTF-8
        #expect(throws: JSONTree.ParseError.self) { try JSONTree.parse(bytes) }
    }

    @Test func faultsAreNamedByPath() throws {
        let origin = String(repeating: "ab", count: 16)
        let tree = try JSONTree.parse(Array(#"{"protocol":1,"replica":"\#(origin)","checkpoint":0,"changes":[{"origin":"zz","seq":1}]}"#.utf8))
        #expect { try SyncCodec.request(tree) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "origin must be 32 lowercase hex digits at 'changes.0.origin'" }
        let missing = try JSONTree.parse(Array(#"{"protocol":1,"replica":"\#(origin)","changes":[]}"#.utf8))
        #expect { try SyncCodec.request(missing) } throws: { ($0 as? SyncCodec.DecodeError)?.description == "missing 'checkpoint'" }
    }

    /// Version 4's `head` and `proofs` read and write as the Codable rendering of 2.11 does.
    @Test func version4HeadsAndProofsRoundTripBothWays() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        for _ in 0..<100 {
            var request = SyncRequest(replica: ReplicaID(high: rng.next(), low: 9), checkpoint: 7, changes: [], maxBytes: nil)
            request.protocol = 4
            request.head = SignedPosition(seq: UInt64.random(in: 1...Dot.maxSeq, using: &rng), signature: bytes(64))
            request.want = Bool.random(using: &rng) ? nil : (0..<Int.random(in: 0...5, using: &rng)).map { _ in Dot(replica: ReplicaID(high: rng.next(), low: rng.next()), seq: UInt64.random(in: 1...Dot.maxSeq, using: &rng)) }
            #expect(try JSONDecoder().decode(SyncRequest.self, from: Data(SyncCodec.encode(request))).want == request.want, "seed \(seed)")
            #expect(try SyncCodec.request(JSONTree.parse(Array(JSONEncoder().encode(request)))).want == request.want, "seed \(seed)")
            #expect(try JSONDecoder().decode(SyncRequest.self, from: Data(SyncCodec.encode(request))).head == request.head, "seed \(seed)")
            #expect(try SyncCodec.request(JSONTree.parse(Array(JSONEncoder().encode(request)))).head == request.head, "seed \(seed)")

            let proofs = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                let first = UInt64.random(in: 1...1000, using: &rng)
                let seq = first + UInt64.random(in: 0...6, using: &rng)
                return ChainProof(origin: ReplicaID(high: rng.next(), low: rng.next()), first: first, seq: seq, base: bytes(32),
                                  leaves: (0..<Int.random(in: 0...Int(seq - first + 1), using: &rng)).map { _ in Bool.random(using: &rng) ? bytes(32) : nil },
                                  signer: ReplicaID(high: rng.next(), low: rng.next()), signature: bytes(64))
            }
            var response = SyncResponse(hub: ReplicaID(high: 1, low: 2), results: [], received: 3, changes: [], checkpoint: 42, more: false)
            response.protocol = 4
            response.proofs = proofs
            #expect(try JSONDecoder().decode(SyncResponse.self, from: Data(SyncCodec.encode(response))).proofs == proofs, "seed \(seed)")
            #expect(try SyncCodec.response(JSONTree.parse(Array(JSONEncoder().encode(response)))).proofs == proofs, "seed \(seed)")
        }
    }

    /// A change's form (2.7), written the slow, obvious way straight from the spec's words, is the
    /// same bytes the codec writes for every kind of change: chains and signatures hash it.
    @Test func aChangesFormIsTheSpecsNetstrings() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        func netstring(_ bytes: [UInt8]) -> [UInt8] { Array("\(bytes.count):".utf8) + bytes + Array(",".utf8) }
        func netstring(_ text: String) -> [UInt8] { netstring(Array(text.utf8)) }
        for _ in 0..<2_000 {
            let c = Self.randomChange(&rng)
            let value: [UInt8] = switch c.value {
            case nil: Array("-".utf8)
            case .null?: Array("n".utf8)
            case .bool(let b)?: Array((b ? "b1" : "b0").utf8)
            case .int(let i)?: Array("i\(i)".utf8)
            case .real(let d)?: Array(("r" + String(format: "%016llx", d.bitPattern)).utf8)
            case .text(let t)?: Array(("t" + t).utf8)
            case .bytes(let b)?: Array("x".utf8) + b
            }
            var expected = netstring("tianbao-change-1") + netstring(c.dot.replica.hex) + netstring(String(c.dot.seq))
            expected += netstring(String(c.timestamp.wall)) + netstring(String(c.timestamp.counter))
            expected += netstring(c.collection) + netstring(c.record) + netstring(c.field) + netstring(c.op.rawValue) + netstring(value)
            expected += netstring(c.supersedes.map { "\($0.replica.hex):\($0.seq)" }.joined(separator: ","))
            expected += netstring(c.author.map { "=" + $0 } ?? "-")
            #expect(ChangeEncoding.form(c) == expected, "seed \(seed): \(c)")
        }
    }
}
