import Testing
import Crypto

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("填报") == SHA256.hex(Array("填报".utf8)))
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
