import Messages
import Crypto
import Foundation
import HTTP
import Replication
import Submissions
import Synchronization
import SyncProtocol

/// The province's central server: it authenticates replicas, authorises every change they push
/// with the domain's permission function, and gives each the changes it may read.
///
/// One SQLite file (WAL) holds the hub's replica store and its own tables, on one connection: a
/// sync is one transaction. Requests are served on many threads; the store is used by one at a time.
public final class Hub: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        public var maxClockSkewMilliseconds: Int64 = 10 * 60 * 1000
        public var wallClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        public var pageBytes = SyncProtocol.defaultPageBytes
        public var extraTemplates: [CallTemplate] = []
        /// SHA-256 of the bearer token that unlocks `/metrics`' per-replica series; without it (or
        /// without the token in a request) `/metrics` serves aggregates only, naming no replica.
        public var metricsTokenHash: [UInt8]?
        /// The most a form record's history may weigh (its values' bytes, plus 256 a change): a
        /// record entering a replica's scope is sent whole, so its size bounds that reply.
        public var maxRecordHistoryBytes = 16 << 20
        /// The most bytes of attached files the hub keeps for one unit's records (held or on
        /// their way): a unit's few dozen scans fit many times over; a replica cannot fill the disk.
        public var maxFileBytesPerUnit = 2 << 30
        /// Who runs this hub process, as the audit trail names the administrator (the operator at
        /// the hub's console: `$TIANBAO_USER`, else the system user).
        public var operatorName = "hub"
        /// The Ed25519 private key the hub signs with — its audit trail, its own changes, and the
        /// history it vouches for (PROTOCOL.md 2.11) — kept outside the database (`tianbao` keeps it
        /// in `<database>.key`, owner-only). Without one the hub makes a key for this process only.
        public var signingKey: [UInt8]?

        public init(path: String) { self.path = path }
    }

    final class State {
        let store: ReplicaStore
        let tables: HubDatabase
        /// The province's workspace, kept across requests: it reads the directory, the calls and
        /// who leads which record again only for what arrived since (``Workspace/followArrivals()``).
        var workspace: Workspace?
        /// Each call's completeness and selection with the arrival position they were worked out at (the dashboard's).
        var dashboardCache: [String: (position: Int64, completeness: Completeness, selection: SelectionProgress?)] = [:]
        /// How far the pages served to each replica reached (``Hub/page(for:after:maxBytes:protocol:directory:_:)``).
        var servedThrough: [ReplicaID: Int64] = [:]
        /// The newest arrival when this process opened the store: what it knows of a replica it
        /// has not served yet, since no page an earlier process served reached further.
        let servedBeforeOpen: Int64
        init(store: ReplicaStore, tables: HubDatabase) throws {
            self.store = store
            self.tables = tables
            servedBeforeOpen = try store.latestArrival()
        }
    }

    public let configuration: Configuration
    public let replicaID: ReplicaID
    let signingKey: [UInt8]
    /// The public half of ``signingKey``: what replicas check the hub's heads with.
    public let publicKey: [UInt8]
    let state: Mutex<State>
    let metrics = HubMetrics()

    public init(configuration: Configuration) throws {
        var storeConfiguration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        storeConfiguration.recordsArrivals = true
        storeConfiguration.readerRule = ReadScope.rule
        storeConfiguration.wallClock = configuration.wallClock
        storeConfiguration.maxClockSkewMilliseconds = configuration.maxClockSkewMilliseconds
        let store = try ReplicaStore(path: configuration.path, configuration: storeConfiguration)
        let tables = try HubDatabase(store: store)
        // A hub that logged arrivals before it tagged them with their readers tags them all, once.
        if try !store.arrivalsTagged() { try store.tagEveryArrival(extra: tables.grantKeys()) }
        let key = configuration.signingKey ?? Ed25519.makePrivateKey()
        self.signingKey = key
        self.publicKey = try Ed25519.publicKey(of: key)
        self.configuration = configuration
        self.replicaID = store.replicaID
        store.sealOwnChanges = Self.sealer(hub: store.replicaID, key: key)
        self.state = Mutex(try State(store: store, tables: tables))
        try state.withLock { s in
            try vouchForHistoryBeforeChains(s)
            try collectUnnamedFiles(s)
        }
    }

    /// Closes the store cleanly (after the server has stopped).
    public func close() {
        state.withLock { $0.store.close() }
    }

    var now: Int64 { configuration.wallClock() }

    // MARK: Administration

    /// Enrols a replica for `org` in `role`: returns its new replica id and its token, which is
    /// shown once and never stored (only its hash is).
    public func enroll(org: String, role: Role, label: String? = nil) throws -> (replica: ReplicaID, token: String) {
        try enroll(org: org, role: role, label: label, replica: ReplicaID.random())
    }

    /// Enrols with a given replica id: for conformance vectors, whose changes name their origins.
    func enroll(org: String, role: Role, label: String?, replica: ReplicaID) throws -> (replica: ReplicaID, token: String) {
        try state.withLock { s in
            let directory = try workspace(s).directory()
            guard let organization = directory.named(org) else { throw HubError.unknownOrganization(org, known: directory.sorted.flatMap { [$0.code, $0.name] }) }
            let org = organization.code
            guard Permission.role(role, fits: organization.kind) else {
                throw HubError.roleMismatch(org: organization.name, kind: organization.kind.rawValue, role: role.rawValue)
            }
            let (token, hash) = Token.make(for: replica)
            try s.store.transaction {
                try s.tables.insertEnrollment(replica: replica, org: org, role: role.rawValue, tokenHash: hash, label: label, now: now)
                try audit(.enrol, replica.hex, ["org", org, "role", role.rawValue, "label", label ?? ""], s)
            }
            return (replica, token)
        }
    }

    /// How the audit trail names a replica acting on its own: its id and its enrolment's label.
    static func name(_ replica: ReplicaID, _ label: String?) -> String {
        "replica \(replica.hex)\(label.map { " (\($0))" } ?? "")"
    }

    /// Appends to the audit trail, as the operator, in the caller's transaction.
    func audit(_ event: AuditEntry.Event, _ subject: String, _ detail: [String], by: String? = nil, _ s: State) throws {
        let pairs = stride(from: 0, to: detail.count - 1, by: 2).map { (detail[$0], detail[$0 + 1]) }
        try s.tables.appendAudit(at: now, by: by ?? configuration.operatorName, event: event, subject: subject, detail: pairs,
                                 signingKey: signingKey)
    }

    /// The audit trail (entries at or after `since`, milliseconds), and every break in the whole
    /// chain: an entry altered, removed or inserted in the file after it was written.
    public func audit(since: Int64? = nil) throws -> (entries: [AuditEntry], anomalies: [String]) {
        let all = try state.withLock { try $0.tables.auditEntries() }
        let publicKey: [UInt8]? = publicKey
        var anomalies: [String] = []
        var earlier: AuditEntry?
        for entry in all {
            if let anomaly = entry.anomaly(after: earlier, publicKey: publicKey) { anomalies.append(anomaly) }
            earlier = entry
        }
        return (all.filter { $0.at >= since ?? .min }, anomalies)
    }

    /// Revokes a replica's token; its next request gets 401.
    public func revoke(_ replica: ReplicaID) throws -> Bool {
        try state.withLock { s in try s.store.transaction {
            guard try s.tables.revoke(replica, now: now) else { return false }
            try audit(.revoke, replica.hex, ["org", try s.tables.enrollment(replica)?.0.org ?? ""], s)
            // Its colleagues stop taking its bundles once they learn it.
            let workspace = try workspace(s)
            if let key = try workspace.publishedKey(replica) {
                try workspace.publish(PublishedKey(replica: key.replica, org: key.org, role: key.role, publicKey: key.publicKey, label: key.label, revoked: now))
            }
            return true
        } }
    }

    /// Enrolled replicas, oldest first.
    public func enrollments() throws -> [Enrollment] {
        try state.withLock { try $0.tables.enrollments().map(Enrollment.init) }
    }

    public struct Enrollment: Sendable, Equatable {
        public let replica: ReplicaID
        public let org: String
        public let role: String
        public let label: String?
        public let created: Int64
        public let revoked: Int64?
        public let lastSync: Int64?
        public let lastStatus: Int?

        init(_ e: HubDatabase.Enrollment) {
            replica = e.replica; org = e.org; role = e.role; label = e.label
            created = e.created; revoked = e.revoked; lastSync = e.lastSync; lastStatus = e.lastStatus
        }
    }

    /// Registers or updates organisations as the province (the first may be the province itself).
    public func saveOrganizations(_ organizations: [Organization]) throws {
        try state.withLock { s in try s.store.transaction {
            let provinceCode = try workspace(s).directory().province?.code ?? organizations.first { $0.kind == .province }?.code
            guard let provinceCode else { throw HubError.noProvince }
            let admin = Workspace(store: s.store, actor: Actor(org: provinceCode, role: .province), author: "hub",
                                  extraTemplates: configuration.extraTemplates)
            // The province first: it must exist before it may register the others.
            let ordered = organizations.filter { $0.kind == .province } + organizations.filter { $0.kind != .province }
            for org in ordered {
                let before = try admin.directory()[org.code]
                try admin.save(org)
                guard before != org else { continue }
                try audit(.organization, org.code, ["change", before == nil ? "added" : "updated", "name", org.name, "kind", org.kind.rawValue,
                                                    "city", org.city ?? ""], s)
            }
        } }
    }

    /// Publishes a call template to every replica through sync, as the province.
    public func publish(_ template: CallTemplate) throws {
        try state.withLock { s in try s.store.transaction {
            try workspace(s).publish(template)
            try audit(.publish, template.id, ["version", String(template.version), "title", template.title], s)
        } }
    }

    /// Writes a consistent copy of the hub's database to `path`, while it keeps serving.
    public func backup(to path: String) throws {
        try state.withLock { try $0.store.backup(to: path) }
    }

    /// Runs `body` with the hub's store viewed as the province (for reports and tables on the hub).
    public func withWorkspace<T: Sendable>(_ body: (Workspace) throws -> T) throws -> T {
        try state.withLock { s in try body(try workspace(s)) }
    }

    /// A workspace over the hub's store acting as the province (whichever the directory names now).
    func workspace(_ s: State) throws -> Workspace {
        if let known = s.workspace, try known.actor.org == known.directory().province?.code ?? "" { return known }
        let directory = try Workspace.directory(of: s.store)
        let made = Workspace(store: s.store, actor: Actor(org: directory.province?.code ?? "", role: .province), author: "hub",
                             extraTemplates: configuration.extraTemplates)
        made.followArrivals()
        s.workspace = made
        return made
    }

    // MARK: Serving

    /// Every endpoint and the methods it answers; a 405 names them in `Allow`.
    static let routes: [String: [String]] = [
        "/healthz": ["GET", "HEAD"], "/metrics": ["GET"], SyncProtocol.whoamiPath: ["GET"], SyncProtocol.path: ["POST"],
        Hub.dashboardPath: ["GET"],
    ]

    /// Answers one HTTP request.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = Date()
        let route: String
        var response: HTTPResponse
        switch (request.method, request.path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            route = "/healthz"
            response = HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array("{\"status\":\"ok\"}".utf8))
        case ("GET", "/metrics"):
            route = "/metrics"
            let replicas = ((try? state.withLock { try $0.tables.enrollments() }) ?? []).filter { $0.revoked == nil }
            let text = metrics.render(replicas: replicas.count,
                                      perReplica: metricsAuthorized(request) ? replicas.map { ($0.replica.hex, $0.org, $0.role, $0.lastSync) } : [])
            response = HTTPResponse.text(.ok, text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        case ("GET", Self.dashboardPath):
            route = Self.dashboardPath
            response = dashboard(request)
        case ("GET", SyncProtocol.whoamiPath):
            route = SyncProtocol.whoamiPath
            response = whoami(request)
        case ("POST", SyncProtocol.path):
            route = SyncProtocol.path
            response = sync(request)
            metrics.sync(seconds: Date().timeIntervalSince(started))
        case (_, let path) where path.hasPrefix(Self.filesPathPrefix):
            // A file's bytes go as they are: scans do not compress, and ranges count raw bytes.
            let response = Self.withCachingHeaders(files(request), varies: false)
            metrics.request(route: Self.filesPathPrefix, status: response.status.code)
            return response
        case (_, let path) where Self.routes[path] != nil:
            let allowed = Self.routes[path]!
            route = path
            response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: Message.hubMethodNotAllowed.text("\(request.method)", "\(path)", "\(allowed.joined(separator: " or "))"))
            response.headers.set("Allow", allowed.joined(separator: ", "))
        default:
            route = "other"
            response = HTTPResponse.error(.notFound, code: "not_found", message: Message.hubNoEndpoint.text("\(request.path)"))
        }
        metrics.request(route: route, status: response.status.code)
        return Self.withCachingHeaders(response.compressed(for: request), varies: true)
    }

    /// What a cache and a client must know of every answer (RFC 9111, RFC 6750): nothing the hub
    /// says may be kept (`no-store`: an answer given for a token is no one else's, and a liveness or
    /// metrics answer is only true now), a compressible one depends on `Accept-Encoding` whether or
    /// not this one was compressed, and a 401 says how to authenticate.
    static func withCachingHeaders(_ response: HTTPResponse, varies: Bool) -> HTTPResponse {
        var response = response
        if response.headers["Cache-Control"] == nil {
            response.headers.set("Cache-Control", "no-store")
        }
        if varies, response.headers["Vary"] == nil { response.headers.set("Vary", "Accept-Encoding") }
        if response.status == .unauthorized, response.headers["WWW-Authenticate"] == nil {
            response.headers.set("WWW-Authenticate", "Bearer realm=\"tianbao\"")
        }
        return response
    }

    /// The route label a request is counted under: its endpoint, the files prefix, "other" for an
    /// unknown path, "unparsed" when the request's head was refused before a path could be trusted.
    static func route(of path: String?) -> String {
        guard let path else { return "unparsed" }
        if routes[path] != nil { return path }
        return path.hasPrefix(filesPathPrefix) ? filesPathPrefix : "other"
    }

    /// Whether the request carries the metrics token.
    func metricsAuthorized(_ request: HTTPRequest) -> Bool {
        guard let expected = configuration.metricsTokenHash, let header = request.headers["Authorization"], header.hasPrefix("Bearer ") else { return false }
        return Secret.constantTimeEqual(SHA256.digest(Array(header.dropFirst(7).utf8)), expected)
    }

    /// Starts serving on `host:port`, logging one line per request on standard error.
    public func serve(host: String, port: UInt16, limits: HTTPLimits = HTTPLimits(),
                      log: (@Sendable (String) -> Void)? = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }) throws -> (HTTPServer, UInt16) {
        var logger: (@Sendable (HTTPServer.AccessEntry) -> Void)?
        if let log { logger = { entry in log(Hub.logLine(entry)) } }
        let server = HTTPServer(limits: limits, logger: logger, errors: Hub.errors, admit: { [self] head in admit(head).map { Hub.withCachingHeaders($0, varies: false) } },
                                refused: { [metrics] path, status in metrics.request(route: Hub.route(of: path), status: status.code) }) { [self] request in handle(request) }
        let bound = try server.start(host: host, port: port)
        return (server, bound)
    }

    /// `time principal method path status bytes-in bytes-out ms`: never a token or a value.
    static func logLine(_ e: HTTPServer.AccessEntry) -> String {
        let time = CivilTime.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        return "\(time) \(e.principal ?? "-") \(e.method) \(e.path) \(e.status.code) in=\(e.bytesIn) out=\(e.bytesOut) \(String(format: "%.1f", e.milliseconds))ms"
    }
}

/// Why an administrative operation on the hub failed.
public enum HubError: Error, Equatable, CustomStringConvertible {
    case unknownOrganization(String, known: [String])
    case roleMismatch(org: String, kind: String, role: String)
    case noProvince
    case bundleRefused(String)
    case keyRefused(String)
    case stampMismatch(given: String, compiled: String, sources: String)

    public var description: String {
        switch self {
        case .unknownOrganization(let code, let known):
            return Message.hubUnknownOrg.text("\(code)", "\(Suggestion.phrase(code, among: known))", "\(known.isEmpty ? "none — add them with 'tianbao hub orgs'" : known.joined(separator: ", "))")
        case .roleMismatch(let org, let kind, let role):
            return Message.hubRoleMismatch.text("\(org)", "\(kind)", "\(role)")
        case .noProvince:
            return Message.hubNoProvince.text()
        case .bundleRefused(let reason):
            return Message.hubBundleRefusedAll.text("\(reason)")
        case .keyRefused(let reason):
            return Message.hubSigningKeyRefused.text("\(reason)")
        case .stampMismatch(let given, let compiled, let sources):
            return Message.hubStampMismatch.text("\(compiled)", "\(sources)", "\(given)")
        }
    }
}
