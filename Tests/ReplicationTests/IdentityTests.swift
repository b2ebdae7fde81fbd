import Testing
@testable import Replication
import TestSupport

@Suite struct IdentityTests {
    @Test func replicaIDHexRoundTripsAndOrdersByBytes() {
        for _ in 0..<100 {
            let id = ReplicaID.random()
            #expect(ReplicaID(hex: id.hex) == id)
            #expect(ReplicaID(bytes: id.bytes) == id)
            #expect(id.hex.count == 32)
        }
        let ids = (0..<50).map { _ in ReplicaID.random() }
        #expect(ids.sorted().map(\.bytes) == ids.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func replicaIDRefusesOtherSpellings() {
        #expect(ReplicaID(hex: String(repeating: "A", count: 32)) == nil)
        #expect(ReplicaID(hex: String(repeating: "0", count: 31)) == nil)
        #expect(ReplicaID(hex: String(repeating: "g", count: 32)) == nil)
    }

    @Test func recordIDsAreCanonicalVersion7UUIDsThatSortByTime() {
        let early = RecordID.make(wallMilliseconds: 1_700_000_000_000)
        let late = RecordID.make(wallMilliseconds: 1_700_000_000_001)
        #expect(RecordID.isValid(early))
        #expect(early < late)
        #expect(Array(early)[14] == "7")
        #expect("89ab".contains(Array(early)[19]))
        #expect(!RecordID.isValid(early.uppercased()))
        #expect(!RecordID.isValid("not-a-uuid"))
    }

    @Test func dotsParseFromTheirWireForm() {
        let dot = Dot(replica: Replicas.id(7), seq: 42)
        #expect(Dot(dot.description) == dot)
        #expect(Dot("\(Replicas.id(7).hex):0") == nil)
        #expect(Dot("\(Replicas.id(7).hex):-1") == nil)
        #expect(Dot("\(Replicas.id(7).hex):+1") == nil)
        #expect(Dot("\(Replicas.id(7).hex):\(Dot.maxSeq + 1)") == nil)
        #expect(Dot("nothex:1") == nil)
    }
}
