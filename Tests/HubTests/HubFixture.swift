import Crypto
import Foundation
import HTTP
import Hub
import Replication
import SQLite
import Submissions
import SyncClient
import TestSupport

/// A hub on a loopback port with Fujian's organisations, and replicas enrolled against it.
final class HubFixture: @unchecked Sendable {
    let dir = TemporaryDirectory(prefix: "tianbao-hub")
    let clock: ManualClock
    let hub: Hub
    let server: HTTPServer
    let port: UInt16
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// A replica: its workspace, its sync client, its token.
    final class Replica {
        let workspace: Workspace
        let client: SyncClient
        let token: String
        var store: ReplicaStore { workspace.store }
        init(workspace: Workspace, client: SyncClient, token: String) {
            self.workspace = workspace
            self.client = client
            self.token = token
        }
        @discardableResult func sync() throws -> SyncClient.Report { try client.sync() }
    }

    init(start: String = "2026-01-12", pageBytes: Int? = nil, limits: HTTPLimits = HTTPLimits(), metricsToken: String? = nil,
         historyLimit: Int? = nil, maxFileBytesPerUnit: Int? = nil) throws {
        clock = ManualClock(SimpleDate(start)!.endOfDayMilliseconds(utcOffsetHours: 8) + 1 - 14 * 3_600_000)
        var configuration = Hub.Configuration(path: dir.file("hub.sqlite"))
        configuration.wallClock = clock.reading
        if let pageBytes { configuration.pageBytes = pageBytes }
        configuration.metricsTokenHash = metricsToken.map { SHA256.digest(Array($0.utf8)) }
        if let historyLimit { configuration.maxRecordHistoryBytes = historyLimit }
        if let maxFileBytesPerUnit { configuration.maxFileBytesPerUnit = maxFileBytesPerUnit }
        hub = try Hub(configuration: configuration)
        try hub.saveOrganizations(HubFixture.organizations)
        (server, port) = try hub.serve(host: "127.0.0.1", port: 0, limits: limits, log: nil)
    }

    deinit {
        server.stop()
        hub.close()
    }

    static let organizations: [Organization] = [
        Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province, contact: "薛鹏", phone: "0591-87832310"),
        Organization(code: "fj-fuzhou", name: "福州市卫生健康委员会", kind: .city, contact: "林晓", phone: "0591-87111111"),
        Organization(code: "fj-xiamen", name: "厦门市卫生健康委员会", kind: .city, contact: "陈明", phone: "0592-2222222"),
        Organization(code: "fz-first", name: "福州市第一医院", kind: .hospital, city: "fj-fuzhou", level: "三级甲等"),
        Organization(code: "fz-second", name: "福州市第二医院", kind: .hospital, city: "fj-fuzhou", level: "三级甲等"),
        Organization(code: "xm-first", name: "厦门市第一医院", kind: .hospital, city: "fj-xiamen", level: "三级甲等"),
        Organization(code: "fj-slyy", name: "福建省立医院", kind: .hospital, provincial: true, level: "三级甲等"),
    ]

    /// Enrols a replica for `org` and opens its store in the fixture's folder.
    func replica(_ org: String, role: Role, name: String? = nil, signed: Bool = false) throws -> Replica {
        let (id, token) = try hub.enroll(org: org, role: role, label: name)
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = clock.reading
        configuration.newReplicaID = id
        configuration.durability = .processCrash
        let store = try ReplicaStore(path: dir.file("\(name ?? org)-\(id.hex.prefix(6)).sqlite"), configuration: configuration)
        let workspace = Workspace(store: store, actor: Actor(org: org, role: role), author: name ?? org)
        let client = SyncClient(store: store, hub: url, token: token)
        if signed { client.signer = try SyncClient.Signer(privateKey: Ed25519.makePrivateKey(), token: token) }
        return Replica(workspace: workspace, client: client, token: token)
    }

    /// How many changes the hub holds.
    func hubChangeCount() throws -> UInt64 {
        try hub.withWorkspace { $0.store.versionVector().entries.values.reduce(0, +) }
    }

    /// A raw request with a body, for the tests that must send exactly these bytes.
    func raw(_ method: String = "POST", _ path: String = "/v1/sync", token: String?, body: [UInt8], headers: [String] = []) throws -> RawResponse? {
        let c = try RawConnection(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for h in headers { head += h + "\r\n" }
        c.send(Array((head + "\r\n").utf8) + body)
        return c.readResponse()
    }
}
