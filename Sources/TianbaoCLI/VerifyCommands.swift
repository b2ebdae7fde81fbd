import Messages
import Foundation
import Hub
import Replication
import Submissions
import SyncClient
import SyncProtocol

/// `tianbao verify` and `tianbao hub verify`: check a whole store against the signed chains.
enum VerifyCommands {
    static let replica = Command(
        "verify", abstract: "Check every change this replica holds against what its origin signed, and list what was kept apart.",
        discussion: "Works offline. Lists each anomaly with its origin: changes altered in this replica's file, signed intervals that no longer verify, changes held without a verified signature, and changes from the hub that did not verify (kept apart, never applied). Exits 65 when there is any.",
        options: []
    ) { inv in
        let directory = ReplicaDirectory(inv)
        _ = try directory.config()
        let store = try directory.openStore()
        let state = SyncState(store)
        guard let hubKey = try state.hubKey() else {
            throw CLIFailure(Message.noHubKeyYet.text(), hint: Message.noHubKeyYetHint.text(), code: .data)
        }
        let verifier = SyncCommands.verifier(store, hubKey: hubKey)
        let ownKey = try directory.signer().registration.publicKey
        let summary = try StoreVerifier(store: store, verifier: verifier, ownKey: ownKey).run(hub: try state.hubReplica())
        let names = Names(store)
        let lines = summary.findings.map { f in "\(f.kind.rawValue)  \(names[f.origin]) \(f.first == f.last ? "\(f.first)" : "\(f.first)–\(f.last)")  \(f.detail)" }
        if inv.flag("json") {
            try JSONOut.print(inv.io, Report(origins: summary.origins, changes: summary.changes, heads: summary.heads,
                                             anomalies: summary.findings.map { .init(kind: $0.kind.rawValue, origin: $0.origin.hex, unit: names.unit($0.origin),
                                                                                      first: $0.first, last: $0.last, records: [], detail: $0.detail) }))
        } else if summary.findings.isEmpty {
            if inv.io.isTerminal {
                inv.io.print(Message.verified.text(summary.changes, summary.origins, summary.heads))
            }
        } else {
            for line in lines { inv.io.print(line) }
        }
        guard summary.findings.isEmpty else {
            throw CLIFailure(Message.replicaAnomalies.text(summary.findings.count), hint: Message.replicaAnomaliesHint.text(), code: .data)
        }
        return 0
    }

    static let hub = Command(
        "verify", abstract: "Check every change the hub holds against what its origin signed, the arrival log's order and the audit trail.",
        discussion: "Lists each anomaly with its origin and the records it touches: altered, missing, inserted or re-ordered changes, signed heads that no longer verify, and arrivals tagged for no reader. Exits 65 when there is any.",
        options: [HubCommands.db]
    ) { inv in
        let hub = try HubCommands.open(inv)
        defer { hub.close() }
        let result = try hub.verify()
        var names: [ReplicaID: String] = [hub.replicaID: "the hub"]
        for e in try hub.enrollments() { names[e.replica] = [e.label, e.org].compactMap { $0 }.joined(separator: " · ") }
        func name(_ id: ReplicaID) -> String { names[id].map { "\(id.hex.prefix(8)) (\($0))" } ?? String(id.hex.prefix(8)) }
        if inv.flag("json") {
            try JSONOut.print(inv.io, Report(origins: result.origins, changes: result.changes, heads: result.heads,
                                             anomalies: result.anomalies.map { .init(kind: $0.kind.rawValue, origin: $0.origin.hex, unit: names[$0.origin],
                                                                                      first: $0.first, last: $0.last, records: $0.records, detail: $0.detail) },
                                             audit: result.auditAnomalies))
        } else {
            for a in result.anomalies {
                inv.io.print("\(a.kind.rawValue)  \(name(a.origin)) \(a.first == a.last ? "\(a.first)" : "\(a.first)–\(a.last)")  \(a.detail)" +
                             (a.records.isEmpty ? "" : Message.recordsList.text(a.records.joined(separator: ", "))))
            }
            for a in result.auditAnomalies { inv.io.print(Message.auditLine.text(a)) }
            if result.anomalies.isEmpty && result.auditAnomalies.isEmpty && inv.io.isTerminal {
                inv.io.print(Message.hubVerified.text(result.changes, result.origins, result.heads))
            }
        }
        let count = result.anomalies.count + result.auditAnomalies.count
        guard count == 0 else {
            throw CLIFailure(Message.hubAnomalies.text(count), hint: Message.hubAnomaliesHint.text(), code: .data)
        }
        return 0
    }

    struct Report: Encodable {
        struct Anomaly: Encodable {
            let kind: String, origin: String, unit: String?, first: UInt64, last: UInt64, records: [String], detail: String
        }
        let origins: Int, changes: Int, heads: Int
        let anomalies: [Anomaly]
        var audit: [String]? = nil
    }

    /// How a replica names an origin: its id's prefix and, when the hub published it, who it is.
    struct Names {
        let store: ReplicaStore
        init(_ store: ReplicaStore) { self.store = store }
        func key(_ id: ReplicaID) -> PublishedKey? { (try? store.record(PublishedKey.recordID(id))).flatMap { $0.flatMap(PublishedKey.init(record:)) } }
        func unit(_ id: ReplicaID) -> String? { key(id).map { k in [k.label, k.org].compactMap { $0 }.joined(separator: " · ") } }
        subscript(_ id: ReplicaID) -> String { unit(id).map { "\(id.hex.prefix(8)) (\($0))" } ?? String(id.hex.prefix(8)) }
    }
}
