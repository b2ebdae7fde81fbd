import Messages
import JSON
import Foundation
import Replication
import Submissions
import SyncClient
import SyncProtocol

/// `init` and `status`.
enum ReplicaCommands {
    static var all: [Command] { [initialize, status, VerifyCommands.replica] }

    static let initialize = Command(
        "init", abstract: "Create this replica, enrolled at the hub with the token the province gave you.",
        discussion: "Needs the network once: it asks the hub which organisation and role the token belongs to, then pulls what this replica may read.",
        options: [Option("hub", value: "URL", help: "The hub's address, e.g. https://hub.example.gov.cn.", required: true),
                  Option("token", value: "TOKEN", help: "The token from 'tianbao hub enroll' (stored readable by you only).", required: true),
                  Option("ca-file", value: "FILE", help: "A private CA's certificate (PEM) to trust for the hub instead of the system's trust store; kept in the replica's folder.")]
    ) { inv in
        let directory = ReplicaDirectory(inv)
        let token = try inv.required("token")
        guard let hub = URL(string: try inv.required("hub")), hub.scheme == "http" || hub.scheme == "https" else {
            throw UsageError(Message.usageHub.text(), path: inv.path)
        }
        guard let replicaHex = token.split(separator: ".").first, let replica = ReplicaID(hex: replicaHex), token.split(separator: ".").count == 2 else {
            throw UsageError(Message.usageToken.text(), path: inv.path)
        }
        // The same init again finishes a set-up whose first sync did not complete (the hub was
        // out of reach); any other replica already in the folder is never touched.
        var resumed: ReplicaDirectory.Config?
        if directory.exists {
            let config = try? directory.config()
            guard config?.replica == replica.hex, config?.hub == hub.absoluteString, (try? directory.token()) == token else {
                throw CLIFailure(Message.replicaExists.text(directory.path), hint: Message.replicaExistsHint.text(), code: .usage)
            }
            resumed = config
        }
        if inv.option("ca-file") != nil, hub.scheme != "https" {
            throw UsageError(Message.caFileNeedsHTTPS.text(hub.absoluteString), path: inv.path)
        }
        let caFile = try inv.option("ca-file").map { try directory.keepCA(from: $0) } ?? resumed?.caFile
        let caPath = directory.caFile(named: caFile)
        let who: WhoAmI
        do {
            who = try whoami(hub: hub, token: token, caFile: caPath)
        } catch {
            // Nothing of a replica stays behind a failed init, the CA's copy included (a resumed
            // one keeps what its first attempt left).
            if caFile != nil && resumed == nil { try? FileManager.default.removeItem(atPath: directory.caPath) }
            throw error
        }
        guard who.replica == replica else {
            throw CLIFailure(Message.tokenOfAnother.text(who.replica.hex), hint: Message.checkToken.text(), code: .data)
        }
        try directory.write(.init(hub: hub.absoluteString, replica: replica.hex, org: who.org, role: who.role, name: who.name, caFile: caFile), token: token)
        let store = try directory.openStore(replica: replica)
        if let key = who.hubKey { try SyncState(store).pinHubKey(key) }
        let client = SyncClient(store: store, hub: hub, token: token,
                                transport: HubTransport.make(for: hub, caFile: caPath))
        client.signer = try directory.signer()   // made here, registered by this first sync
        client.verifier = try SyncCommands.verifier(store, hub: hub, token: token, caFile: caPath)
        let report = try client.sync()
        try SyncState(store).record(outcome: "ok: pulled \(report.pulled)")
        try SyncState(store).recordContact()
        if report.pulled > 0 { directory.deriveTables(inv, store: store) }
        if inv.flag("json") {
            try JSONOut.print(inv.io, InitJSON(replica: ReplicaJSON(id: replica.hex, org: who.org, role: who.role, label: nil,
                                                                    lastSync: ISOTime.string(Int64(Date().timeIntervalSince1970 * 1000)), revoked: nil),
                                               hub: hub.absoluteString, pulled: report.pulled))
        } else {
            inv.io.print(Message.replicaCreated.text(replica.hex, directory.path, who.name ?? who.org, who.role, report.pulled))
        }
        return 0
    }

