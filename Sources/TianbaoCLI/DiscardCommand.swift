import Messages
import Foundation
import Replication
import SyncClient
import SyncProtocol

/// `discard`: drop changes the hub refused, so `status` is clear and the records show again what
/// everyone else holds.
enum DiscardCommand {
    static let discard = Command(
        "discard", abstract: "Drop changes the hub refused (listed by 'tianbao status'), so the records show what the hub holds.",
        discussion: "The hub never applied them and no other replica has them: dropping one changes only this replica. Name the refused changes (their dots, as 'status' prints them), or --all.",
        arguments: [Argument("dot", help: "A refused change, as 'status' lists it (<replica>:<seq>).", optional: true, repeating: true)],
        options: [.flag("all", help: "Every refused change.")]
    ) { inv in
        let directory = ReplicaDirectory(inv)
        let config = try directory.config()
        let store = try directory.openStore()
        let client = SyncClient(store: store, hub: URL(string: config.hub) ?? URL(fileURLWithPath: "/"), token: "")
        let named = inv.argumentList("dot")
        guard inv.flag("all") != !named.isEmpty else {
            throw UsageError(Message.usageDiscard.text(), path: inv.path)
        }
        var dots: [Dot]?
        if !inv.flag("all") {
            let refused = Set(try SyncState(store).refusals().map(\.dot))
            dots = try named.map { text in
                guard let dot = Dot(text), refused.contains(dot) else {
                    throw CLIFailure(Message.notRefusedChange.text(text), hint: Message.notRefusedChangeHint.text(), code: .usage)
                }
                return dot
            }
        }
        let dropped = try client.discard(dots)
        if inv.flag("json") {
            try JSONOut.print(inv.io, ["discarded": dropped.map(\.dot.description)])
        } else if inv.io.isTerminal {
            inv.io.print(dropped.isEmpty ? Message.discardNone.text() : Message.discardDone.text(dropped.count, dropped.map(\.dot.description).joined(separator: ", ")))
        }
        return 0
    }
}
