import Foundation
import Hub
import JSON
import Replication
import Submissions
import SyncProtocol
import TestSupport

/// An attacker's raw client: changes made by hand under an enrolled replica's id and token, with
/// whatever `supersedes`, values and stamps it likes, pushed as raw HTTP.
struct Forger {
    let replica: HubFixture.Replica
    let clock: ManualClock
    private(set) var seq: UInt64
    private var counter: UInt16 = 0

    init(_ replica: HubFixture.Replica, clock: ManualClock) {
        self.replica = replica
        self.clock = clock
        seq = replica.store.versionVector()[replica.store.replicaID]
    }

    /// The next change of this replica; stamped now (or at `wall`), each later than the one before.
    mutating func change(_ record: String, _ field: String, _ value: FieldValue?, op: Replication.Operation = .set,
                         supersedes: [Dot] = [], wall: Int64? = nil, collection: String = Workspace.Collection.submissions) -> Change {
        seq += 1
        counter += 1
        if wall == nil { clock.advance(by: 1) }   // after everything the replica stamped so far
        return Change(dot: Dot(replica: replica.store.replicaID, seq: seq), timestamp: Timestamp(wall: wall ?? clock.now, counter: counter),
                      collection: collection, record: record, field: field, op: op, value: value, supersedes: supersedes, author: "attacker")
    }

    /// Forgets the changes made since `mark` (a refused batch is sent again differently).
    mutating func rewind(to mark: UInt64) { seq = mark }

    static func entry(_ action: WorkflowEntry.Action, by: String, revision: String = "0000000000000000", text: String? = nil) -> FieldValue {
        WorkflowEntry(action: action, revision: revision, text: text, by: by).stored
    }
}

extension HubFixture {
    /// Pushes `changes` as `replica`'s raw client would.
    func push(_ replica: Replica, _ changes: [Change], signature: [UInt8]? = nil, key: KeyRegistration? = nil,
              withdrawn: [Dot] = [], checkpoint: Int64 = 0) throws -> RawResponse? {
        var request = SyncRequest(replica: replica.store.replicaID, checkpoint: checkpoint, changes: changes, withdrawn: withdrawn)
        request.signature = signature
        request.key = key
        return try raw(token: replica.token, body: SyncCodec.encode(request))
    }

    /// The hub's view of a record.
    func hubRecord(_ id: String) throws -> RecordState? { try hub.withWorkspace { try $0.store.record(id) } }

    /// The dot of the live value of `field` on the hub.
    func hubDot(_ id: String, _ field: String) throws -> Dot {
        guard let dot = try hubRecord(id)?.fields[field]?.versions.first?.dot else { throw CLIError("no live \(field) on \(id)") }
        return dot
    }

    func healthy() throws -> Bool { try raw("GET", "/healthz", token: nil, body: [])?.status == 200 }
}

extension RawResponse {
    /// The code of the first refused change, or of the error.
    var refusalCode: String? {
        guard let tree = try? JSONTree.parse(body) else { return nil }
        if case .array(let results)? = tree["results"] {
            for result in results {
                if case .string("refused")? = result["status"], case .string(let code)? = result["code"] { return code }
            }
        }
        if case .string(let code)? = tree["error"]?["code"] { return code }
        return nil
    }

    /// Each pushed change's status, in order.
    var resultStatuses: [String] {
        guard let tree = try? JSONTree.parse(body), case .array(let results)? = tree["results"] else { return [] }
        return results.compactMap { if case .string(let status)? = $0["status"] { return status } else { return nil } }
    }

    var refusalReason: String? {
        guard let tree = try? JSONTree.parse(body), case .array(let results)? = tree["results"] else { return nil }
        for result in results { if case .string(let reason)? = result["reason"] { return reason } }
        return nil
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
