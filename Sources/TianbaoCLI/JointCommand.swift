import Messages
import Submissions

/// `joint`: the units applying jointly with a record of yours (联合申报).
enum JointCommand {
    static let joint = Command(
        "joint", abstract: "Name the units applying jointly with a record of yours (联合申报): they see it and edit its answers; you submit it.",
        discussion: "Give every partner (a hospital, institution or enterprise, by code or name); the list replaces the one before. --clear names none. Only the owner names partners, while the record is a draft or returned.",
        arguments: [Argument("id", help: "The record's id."), Argument("unit", help: "The partner units.", optional: true, repeating: true)],
        options: [Option("clear", help: "Name no partner.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let id = try inv.required("id")
        let references = inv.argumentList("unit")
        guard references.isEmpty == inv.flag("clear") else {
            throw CLIFailure((references.isEmpty ? Message.jointNoPartner : Message.jointClearTakesNone).text(), hint: Message.jointHint.text(), code: .usage)
        }
        let directory = try workspace.directory()
        let partners = try references.map { try directory.resolve($0) }
        try workspace.share(id, with: partners.map(\.code))
        if inv.flag("json") {
            try JSONOut.print(inv.io, try JSONOut.record(id, workspace))
        } else if inv.io.isTerminal {
            inv.io.print(partners.isEmpty ? Message.jointAlone.text(id) : Message.jointWith.text(id, partners.map(\.name).joined(separator: "、")))
        }
        return 0
    }
}
