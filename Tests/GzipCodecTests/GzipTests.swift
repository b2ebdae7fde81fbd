import GzipCodec
import Testing

/// One gzip stream and nothing after it: bytes past the end were never checked by anyone.
@Suite struct GzipTests {
    let text = Array("汇总表，第一版。".utf8)

    @Test func bytesAfterTheStreamEndAreRefused() throws {
        let packed = Gzip.compress(text)
        #expect(try Gzip.decompress(packed, limit: 1_000) == text)
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(packed + [0], limit: 1_000) }
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(packed + Array("<script>".utf8), limit: 1_000) }
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(packed + packed, limit: 1_000) }  // a second member
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(Array(packed.dropLast()), limit: 1_000) }
        // The size limit still comes first.
        #expect(throws: Gzip.Failure.tooLarge(limit: 100)) { try Gzip.decompress(Gzip.compress([UInt8](repeating: 7, count: 10_000)) + [0], limit: 100) }
    }
}
