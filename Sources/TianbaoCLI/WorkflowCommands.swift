import Replication
import Submissions

/// `submit`, `recommend`, `return`, `select`, `reject`, `delete`: each checked by the domain's
/// permission function before anything is written.
enum WorkflowCommands {
    static var all: [Command] { [submit, recommend, returnCommand, select, reject, delete] }

    static let id = Argument("id", help: "The record's id.")

    static func step(_ name: String, _ abstract: String, options: [Option] = [],
                     _ body: @escaping @Sendable (Workspace, String, Invocation) throws -> String) -> Command {
        Command(name, abstract: abstract, arguments: [id], options: options) { inv in
            let workspace = try ReplicaDirectory(inv).workspace(inv)
            let id = try inv.required("id")
            let message = try body(workspace, id, inv)
            let status = try workspace.submission(id).status
            if inv.flag("json") { try JSONOut.print(inv.io, ["id": id, "status": status.rawValue]) } else if inv.io.isTerminal { inv.io.print(message) }
            return 0
        }
    }

    static let submit = step("submit", "Submit a record (or resubmit it after a return); every rule must hold.") { w, id, _ in
        try w.submit(id)
        return "Submitted \(id). It reaches the hub with your next 'tianbao sync'."
    }

    static let recommend = step("recommend", "Recommend a submitted record of your city's units, with 审核意见.",
                                options: [Option("opinion", value: "TEXT", help: "审核意见 (required).", required: true)]) { w, id, inv in
        try w.recommend(id, opinion: try inv.required("opinion"))
        return "Recommended \(id)."
    }

    static let returnCommand = step("return", "Return a submitted record to its unit for revision, with 理由.",
                                    options: [Option("reason", value: "TEXT", help: "理由 (required).", required: true)]) { w, id, inv in
        try w.returnForRevision(id, reason: try inv.required("reason"))
        return "Returned \(id) for revision."
    }

    static let select = step("select", "Select a record into the provincial library (入库); province only.",
                             options: [Option("note", value: "TEXT", help: "A note with the decision.")]) { w, id, inv in
        try w.select(id, note: inv.option("note"))
        return "Selected \(id) (入库)."
    }

    static let reject = step("reject", "Decide not to select a record; province only.",
                             options: [Option("note", value: "TEXT", help: "A note with the decision.")]) { w, id, inv in
        try w.reject(id, note: inv.option("note"))
        return "Not selected: \(id)."
    }

    static let delete = Command("delete", abstract: "Delete a record of your unit.", arguments: [id]) { inv in
        try ReplicaDirectory(inv).workspace(inv).delete(try inv.required("id"))
        return 0
    }
}
