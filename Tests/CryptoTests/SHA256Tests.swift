import Testing
import Crypto

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("填报") == SHA256.hex(Array("填报".utf8)))
        // FIPS 180-2's two-block message, and a million 'a's (many blocks, one call).
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// A chain hashes two pieces without joining them, and a file in the parts it arrives in: both
    /// must be the digest of the pieces joined, wherever the cut falls (block edges included).
    @Test func piecesHashAsTheirJoin() {
        let seed = UInt64.random(in: 1...UInt64.max)
        var state = seed
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for _ in 0..<300 {
            let count = Int(next() % 300)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
            let cut = count == 0 ? 0 : Int(next() % UInt64(count + 1))
            let whole = SHA256.digest(bytes)
            #expect(SHA256.digest(Array(bytes[..<cut]), Array(bytes[cut...])) == whole, "seed \(seed), \(count) bytes cut at \(cut)")
            let stream = SHA256Stream()
            var at = 0
            while at < count {
                let part = min(count - at, Int(next() % 130) + 1)
                stream.update(Array(bytes[at..<at + part]))
                at += part
            }
            #expect(stream.finish() == whole, "seed \(seed), \(count) bytes streamed")
            #expect(SHA256.digest(bytes[...]) == whole, "an ArraySlice, seed \(seed)")
        }
    }

    @Test func secretsAreRandomAndComparedExactly() {
        let a = Secret.randomBytes(32), b = Secret.randomBytes(32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(Secret.constantTimeEqual(a, a))
        #expect(!Secret.constantTimeEqual(a, b))
        #expect(!Secret.constantTimeEqual(a, Array(a.dropLast())))
    }
}
