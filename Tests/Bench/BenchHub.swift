import Foundation
import HTTP
import Hub
import Replication
import Submissions
import Synchronization

/// Bytes and requests the hub served, from its access log.
final class WireCounter: Sendable {
    private let counts = Mutex((bytesIn: 0, bytesOut: 0, requests: 0))
    private let serving = Mutex(0.0)

    /// Milliseconds the hub spent answering, since the last call.
    func takeServingMilliseconds() -> Double { serving.withLock { v in defer { v = 0 }; return v } }

    func add(_ entry: HTTPServer.AccessEntry) {
        serving.withLock { $0 += entry.milliseconds }
        counts.withLock { c in
            c.bytesIn += entry.bytesIn
            c.bytesOut += entry.bytesOut
            c.requests += 1
        }
    }

    /// The counts since the last call, once every request made so far is in. The server logs a
    /// request just after sending its reply, so a client can hold the reply before the entry
    /// lands (on a loaded machine, long before): wait for at least one entry, then for quiet.
    func take() -> (bytesIn: Int, bytesOut: Int, requests: Int) {
        let deadline = Date().addingTimeInterval(2)
        var seen = counts.withLock { $0.requests }
        while Date() < deadline {
            usleep(seen == 0 ? 1_000 : 20_000)
            let now = counts.withLock { $0.requests }
            if now > 0 && now == seen { break }
            seen = now
        }
        return counts.withLock { c in
            defer { c = (0, 0, 0) }
            return c
        }
    }
}

/// A hub on a loopback port for the benchmarks.
final class BenchHub: Sendable {
    let dir: String
    let hub: Hub
    let server: HTTPServer
    let url: String
    let wire = WireCounter()

    static let organizations = [
        Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province),
        Organization(code: "fj-fuzhou", name: "福州市卫生健康委员会", kind: .city),
        Organization(code: "fz-first", name: "福州市第一医院", kind: .hospital, city: "fj-fuzhou"),
    ]

    init(name: String) throws {
        dir = Bench.scratch(name)
        var configuration = Hub.Configuration(path: "\(dir)/hub.sqlite")
        configuration.maxClockSkewMilliseconds = .max / 4
        let hub = try Hub(configuration: configuration)
        try hub.saveOrganizations(Self.organizations)
        let wire = self.wire
        var limits = HTTPLimits()
        limits.maxConnections = 1_024
        server = HTTPServer(limits: limits, logger: { wire.add($0) }, errors: Hub.errors) { hub.handle($0) }
        url = "http://127.0.0.1:\(try server.start(host: "127.0.0.1", port: 0))"
        self.hub = hub
    }

    /// Applies changes straight into the hub's store (setting up data, not measuring).
    func load(_ changes: [Change], batch: Int = 2_000) throws {
        for start in stride(from: 0, to: changes.count, by: batch) {
            let slice = Array(changes[start..<min(changes.count, start + batch)])
            _ = try hub.withWorkspace { workspace in try workspace.store.apply(slice).applied }
        }
        // What the origin would have signed: the hub vouches for it, so replicas can verify it.
        try hub.vouchForUnsignedHistory()
    }

    func stop() {
        server.stop()
        hub.close()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
