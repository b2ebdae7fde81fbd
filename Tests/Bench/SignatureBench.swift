import Crypto
import Foundation
import Replication
import SyncProtocol

/// (8) Signing a push and verifying it on the hub (Ed25519 over the batch's canonical digest),
/// per change, against merging the same changes: what signatures add to the sync path. Reported.
struct SignatureBench {
    let scale: Scale
    let mergeRate: Double

    func run() throws -> [Figure] {
        let batch = 500
        let changes = Workload.changes(count: min(scale.mergeChanges, 50_000))
        let origin = changes[0].dot.replica
        let key = Ed25519.makePrivateKey()
        let publicKey = try Ed25519.publicKey(of: key)
        var verified = 0
        // The replica hashes its chain through a push and signs its head; the receiver hashes the
        // same changes again and checks the signature (PROTOCOL.md 2.11).
        let seconds = try Bench.seconds {
            var signed = ChangeChain.genesis(origin), checked = signed
            for start in stride(from: 0, to: changes.count, by: batch) {
                let slice = changes[start..<min(changes.count, start + batch)]
                for change in slice { signed = ChangeChain.step(signed, ChangeChain.leaf(change)) }
                let head = try ChangeChain.Head.sign(origin: origin, seq: slice.last!.dot.seq, hash: signed, signer: origin, privateKey: key)
                for change in slice { checked = ChangeChain.step(checked, ChangeChain.leaf(change)) }
                if ChangeChain.Head(origin: origin, seq: head.seq, hash: checked, signer: origin, signature: head.signature).verifies(with: publicKey) {
                    verified += slice.count
                }
            }
        }
        guard verified == changes.count else { throw BenchError("a signed head did not verify") }
        let perChange = seconds / Double(changes.count) * 1e6
        let mergePerChange = 1e6 / mergeRate
        return [Figure(name: "sign + verify the chain, pushes of \(batch) (SHA-256 per change, Ed25519 per push)",
                       ours: String(format: "%.2f µs per change", perChange),
                       reference: String(format: "%.2f µs per change merged", mergePerChange),
                       ratio: perChange / mergePerChange, target: "report", pass: nil)]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
