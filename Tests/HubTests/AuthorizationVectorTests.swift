import Foundation
import HTTP
import Testing
@testable import Hub
import JSON
import Replication
import Submissions
import SyncProtocol
import TestSupport

/// Runs every case in `Sync/vectors/authorization/` (PROTOCOL.md 2.8) against a real hub over
/// HTTP: each step's batch must get its verdict, and a refused batch must leave the hub as it was.
@Suite struct AuthorizationVectorTests {
    static let directory = ConformanceDirectory.vectors.appendingPathComponent("authorization")

    static func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func theVectorsArePresent() { #expect(Self.files().count >= 11) }

    struct Vector: Decodable {
        struct Org: Decodable { let code: String; let name: String; let kind: String; let city: String?; let provincial: Bool? }
        struct Enrolled: Decodable { let org: String; let role: String; let id: String }
        struct Step: Decodable {
            let `as`: String
            let now: Int64
            let changes: [Change]
            let expect: Expectation
        }
        enum Expectation: Decodable, Equatable {
            case accepted
            case refused(String)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let word = try? c.decode(String.self), word == "accepted" { self = .accepted; return }
                self = .refused(try c.decode([String: String].self)["refused"] ?? "")
            }
        }
        let name: String
        let organizations: [Org]
        let replicas: [String: Enrolled]
        let enrolled: Int64
        let steps: [Step]
    }

    @Test(arguments: files())
    func vector(_ file: String) throws {
        let vector = try JSONDecoder().decode(Vector.self, from: Data(contentsOf: Self.directory.appendingPathComponent(file)))
        let dir = TemporaryDirectory(prefix: "tianbao-authz")
        let clock = ManualClock(vector.enrolled)
        var configuration = Hub.Configuration(path: dir.file("hub.sqlite"))
        configuration.wallClock = clock.reading
        let hub = try Hub(configuration: configuration)
        defer { hub.close() }
        try hub.saveOrganizations(vector.organizations.map {
            Organization(code: $0.code, name: $0.name, kind: Organization.Kind(rawValue: $0.kind)!, city: $0.city, provincial: $0.provincial ?? false)
        })
        var tokens: [String: String] = [:]
        for (name, r) in vector.replicas {
            tokens[name] = try hub.enroll(org: r.org, role: Role(rawValue: r.role)!, label: name, replica: ReplicaID(hex: r.id)!).token
        }
        let (server, port) = try hub.serve(host: "127.0.0.1", port: 0, log: nil)
        defer { server.stop() }
        for (i, step) in vector.steps.enumerated() {
            clock.set(step.now)
            let before = try hub.withWorkspace { try $0.store.snapshot() }
            let origin = ReplicaID(hex: vector.replicas[step.as]!.id)!
            let body = SyncCodec.encode(SyncRequest(replica: origin, checkpoint: 0, changes: step.changes))
            let c = try RawConnection(port: port)
            c.send(Array("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(tokens[step.as]!)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body)
            let response = c.readResponse()
            let label = "\(vector.name), step \(i + 1) as \(step.as)"
            switch step.expect {
            case .accepted:
                #expect(response?.status == 200, "\(label): \(response?.text ?? "no response")")
            case .refused(let code):
                #expect(response?.status == 403, "\(label): \(response?.text ?? "no response")")
                #expect(response?.text.contains("\"code\":\"\(code)\"") == true, "\(label): \(response?.text ?? "no response")")
                #expect(try hub.withWorkspace { try $0.store.snapshot() } == before, "\(label): something of a refused batch was applied")
            }
        }
    }
}

/// Where the repository's `Sync/vectors` folder is, from this file.
enum ConformanceDirectory {
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sync/vectors")
}
