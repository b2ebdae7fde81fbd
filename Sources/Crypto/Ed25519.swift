import CCrypto

/// Ed25519 signatures (RFC 8032) through libcrypto: each replica signs what it produces with a key
/// made on its own machine, and the hub, knowing only the public half, checks it.
public enum Ed25519 {
    public static let publicKeyBytes = 32
    public static let privateKeyBytes = 32
    public static let signatureBytes = 64

    public enum Failure: Error, Equatable {
        /// libcrypto refused the key (wrong length) or could not sign.
        case badKey
    }

    /// A new private key (its 32-byte seed) from the system's CSPRNG.
    public static func makePrivateKey() -> [UInt8] { Secret.randomBytes(privateKeyBytes) }

    /// The public key of a private key.
    public static func publicKey(of privateKey: [UInt8]) throws(Failure) -> [UInt8] {
        guard privateKey.count == privateKeyBytes,
              let key = privateKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) })
        else { throw .badKey }
        defer { EVP_PKEY_free(key) }
        var out = [UInt8](repeating: 0, count: publicKeyBytes)
        var length = out.count
        guard EVP_PKEY_get_raw_public_key(key, &out, &length) == 1, length == publicKeyBytes else { throw .badKey }
        return out
    }

    /// The signature of `message` under `privateKey`.
    public static func sign(_ message: [UInt8], privateKey: [UInt8]) throws(Failure) -> [UInt8] {
        guard privateKey.count == privateKeyBytes,
              let key = privateKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) })
        else { throw .badKey }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .badKey }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { throw .badKey }
        var signature = [UInt8](repeating: 0, count: signatureBytes)
        var length = signature.count
        let ok = message.withUnsafeBufferPointer { EVP_DigestSign(context, &signature, &length, $0.baseAddress, $0.count) }
        guard ok == 1, length == signatureBytes else { throw .badKey }
        return signature
    }

    /// Whether `signature` is `message` signed by the holder of `publicKey`. Any malformed input is
    /// simply not a valid signature.
    public static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureBytes, publicKey.count == publicKeyBytes,
              let key = publicKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) })
        else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in EVP_DigestVerify(context, s.baseAddress, s.count, m.baseAddress, m.count) == 1 }
        }
    }
}
