import Foundation
import Replication
import SQLite
import Crypto
import SyncClient
import SyncProtocol

/// (1) Merging remote changes durably, against inserting the same rows into a plain table.
final class MergeBench {
    let scale: Scale
    /// Changes merged per second, for the clone figure's reference.
    private(set) var rate = 0.0

    init(scale: Scale) { self.scale = scale }

    /// The changes merged, and the proofs of their batches: made once, for every round.
    private var workload: (changes: [Change], signed: (proofs: [ChainProof], verifier: PageVerifier, hub: ReplicaID))?
    private let dir = Bench.scratch("merge")

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    var count: Int { scale.mergeChanges }

    func run() throws -> [Figure] {
        let n = scale.mergeChanges
        // Each merge run is paired with a raw run right after it, and the figure is the median of
        // the pairs' ratios: drift on a shared machine hits both halves of a pair alike.
        var ratios: [Double] = [], merges: [Double] = [], raws: [Double] = []
        for round in 0..<3 {
            let merge = try seconds(round: round)
            let changes = try prepared().changes
            let raw = try Bench.seconds { try Self.rawInsert(changes, batch: scale.batch, path: "\(dir)/raw\(round).sqlite") }
            try? FileManager.default.removeItem(atPath: "\(dir)/raw\(round).sqlite")
            ratios.append(raw / merge)
            merges.append(merge)
            raws.append(raw)
        }
        let ratio = Bench.median(ratios)
        let merge = Bench.median(merges), raw = Bench.median(raws)
        rate = Double(n) / merge
        return [Figure(name: "merge \(n) remote changes, each verified (durable, batches of \(scale.batch))",
                       ours: String(format: "%.0f/s", rate), reference: String(format: "%.0f/s raw insert", Double(n) / raw),
                       ratio: ratio, target: "≥ 0.50", pass: ratio >= 0.5)]
    }

    private func prepared() throws -> (changes: [Change], signed: (proofs: [ChainProof], verifier: PageVerifier, hub: ReplicaID)) {
        if let workload { return workload }
        let changes = Workload.changes(count: scale.mergeChanges)
        // Each batch arrives with the proof a hub sends (its origin's signed head over it): merging
        // includes verifying it, as a replica does with every page.
        let made = (changes, try Self.proofs(changes, batch: scale.batch))
        workload = made
        return made
    }

    /// One merge of the workload into a fresh store (`round` names its file): its seconds.
    func seconds(round: Int) throws -> Double {
        let (changes, signed) = try prepared()
        let n = changes.count, batch = scale.batch
        let path = "\(dir)/replica\(round).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Bench.seconds {
            let store = try ReplicaStore(path: path, configuration: .init(collections: ["submissions"]))
            // As a syncing replica does: the next batch is hashed on another thread while this
            // one is applied; the signature is checked on the applying thread.
            let starts = Array(stride(from: 0, to: n, by: batch))
            let proofs = signed.proofs
            let prepare = { (i: Int) in
                Ahead { PageVerifier.prepare(Array(changes[starts[i]..<min(n, starts[i] + batch)]), proofs: [proofs[i]]) }
            }
            var next = prepare(0)
            for i in starts.indices {
                let page = next.wait()
                if i + 1 < starts.count { next = prepare(i + 1) }
                let outcome = signed.verifier.verify(page, hub: signed.hub)
                guard outcome.keptApart.isEmpty else { throw BenchError("a batch did not verify: \(outcome.keptApart[0].reason)") }
                try store.transaction {
                    for head in outcome.heads { try store.recordHead(head) }
                    try store.apply(outcome.verified)
                }
            }
            store.close()
        }
    }

    /// One signed interval per batch, as the hub would prove it, and a verifier that knows the key.
    static func proofs(_ changes: [Change], batch: Int) throws -> (proofs: [ChainProof], verifier: PageVerifier, hub: ReplicaID) {
        let origin = changes[0].dot.replica
        let key = Ed25519.makePrivateKey()
        let publicKey = try Ed25519.publicKey(of: key)
        var hash = ChangeChain.genesis(origin)
        var proofs: [ChainProof] = []
        for start in stride(from: 0, to: changes.count, by: batch) {
            let slice = changes[start..<min(changes.count, start + batch)]
            let base = hash
            for change in slice { hash = ChangeChain.step(hash, ChangeChain.leaf(change)) }
            let head = try ChangeChain.Head.sign(origin: origin, seq: slice.last!.dot.seq, hash: hash, signer: origin, privateKey: key)
            proofs.append(ChainProof(origin: origin, first: slice.first!.dot.seq, seq: head.seq, base: base, leaves: [], signer: origin, signature: head.signature))
        }
        return (proofs, PageVerifier(hubKey: publicKey, keyring: { _, _ in publicKey }), ReplicaID(high: 1, low: 1))
    }

    /// The physical limit: the same rows, same width, one prepared statement, same batches.
    static func rawInsert(_ changes: [Change], batch: Int, path: String) throws {
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("CREATE TABLE t (key INTEGER, hlc INTEGER, record TEXT, field TEXT, op INTEGER, vtype INTEGER, value, supersedes BLOB, author TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for start in stride(from: 0, to: changes.count, by: batch) {
            try db.transaction {
                for c in changes[start..<min(changes.count, start + batch)] {
                    try insert.bind(integer: Int64(c.dot.seq), at: 1)
                    try insert.bind(integer: c.timestamp.packed, at: 2)
                    try insert.bind(text: c.record, at: 3)
                    try insert.bind(text: c.field, at: 4)
                    try insert.bind(integer: 0, at: 5)
                    try insert.bind(integer: 4, at: 6)
                    try insert.bind(text: c.value?.text ?? "", at: 7)
                    try insert.bind(.null, at: 8)
                    try insert.bind(text: c.author ?? "", at: 9)
                    try insert.execute()
                }
            }
        }
    }
}

/// A value worked out on its own thread.
final class Ahead<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: T?

    init(_ work: @escaping @Sendable () -> T) {
        Thread { [self] in
            value = work()
            done.signal()
        }.start()
    }

    func wait() -> T {
        done.wait()
        return value!
    }
}
