import Crypto
import Testing

@Suite struct Ed25519Tests {
    /// RFC 8032, section 7.1, TEST 2: a known key, message and signature.
    @Test func matchesTheRFCTestVector() throws {
        let secret = bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        #expect(try Ed25519.publicKey(of: secret) == bytes("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))
        let signature = try Ed25519.sign([0x72], privateKey: secret)
        #expect(signature == bytes("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"))
        #expect(Ed25519.verify(signature, of: [0x72], publicKey: try Ed25519.publicKey(of: secret)))
    }

    @Test func aChangedMessageKeyOrSignatureDoesNotVerify() throws {
        let key = Ed25519.makePrivateKey()
        let other = Ed25519.makePrivateKey()
        let message = Array("批次摘要".utf8)
        let signature = try Ed25519.sign(message, privateKey: key)
        let publicKey = try Ed25519.publicKey(of: key)
        #expect(Ed25519.verify(signature, of: message, publicKey: publicKey))
        #expect(!Ed25519.verify(signature, of: message + [0], publicKey: publicKey))
        #expect(!Ed25519.verify(signature, of: message, publicKey: try Ed25519.publicKey(of: other)))
        var flipped = signature
        flipped[10] ^= 1
        #expect(!Ed25519.verify(flipped, of: message, publicKey: publicKey))
        #expect(!Ed25519.verify(Array(signature.prefix(63)), of: message, publicKey: publicKey))
        #expect(!Ed25519.verify(signature, of: message, publicKey: [1, 2, 3]))
        #expect(throws: Ed25519.Failure.badKey) { try Ed25519.sign(message, privateKey: [1, 2]) }
    }

    private func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars = chars.dropFirst(2)
        }
        return out
    }
}

@Suite struct HMACTests {
    /// RFC 4231, test case 2.
    @Test func matchesTheRFCTestVector() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
