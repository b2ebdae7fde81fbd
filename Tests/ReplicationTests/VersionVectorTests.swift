import Testing
import Replication
import TestSupport

@Suite struct VersionVectorTests {
    let a = Replicas.id(1), b = Replicas.id(2), c = Replicas.id(3)

    @Test func comparesAllFourWays() {
        let v1 = VersionVector([a: 2, b: 1])
        #expect(v1.compare(VersionVector([a: 2, b: 1])) == .equal)
        #expect(v1.compare(VersionVector([a: 3, b: 1])) == .before)
        #expect(v1.compare(VersionVector([a: 2])) == .after)
        #expect(v1.compare(VersionVector([a: 1, b: 1, c: 1])) == .concurrent)
        #expect(VersionVector().compare(VersionVector([a: 0])) == .equal)
    }

    @Test func mergeIsThePointwiseMaximum() {
        let merged = VersionVector([a: 2, b: 5]).merging(VersionVector([a: 4, c: 1]))
        #expect(merged == VersionVector([a: 4, b: 5, c: 1]))
        // commutative, idempotent
        #expect(VersionVector([a: 4, c: 1]).merging(VersionVector([a: 2, b: 5])) == merged)
        #expect(merged.merging(merged) == merged)
    }

    @Test func missingListsWhatTheOtherSideLacks() {
        let mine = VersionVector([a: 5, b: 2, c: 7])
        let theirs = VersionVector([a: 3, b: 2])
        #expect(mine.missing(from: theirs) == [a: 4...5, c: 1...7])
        #expect(theirs.missing(from: mine) == [:])
    }

    @Test func containsDots() {
        let v = VersionVector([a: 3])
        #expect(v.contains(Dot(replica: a, seq: 3)))
        #expect(!v.contains(Dot(replica: a, seq: 4)))
        #expect(!v.contains(Dot(replica: b, seq: 1)))
    }
}
