import Messages
import Dispatch
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTP
import Hub
import Replication
import Submissions
import SyncProtocol

/// `serve` and `hub …`: the province's server and its administration, on the hub's database.
enum HubCommands {
    static let db = Option("db", value: "PATH", help: "The hub's SQLite database (created when missing).", required: true)

    /// The account running this command, as the system knows it (not `$USER`, which cron and
    /// service managers often leave unset).
    static func systemUser() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// The key the hub signs with (its audit trail, its own changes, the history it vouches for):
    /// `<database>.key` beside the database, made owner-only on first use. Kept out of the file, so
    /// editing the database cannot re-sign anything; back it up with the database, apart from it.
    static func signingKey(for database: String) throws -> [UInt8] {
        let path = database + ".key"
        // Builds before chains kept it as the audit trail's key.
        if !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: database + ".audit-key") {
            try FileManager.default.moveItem(atPath: database + ".audit-key", toPath: path)
        }
        return try SecretFile.signingKey(path, damaged: CLIFailure(Message.notHubKey.text(path),
                                                                  hint: Message.notHubKeyHint.text(), code: .data))
    }

    static func open(_ inv: Invocation, metricsTokenFile: String? = nil) throws -> Hub {
        var configuration = Hub.Configuration(path: try inv.required("db"))
        configuration.extraTemplates = try Templates.extra(inv)
        // Who the audit trail names for what this command does.
        configuration.operatorName = inv.environment["TIANBAO_USER"] ?? systemUser().map { "\($0) (system user)" } ?? "uid \(getuid())"
        configuration.signingKey = try signingKey(for: try inv.required("db"))
        if let file = metricsTokenFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure(Message.cannotRead.text(file), code: .noInput) }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.utf8.count >= 32 else {
                throw CLIFailure(Message.metricsTokenShort.text(file, token.utf8.count), hint: Message.metricsTokenHint.text(file), code: .data)
            }
            configuration.metricsTokenHash = SHA256.digest(Array(token.utf8))
        }
        return try Hub(configuration: configuration)
    }

    static let serve = Command(
        "serve", abstract: "Run the hub: the HTTP sync server on the embedded SQLite store (WAL).",
        discussion: "SIGTERM or SIGINT stops accepting, lets requests in flight finish, closes the store and exits 0.",
        options: [db, Option("listen", value: "HOST:PORT", help: "Where to listen (default 127.0.0.1:8040; port 0 picks one)."),
                  Option("max-body", value: "BYTES", help: "Largest request body (default 8 MiB)."),
                  Option("metrics-token-file", value: "FILE", help: "A file holding the bearer token Prometheus sends for /metrics' per-replica series (without it, /metrics serves aggregates only).")]
    ) { inv in
        let listen = inv.option("listen") ?? "127.0.0.1:8040"
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw UsageError(Message.usageListen.text(), path: inv.path)
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var limits = HTTPLimits()
        if let maxBody = try inv.number("max-body", in: 1...(1 << 30)) { limits.maxBodyBytes = maxBody }
        // Before any thread starts, so every thread of the server inherits the mask and the
        // signals reach only the sigwait below: stopping runs as ordinary code on this thread.
        StopSignals.block()
        // One process serves a database: two would each remember only the pages they served
        // (PROTOCOL.md 2.4) and keep apart caches of the same file.
        let database = try inv.required("db")
        let lock = try ExclusiveLock(path: database + ".serving")
        guard lock.acquire() else {
            throw CLIFailure(Message.hubAlreadyServing.text(database), hint: Message.hubAlreadyServingHint.text(), code: .tempFail)
        }
        defer { lock.release() }
        let hub = try open(inv, metricsTokenFile: inv.option("metrics-token-file"))
        let (server, bound) = try hub.serve(host: host, port: port, limits: limits)
        let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(bound)"
        inv.io.error(Message.serving.text(hub.replicaID.hex, url, try inv.required("db")))
        // A script that started the hub learns where it listens (port 0 picks one) from one line of JSON.
        if inv.flag("json") { inv.io.write(try JSONOut.line(ServingJSON(hub: hub.replicaID.hex, url: url, database: try inv.required("db")))) }
        let signal = StopSignals.wait()
        inv.io.error(Message.stopping.text(signal == SIGINT ? "SIGINT" : "SIGTERM"))
        server.stop()
        hub.close()
        inv.io.error(Message.stopped.text())
        return 0
    }

    static let hub = Command("hub", abstract: "Administer the hub: enrol replicas, manage organisations, import bundles, compile tables.",
                             subcommands: [enroll, revoke, replicas, orgs, publish, importBundle, compile, stamp, completeness, backup, audit, VerifyCommands.hub])

    static let audit = Command(
        "audit", abstract: "List the hub's audit trail (enrolments, keys, revocations, bundles, publications, organisations, stamps) and check its chain.",
        discussion: "Each entry carries the hash of the one before: an entry altered, removed or inserted in the database file breaks the chain, and the command lists where and exits 65.",
        options: [db, Option("since", value: "YYYY-MM-DD", help: "Only entries from this day on (China time).")]
    ) { inv in
        var since: Int64?
        if let day = inv.option("since") {
            guard let date = SimpleDate(day) else { throw UsageError(Message.usageSince.text(day), path: inv.path) }
            since = date.endOfDayMilliseconds(utcOffsetHours: 8) + 1 - 86_400_000
        }
        let hub = try open(inv)
        defer { hub.close() }
        let (entries, anomalies) = try hub.audit(since: since)
        if inv.flag("json") {
            try JSONOut.print(inv.io, AuditJSON(entries: entries.map(AuditJSON.Entry.init), anomalies: anomalies))
        } else {
            for e in entries {
                let detail = e.detail.filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                inv.io.print("\(e.seq)  \(Format.time(e.at))  \(e.by)  \(e.event.rawValue) \(e.subject)  \(detail)")
            }
            if inv.io.isTerminal && anomalies.isEmpty { inv.io.print(Message.trailIntact.text(entries.count)) }
        }
        guard anomalies.isEmpty else {
            throw CLIFailure(Message.trailTampered.text("\n       " + anomalies.joined(separator: "\n       ")), hint: Message.trailTamperedHint.text(), code: .data)
        }
        return 0
    }

    /// What `serve --json` prints once it listens.
    struct ServingJSON: Encodable {
        let hub: String, url: String, database: String
    }

    /// What `hub enroll --json` prints: the replica, and its token (shown this once).
    struct EnrolJSON: Encodable {
        let replica: ReplicaJSON
        let token: String
    }

    /// What `hub backup --json` prints.
    struct BackupJSON: Encodable {
        let database: String, backup: String
        let bytes: Int
        /// Where the attached files' bytes were copied.
        let files: String
    }

    struct AuditJSON: Encodable {
        struct Entry: Encodable {
            let seq: Int64, time: String, by: String, event: String, subject: String, detail: [String: String], hash: String
            init(_ e: AuditEntry) {
                seq = e.seq; time = ISOTime.string(e.at); by = e.by; event = e.event.rawValue; subject = e.subject
                detail = Dictionary(e.detail, uniquingKeysWith: { $1 }); hash = e.hash
            }
        }
        let entries: [Entry]
        let anomalies: [String]
    }

    static let backup = Command(
        "backup", abstract: "Copy the hub's database with SQLite's online backup, while the hub keeps serving.",
        discussion: "Attached files' bytes are in <db>-files and are copied to <out>-files beside the backup; restore both together. The key the hub signs with (<db>.key) is not in the database: back it up too, kept apart from it.",
        options: [db, Option("out", value: "FILE", help: "The backup file to write (and FILE-files, the attached files).", required: true)]
    ) { inv in
        let hub = try open(inv)
        defer { hub.close() }
        try hub.backup(to: try inv.required("out"))
        if inv.flag("json") {
            let out = try inv.required("out")
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            try JSONOut.print(inv.io, BackupJSON(database: try inv.required("db"), backup: out, bytes: bytes, files: out + "-files"))
        } else if inv.io.isTerminal { inv.io.print(Message.backedUp.text(try inv.required("db"), try inv.required("out"))) }
        return 0
    }

    static let publish = Command(
        "publish", abstract: "Publish a call template to every replica through sync (a new call, or a new version of one).",
        arguments: [Argument("file", help: "The call template (JSON, as in Sources/Submissions/Resources/calls).")], options: [db]
    ) { inv in
        guard let data = FileManager.default.contents(atPath: try inv.required("file")) else { throw CLIFailure(Message.cannotRead.text(try inv.required("file")), code: .noInput) }
        let template = try CallTemplate.decode(data)
        let hub = try open(inv)
        defer { hub.close() }
        try hub.publish(template)
        if inv.flag("json") {
            try JSONOut.print(inv.io, CallJSON(template))
        } else if inv.io.isTerminal { inv.io.print(Message.published.text(template.id, template.version)) }
        return 0
    }

    static let enroll = Command(
        "enroll", abstract: "Enrol a replica for an organisation; prints its id and token once (the hub keeps only a hash).",
        options: [db, Option("org", value: "ORG", help: "The organisation's code or full name (福州市卫生健康委员会).", required: true),
                  Option("role", value: "province|city|hospital", help: "What the replica may do; also 省卫健委, 市卫健委, 医院.", required: true),
                  Option("label", value: "NAME", help: "Who uses it (shown in reports)."),
                  Option("hub-url", value: "URL", help: "The hub's address, to print the replica's init command.")]
    ) { inv in
        guard let role = try inv.choice("role", as: Role.self, also: Role.init(chinese:)) else { throw UsageError(Message.usageMissing.text("role"), path: inv.path) }
        let hub = try open(inv)
        defer { hub.close() }
        let asked = try inv.required("org")
        let (replica, token) = try hub.enroll(org: asked, role: role, label: inv.option("label"))
        let org = (try? hub.withWorkspace { try $0.directory().named(asked)?.code }) ?? nil
        if inv.flag("json") {
            let enrolled = try hub.enrollments().first { $0.replica == replica }
            try JSONOut.print(inv.io, EnrolJSON(replica: enrolled.map(ReplicaJSON.init)
                                                    ?? ReplicaJSON(id: replica.hex, org: org ?? asked, role: role.rawValue, label: inv.option("label"), lastSync: nil, revoked: nil),
                                                token: token))
        } else {
            inv.io.print(Message.enrolReplica.text(replica.hex))
            inv.io.print(Message.enrolToken.text(token))
            inv.io.print(Message.enrolInit.text(inv.option("hub-url") ?? "URL", token))
            inv.io.error(Message.enrolOnce.text(try inv.required("db"), replica.hex))
        }
        return 0
    }

    static let revoke = Command("revoke", abstract: "Revoke a replica's token; its next request is refused (401).",
                                arguments: [Argument("replica", help: "The replica id.")], options: [db]) { inv in
        // The replica's id, or its whole token (what a person holding a leaked token has at hand).
        let named = try inv.required("replica")
        guard let replica = ReplicaID(hex: named) ?? named.split(separator: ".").first.flatMap({ ReplicaID(hex: $0) }) else {
            throw UsageError(Message.usageReplicaID.text(named), path: inv.path)
        }
        let hub = try open(inv)
        defer { hub.close() }
        guard try hub.revoke(replica) else {
            throw CLIFailure(Message.noEnrolment.text(replica.hex), hint: Message.noEnrolmentHint.text(), code: .noInput)
        }
        if inv.flag("json") {
            if let revoked = try hub.enrollments().first(where: { $0.replica == replica }) { try JSONOut.print(inv.io, ReplicaJSON(revoked)) }
        } else if inv.io.isTerminal {
            inv.io.print(Message.revoked.text(replica.hex))
        }
        return 0
    }

    static let replicas = Command("replicas", abstract: "List enrolled replicas and when each last synced.", options: [db]) { inv in
        let hub = try open(inv)
        defer { hub.close() }
        let rows = try hub.enrollments()
        if inv.flag("json") {
            try JSONOut.print(inv.io, rows.map(ReplicaJSON.init))
            return 0
        }
        for r in rows {
            inv.io.print("\(r.replica.hex)  \(r.org)  \(r.role)  \(r.label ?? "")  " + Message.lastSyncAt.text(r.lastSync.map { Format.time($0) } ?? Message.never.text())
                         + (r.revoked != nil ? "  " + Message.revokedMark.text() : ""))
        }
        return 0
    }

    static let orgs = Command(
        "orgs", abstract: "List organisations, add one (--code … --name … --kind …), or load a JSON file of them (--load FILE).",
        options: [db, Option("load", value: "FILE.json", help: "A JSON array of organisations to register or update."),
                  Option("code", value: "CODE", help: "Add: the organisation's code."), Option("name", value: "NAME", help: "Add: its name."),
                  Option("kind", value: "province|city|hospital|institution", help: "Add: its kind."),
                  Option("city", value: "CODE", help: "Add: its city commission's code."), .flag("provincial", help: "Add: it reports straight to the province (省属)."),
                  Option("level", value: "LEVEL", help: "Add: 医院等级."), Option("uscc", value: "CODE", help: "Add: 统一社会信用代码."),
                  Option("contact", value: "NAME", help: "Add: contact person."), Option("phone", value: "PHONE", help: "Add: contact phone.")]
    ) { inv in
        let hub = try open(inv)
        defer { hub.close() }
        var adding: [Organization] = []
        if let file = inv.option("load") {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure(Message.cannotRead.text(file), code: .noInput) }
            do { adding = try JSONDecoder().decode([Organization].self, from: data) } catch {
                throw CLIFailure(Message.notOrgArray.text(file, "\(error)"), code: .data)
            }
        }
        if let code = inv.option("code") {
            guard let name = inv.option("name"), let kind = try inv.choice("kind", as: Organization.Kind.self) else {
                throw UsageError(Message.usageAddOrg.text(), path: inv.path)
            }
            adding.append(Organization(code: code, name: name, kind: kind, city: inv.option("city"), provincial: inv.flag("provincial"),
                                       level: inv.option("level"), uscc: inv.option("uscc"), contact: inv.option("contact"), phone: inv.option("phone")))
        }
        if !adding.isEmpty {
            let problems = adding.flatMap { $0.problems() }
            guard problems.isEmpty else { throw CLIFailure(problems.joined(separator: "; "), code: .data) }
            try hub.saveOrganizations(adding)
        }
        let all = try hub.withWorkspace { try $0.directory().sorted }
        if inv.flag("json") { try JSONOut.print(inv.io, all); return 0 }
        if !adding.isEmpty && !inv.io.isTerminal { return 0 }
        for org in all {
            inv.io.print("\(org.code)  \(org.name)  \(org.kind.rawValue)\(org.city.map { Message.ofCity.text($0) } ?? "")\(org.provincial ? " 省属" : "")")
        }
        return 0
    }

    static let importBundle = Command("import", abstract: "Apply a bundle from an offline replica, checked as its network push would be.",
                                      arguments: [Argument("bundle", help: "The bundle file.")], options: [db]) { inv in
        guard let data = FileManager.default.contents(atPath: try inv.required("bundle")) else {
            throw CLIFailure(Message.cannotRead.text(try inv.required("bundle")), code: .noInput)
        }
        let hub = try open(inv)
        defer { hub.close() }
        let results = try hub.importBundle(Array(data), source: URL(fileURLWithPath: try inv.required("bundle")).lastPathComponent)
        let accepted = results.filter { $0.status == .accepted }.count
        if inv.flag("json") { try JSONOut.print(inv.io, ["accepted": accepted, "duplicates": results.count - accepted]) } else if inv.io.isTerminal {
            inv.io.print(Message.imported.text(accepted, results.count - accepted))
        }
        return 0
    }

    static let compile = Command(
        "compile", abstract: "Compile a summary table from the hub's records (to confirm a city's offline table before it is stamped).",
        arguments: [Argument("call", help: "The call."), Argument("table", help: "The table, e.g. 附件2.")],
        options: [db, Option("unit", value: "ORG", help: "The reporting unit; province-wide without it."), TableCommands.libraryFlag] + TableCommands.viewOptions + TableOutput.options
    ) { inv in
        _ = try TableOutput.format(inv)
        let hub = try open(inv)
        defer { hub.close() }
        let table = try hub.withWorkspace { workspace in
            try workspace.compile(call: try inv.required("call"), table: try inv.required("table"),
                                  unit: try inv.option("unit").map { try workspace.directory().resolve($0).code }, view: try TableCommands.view(inv))
        }
        try TableOutput.write(table, inv)
        // Whether the table still is what was stamped (on standard error: the table itself stays clean).
        // A stamp is of a unit's (or the province's) whole table, never of the library's.
        if try TableCommands.view(inv) == TableView(), let stamp = try hub.latestStamp(call: table.call, table: table.table, unit: table.unit) {
            inv.io.error(stamp.sha256 == table.sha256
                         ? Message.stampMatches.text(Format.time(stamp.at), stamp.by)
                         : Message.stampDiffers.text(Format.time(stamp.at), stamp.by, "\(stamp.sha256.prefix(16))…", stamp.sources, "\(table.sha256.prefix(16))…", table.sources))
        }
        return 0
    }

    static let stamp = Command(
        "stamp", abstract: "Record that a unit's table was received and stamped (盖章): its content hash, by whom, when.",
        discussion: "The hub compiles the same table first and refuses a hash it does not reproduce. 'tianbao hub compile' later says whether the table still matches its stamp; 'tianbao hub audit' lists every stamp.",
        arguments: [Argument("call", help: "The call."), Argument("table", help: "The table, e.g. 附件2.")],
        options: [db, Option("unit", value: "ORG", help: "The reporting unit; province-wide without it."),
                  Option("hash", value: "SHA256", help: "The content hash printed under the table that was stamped.", required: true)]
    ) { inv in
        let hub = try open(inv)
        defer { hub.close() }
        let stamp: Hub.Stamp
        do {
            let unit = try inv.option("unit").map { reference in try hub.withWorkspace { try $0.directory().resolve(reference).code } }
            stamp = try hub.stamp(call: try inv.required("call"), table: try inv.required("table"), unit: unit, hash: try inv.required("hash"))
        } catch let error as HubError {
            throw CLIFailure(error.description, hint: Message.nothingRecorded.text(), code: .data)
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, ["call": stamp.call, "table": stamp.table, "unit": stamp.unit, "sha256": stamp.sha256, "sources": stamp.sources,
                                       "by": stamp.by, "time": ISOTime.string(stamp.at)])
        } else if inv.io.isTerminal {
            inv.io.print(Message.stamped.text(stamp.call, stamp.table, stamp.unit.isEmpty ? Message.provinceWide.text() : stamp.unit, stamp.sources, stamp.sha256))
        }
        return 0
    }

    static let completeness = Command("completeness", abstract: "The completeness report from the hub's records.",
                                      arguments: [Argument("call", help: "The call.")], options: [db]) { inv in
        let hub = try open(inv)
        defer { hub.close() }
        try TableCommands.show(try hub.withWorkspace { try $0.completeness(call: try inv.required("call")) }, inv)
        return 0
    }
}