    static func whoami(hub: URL, token: String, caFile: String?) throws -> WhoAmI {
        let reply: TransportReply
        do {
            reply = try HubTransport.get(hub.appendingPathComponent(String(SyncProtocol.whoamiPath.dropFirst())), token: token, caFile: caFile)
        } catch {
            throw SyncClient.Failure(error)
        }
        if reply.status == 401 { throw SyncClient.Failure.unauthorized(Message.tokenUnknown.text()) }
        guard reply.status == 200, let who = try? SyncCodec.whoAmI(JSONTree.parse(reply.body)) else {
            throw CLIFailure(Message.notAHub.text(hub.absoluteString, reply.status), hint: Message.checkHub.text(), code: .data)
        }
        return who
    }

    static let status = Command(
        "status", abstract: "Show this replica: identity, hub, last sync, pending and refused changes, conflicts, deadlines."
    ) { inv in
        let directory = ReplicaDirectory(inv)
        let config = try directory.config()
        let workspace = try directory.workspace(inv)
        let store = workspace.store
        let state = SyncState(store)
        let received = try state.received()
        let own = store.contiguous(of: store.replicaID)
        let pending = own - min(received, own)
        let (lastSync, outcome) = try state.lastSync()
        let refused = try state.refusals()
        let conflicts = try store.conflicts()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let calls = try workspace.catalog().all
        let deadlines = calls.map { call -> (String, String, Int64) in
            (call.id, call.deadline, call.deadlineEnd - now)
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, StatusJSON(replica: ReplicaJSON(id: config.replica, org: config.org, role: config.role, label: nil,
                                                                      lastSync: ISOTime.string(optional: lastSync), revoked: nil),
                                                 hub: config.hub, lastOutcome: outcome, pendingChanges: Int(pending),
                                                 refused: refused.map(RefusalJSON.init), conflicts: conflicts.count, calls: calls.map { CallJSON($0) }))
            return 0
        }
        let io = inv.io
        io.print(Message.statusReplica.text(config.replica))
        io.print(Message.statusUnit.text(config.name ?? config.org, config.org, config.role))
        io.print(Message.statusHub.text(config.hub))
        io.print(Message.statusLastSync.text(lastSync.map { Format.time($0) } ?? Message.never.text(), outcome.map { " — \($0)" } ?? ""))
        io.print((pending == 1 ? Message.statusPendingOne : Message.statusPendingMany).text(pending))
        if refused.isEmpty {
            io.print(Message.statusRefusedNone.text())
        } else {
            io.print(Message.statusRefused.text(refused.count))
            for r in refused { io.print("          \(r.dot) \(r.code ?? ""): \(r.reason ?? "")") }
        }
        io.print(conflicts.isEmpty ? Message.statusConflictsNone.text() : Message.statusConflicts.text(conflicts.count))
        for (call, deadline, left) in deadlines {
            io.print(left > 0 ? Message.statusDeadlineLeft.text(call, deadline, Format.duration(left)) : Message.statusDeadlinePassed.text(call, deadline))
        }
        return 0
    }

    /// What `status --json` prints.
    struct StatusJSON: Encodable {
        let replica: ReplicaJSON
        let hub: String
        @Nullable var lastOutcome: String?
        /// Changes made here that the hub has not yet taken.
        let pendingChanges: Int
        let refused: [RefusalJSON]
        /// Fields in conflict on this replica.
        let conflicts: Int
        /// Every call this replica knows, with its deadline.
        let calls: [CallJSON]
    }

    /// What `init --json` prints.
    struct InitJSON: Encodable {
        let replica: ReplicaJSON
        let hub: String
        /// Changes pulled by the first sync.
        let pulled: Int
    }
}
