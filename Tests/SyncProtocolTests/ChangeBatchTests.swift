import Foundation
import Replication
import SyncProtocol
import Testing
import TestSupport

/// A change batch is read whole or refused whole, naming the line and the key at fault.
@Suite struct ChangeBatchTests {
    let clock = ManualClock()
    let origin: ReplicaStore
    let r = RecordID.make(wallMilliseconds: 1_763_800_000_000)

    init() throws {
        origin = try Replicas.memory(clock: clock, id: Replicas.id(1))
    }

    func good(_ n: Int) throws -> [Change] {
        try (0..<n).flatMap { i in
            try origin.commit([.set(collection: "forms", record: r, field: "f\(i)", value: .text("v\(i)"))])
        }
    }

    @Test func aTruncatedBatchIsRefusedWhole() throws {
        let bytes = ChangeBatch.encode(try good(5))
        #expect(try ChangeBatch.decode(bytes).count == 5)
        for cut in [1, 20, bytes.count / 2, bytes.count - 2, bytes.count - 1] {
            #expect(throws: ChangeBatch.Malformed.self) { try ChangeBatch.decode(Array(bytes.prefix(cut))) }
        }
        // Lines dropped from the middle: the end line's count gives it away.
        var lines = bytes.split(separator: 0x0A).map(Array.init)
        lines.remove(at: 2)
        let shortened = lines.joined(separator: [0x0A]) + [0x0A]
        #expect { try ChangeBatch.decode(Array(shortened)) } throws: {
            ($0 as? ChangeBatch.Malformed)?.description.contains("counts 5 changes but the batch holds 4") == true
        }
    }

    @Test func aBadLineIsNamedByNumberAndKey() throws {
        let bytes = ChangeBatch.encode(try good(2))
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"seq\":2", with: "\"seq\":\"two\"")
        #expect { try ChangeBatch.decode(Array(text.utf8)) } throws: {
            let d = ($0 as? ChangeBatch.Malformed)?.description ?? ""
            return d.contains("line 3") && d.contains("seq")
        }
        let unknownOp = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"op\":\"set\"", with: "\"op\":\"merge\"")
        #expect { try ChangeBatch.decode(Array(unknownOp.utf8)) } throws: {
            ($0 as? ChangeBatch.Malformed)?.description.contains("'merge' is not one of") == true
        }
        let newer = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"format\":1", with: "\"format\":9")
        #expect { try ChangeBatch.decode(Array(newer.utf8)) } throws: {
            ($0 as? ChangeBatch.Malformed)?.description.contains("upgrade") == true
        }
    }

    @Test func jsonRoundTripsEveryValueKind() throws {
        let values: [FieldValue] = [.null, .bool(true), .int(-5), .int(.max), .real(0.1), .text("福建省\n\"引号\""), .bytes([0, 255])]
        var changes: [Change] = []
        for (i, value) in values.enumerated() {
            changes += try origin.commit([.set(collection: "forms", record: r, field: "f\(i)", value: value)], author: "王五")
        }
        changes += try origin.commit([.delete(record: r)])
        #expect(try ChangeBatch.decode(ChangeBatch.encode(changes)) == changes)
    }
}
