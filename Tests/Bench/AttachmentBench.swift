import Crypto
import Foundation
import Hub
import Replication
import Submissions
import SyncClient

/// (8) A scanned file attached on one replica reaching another through the hub, end to end:
/// sent in parts, stored, served in ranges, checked against its hash. Against fetching the same
/// bytes from the hub's port by one plain HTTP GET on a socket, in the same run.
struct AttachmentBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let size = 20 << 20
        let hub = try BenchHub(name: "attachment")
        defer { hub.stop() }
        func scan(_ seed: UInt64) -> [UInt8] {
            var random = (seed &* 0x9E37_79B9_7F4A_7C15) | 1
            var bytes = Array("%PDF-1.7\n".utf8)
            bytes.reserveCapacity(size)
            while bytes.count < size {
                random ^= random << 13; random ^= random >> 7; random ^= random << 17
                withUnsafeBytes(of: random) { bytes.append(contentsOf: $0.prefix(size - bytes.count)) }
            }
            return bytes
        }
        func replica(_ name: String) throws -> (Workspace, SyncClient, String) {
            let (id, token) = try hub.hub.enroll(org: "fz-first", role: .hospital, label: name)
            var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
            configuration.newReplicaID = id
            let store = try ReplicaStore(path: "\(hub.dir)/\(name).sqlite", configuration: configuration)
            let client = SyncClient(store: store, hub: URL(string: hub.url)!, token: token)
            try client.sync()
            return (Workspace(store: store, actor: Actor(org: "fz-first", role: .hospital), author: name), client, token)
        }
        let (a, sender, _) = try replica("sender")
        let (b, receiver, token) = try replica("receiver")
        let id = try a.create(call: "fujian-2026", form: "application", values: [("项目名称", "影像辅助诊断")])
        // Three rounds, a new file each: the figure is the median of the rounds' ratios, each
        // measured beside its own reference.
        var ratios: [Double] = [], ends: [Double] = [], plains: [Double] = [], ups: [Double] = []
        let plainHTTP = SocketTransport(timeoutSeconds: 120)
        _ = try plainHTTP.get(URL(string: "\(hub.url)/healthz")!)   // a warm client: a process's own start is not the hub's cost
        for round in 0..<3 {
            let bytes = scan(0x5CA7_F11E &+ UInt64(round))
            let attachment = try a.attach(id, name: "申请表盖章扫描件-\(round + 1).pdf", bytes: bytes)
            let up = try Bench.seconds { try sender.sync() }
            let down = try Bench.seconds { try receiver.sync() }
            let endToEnd = up + down
            ups.append(up)
            guard try b.fileBytes(id, file: attachment.name).1 == bytes else { throw BenchError("the file did not arrive whole") }
            // The same bytes from the same port, by one plain GET.
            let url = URL(string: "\(hub.url)/v1/files/\(id)/\(attachment.hashHex)")!
            var fetched: [UInt8] = []
            let plain = try Bench.seconds { fetched = try plainHTTP.send("GET", url, headers: [], body: [], token: token).body }
            guard fetched == bytes else { throw BenchError("the plain fetch did not return the file") }
            ratios.append(plain / endToEnd)
            ends.append(endToEnd)
            plains.append(plain)
        }
        let (ratio, endToEnd, plain) = (Bench.median(ratios), Bench.median(ends), Bench.median(plains))
        return [Figure(name: "attachment of 20 MiB, attached on one replica to fetched on another (through the hub)",
                       ours: String(format: "%.0f ms end to end (%.0f ms of it sending)", endToEnd * 1000, Bench.median(ups) * 1000), reference: String(format: "%.0f ms plain HTTP GET", plain * 1000),
                       ratio: ratio, target: "≥ 0.50", pass: ratio >= 0.5)]
    }
}
