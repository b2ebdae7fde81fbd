import Foundation
import Replication
import Submissions
import TestSupport

/// Large amounts of data for the CLI tests, written through the library.
enum Bulk {
    /// `count` drafts of the 2027 round in the replica's store, as its own unit would write them.
    static func drafts(in path: String, count: Int) throws {
        let store = try ReplicaStore(path: path, configuration: .init(collections: Workspace.Collection.all))
        defer { store.close() }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: (path as NSString).deletingLastPathComponent + "/config.json"))) as! [String: String]
        var edits: [Edit] = []
        for i in 0..<count {
            let id = RecordID.make(wallMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            edits += [
                .set(collection: "submissions", record: id, field: WorkflowField.unit, value: .text(config["org"]!)),
                .set(collection: "submissions", record: id, field: WorkflowField.call, value: .text("fujian-2027")),
                .set(collection: "submissions", record: id, field: WorkflowField.form, value: .text("application")),
                .set(collection: "submissions", record: id, field: WorkflowField.template, value: .int(1)),
            ]
            for f in ["project_name", "unit_profile", "team_profile", "project_summary", "project_plan", "unit_contact", "project_leader"] {
                edits.append(.set(collection: "submissions", record: id, field: f, value: .text("\(f) \(i) " + String(repeating: "智慧医疗", count: 20))))
            }
        }
        try store.commit(edits, author: "bulk")
    }

    /// How many of the replica's own changes the hub holds, and how many the replica made.
    static func changeCount(hub: String, origin: String) throws -> (hub: UInt64, local: UInt64) {
        let local = try ReplicaStore(path: origin, configuration: .init(collections: Workspace.Collection.all))
        defer { local.close() }
        let id = local.replicaID
        let hubStore = try ReplicaStore(path: hub, configuration: .init(collections: Workspace.Collection.all))
        defer { hubStore.close() }
        return (hubStore.versionVector()[id], local.versionVector()[id])
    }
}

extension Bulk {
    /// `count` records of `form`, made and submitted through the library as the replica's own unit
    /// would (every rule of submit checked); `values(i)` gives record i's answers. Returns the ids.
    @discardableResult
    static func submitted(in folder: String, org: String, role: Role, call: String, form: String, count: Int,
                          values: (Int) -> [(String, String)]) throws -> [String] {
        let store = try ReplicaStore(path: folder + "/replica.sqlite", configuration: .init(collections: Workspace.Collection.all))
        defer { store.close() }
        let workspace = Workspace(store: store, actor: Actor(org: org, role: role), author: "bulk")
        return try (0..<count).map { i in
            let id = try workspace.create(call: call, form: form, values: values(i))
            try workspace.submit(id)
            return id
        }
    }

    /// A copy of built-in call `id` under `newID`, issued 2026-11-01 and due in 2099.
    static func openRound(of id: String, as newID: String) throws -> String {
        let url = Subprocess.buildDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Submissions/Resources/calls/\(id).json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        object["id"] = newID
        object["deadline"] = "2099-01-31"
        object["issued"] = "2026-11-01"
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
