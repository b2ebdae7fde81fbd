import Crypto
import Foundation

/// Files holding a secret (a token, a signing key): readable by their owner only.
enum SecretFile {
    /// Writes `text` and a newline to `file`, created owner-only before the secret goes into it.
    static func write(_ file: String, _ text: String) throws {
        _ = FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.write(contentsOf: Data((text + "\n").utf8))
        try handle.close()
    }

    /// The Ed25519 private key (hex) in `file`, made and written there on first use; a file that
    /// does not hold one is `damaged`.
    static func signingKey(_ file: String, damaged: @autoclosure () -> CLIFailure) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: file) {
            guard let key = Hex.decode(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  key.count == Ed25519.privateKeyBytes else { throw damaged() }
            return key
        }
        let key = Ed25519.makePrivateKey()
        try write(file, Hex.encode(key))
        return key
    }
}
