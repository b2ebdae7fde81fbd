import JSON
import Testing
import TestSupport

@Suite struct Base64Tests {
    @Test func base64RoundTrips() {
        var rng = SeededRandom(seed: 1)
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55!") == nil)
    }
}
