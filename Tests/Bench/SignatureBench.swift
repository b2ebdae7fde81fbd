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
        let replica = changes[0].dot.replica
        let key = Ed25519.makePrivateKey()
        let publicKey = try Ed25519.publicKey(of: key)
        var verified = 0
        let seconds = try Bench.seconds {
            for start in stride(from: 0, to: changes.count, by: batch) {
                let slice = Array(changes[start..<min(changes.count, start + batch)])
                let signature = try BatchSignature.sign(replica: replica, changes: slice, privateKey: key)
                if BatchSignature.verify(signature, replica: replica, changes: slice, publicKey: publicKey) { verified += slice.count }
            }
        }
        guard verified == changes.count else { throw BenchError("a signature did not verify") }
        let perChange = seconds / Double(changes.count) * 1e6
        let mergePerChange = 1e6 / mergeRate
        return [Figure(name: "sign + verify pushes of \(batch) (Ed25519 over the batch digest)",
                       ours: String(format: "%.2f µs per change", perChange),
                       reference: String(format: "%.2f µs per change merged", mergePerChange),
                       ratio: perChange / mergePerChange, target: "report", pass: nil)]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
