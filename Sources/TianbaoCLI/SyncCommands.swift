import Messages
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Replication
import Submissions
import SyncClient
import SyncProtocol

/// `sync` and `bundle`.
enum SyncCommands {
    static var all: [Command] { [sync, bundle] }

    static let sync = Command(
        "sync", abstract: "Push this replica's changes to the hub and pull what it may read.",
        discussion: """
        Made for cron: quiet on success when not on a terminal; retries a hub that is unreachable or busy
        within --budget seconds. Exit codes: 0 done, 75 hub unreachable or busy (or another sync is running:
        try later), 77 token refused, 78 the hub's TLS certificate is not trusted here (fix the trust store),
        65 some changes refused (see 'tianbao status'), 64 usage.
        """,
        options: [Option("budget", value: "SECONDS", help: "How long to keep retrying (default 60)."),
                  Option("quiet-hours", value: "HOURS", help: "Off a terminal, exit 75 in silence while the hub was last reached less than HOURS ago (default 24); after that, say so on standard error, so cron mails the owner."),
                  Option("ca-file", value: "FILE", help: "From now on trust this private CA's certificate (PEM) for the hub, kept in the replica's folder (as 'init --ca-file').")]
    ) { inv in
        let directory = ReplicaDirectory(inv)
        var config = try directory.config()
        let token = try directory.token()
        guard let hub = URL(string: config.hub) else { throw CLIFailure(Message.hubNotURL.text(config.hub), code: .data) }
        if inv.option("ca-file") != nil, hub.scheme != "https" {
            throw UsageError(Message.caFileNeedsHTTPS.text(config.hub), path: inv.path)
        }
        let budget = try inv.number("budget", in: 0.0...86_400) ?? 60
        let lock = try ExclusiveLock(path: directory.lockPath)
        let quietHours = try inv.number("quiet-hours", in: 0.0...8_760) ?? 24
        guard lock.acquire() else {
            throw CLIFailure(Message.syncRunning.text(directory.path), hint: Message.syncRunningHint.text(), code: .tempFail, quiet: !inv.io.isTerminal)
        }
        defer { lock.release() }
        if let source = inv.option("ca-file") {
            // Under the lock, so a cron sync never reads a config half rewritten; and adopted only
            // once the hub answers through it: a wrong CA never replaces one that works.
            let candidate = directory.path + "/" + (try directory.keepCA(from: source, as: "hub-ca.pem.new"))
            do {
                _ = try ReplicaCommands.whoami(hub: hub, token: token, caFile: candidate)
                guard rename(candidate, directory.caPath) == 0 else {
                    throw CLIFailure(Message.cannotWrite.text(directory.caPath, String(cString: strerror(errno))), code: .io)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: candidate)
                throw error
            }
            config.caFile = "hub-ca.pem"
            try directory.writeConfig(config)
        }
        let caFile = directory.caFile(config)
        let store = try directory.openStore()
        let client = SyncClient(store: store, hub: hub, token: token, transport: HubTransport.make(for: hub, caFile: caFile))
        client.signer = try directory.signer()
        client.verifier = try verifier(store, hub: hub, token: token, caFile: caFile)
        let started = Date()
        var delay = 1.0
        var report = SyncClient.Report()
        while true {
            do {
                report = try client.sync { progress in inv.io.progress(Self.progressLine(progress)) }
                break
            } catch SyncClient.Failure.unavailable(let message) {
                if Date().timeIntervalSince(started) + delay > budget {
                    try? SyncState(store).record(outcome: "hub unavailable: \(message)")
                    // Cron: a hub out of reach for a while is nobody's business; for long, someone's.
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    let contact = try? SyncState(store).lastContact()
                    if !inv.io.isTerminal, let contact, Double(now - contact) < quietHours * 3_600_000 {
                        throw CLIFailure(SyncClient.Failure.unavailable(message).description, code: .tempFail, quiet: true)
                    }
                    if let contact {
                        throw CLIFailure(SyncClient.Failure.unavailable(message).description,
                                         hint: Message.unreachableSince.text(Format.time(contact)), code: .tempFail)
                    }
                    throw SyncClient.Failure.unavailable(message)
                }
                inv.io.progress(Message.syncRetrying.text(Int(delay)))
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 30)
            } catch {
                try? SyncState(store).record(outcome: "failed: \(error)")
                throw error
            }
        }
        // What a person must hear even from cron; with --json it is in the result (and on stderr).
        var notices: [String] = []
        func notice(_ text: String) {
            notices.append(text)
            if inv.flag("json") { inv.io.error(text) } else { inv.io.print(text) }
        }
        if let adoption = report.adoption {
            notice(adoption.renumbered.isEmpty ? Message.restoredCopy.text(adoption.recovered)
                   : Message.restoredCopyRenumbered.text(adoption.recovered, adoption.renumbered.count,
                                                          adoption.renumbered.map { "\($0.from.seq)→\($0.to.seq)" }.joined(separator: ", ")))
        }
        // The machine's clock was fixed since changes were stamped too far ahead: made again, sent.
        let (resolved, remade) = try client.remakeChangesFromAFastClock()
        if !resolved.isEmpty {
            let again = try client.sync()
            report.pushed += again.pushed
            report.pulled += again.pulled
            report.refused = report.refused.filter { r in !resolved.contains { $0.dot == r.dot } } + again.refused
            if !again.refused.contains(where: { $0.code == "clock_ahead" }) {
                notice(Message.clockRanAhead.text(resolved.count, remade.map(\.dot.description).joined(separator: ", ")))
            }
        }
        try SyncState(store).recordContact()
        if report.pulled > 0 { directory.deriveTables(inv, store: store) }
        let outcome = report.refused.isEmpty ? "ok: pushed \(report.pushed), pulled \(report.pulled)" : "\(report.refused.count) changes refused"
        try SyncState(store).record(outcome: outcome)
        let result = SyncResultJSON(report, notices: notices)
        let failed = !report.fileProblems.isEmpty || !report.keptApart.isEmpty || !report.refused.isEmpty
        if inv.flag("json") {
            if !failed { try JSONOut.print(inv.io, result) }
        } else if inv.io.isTerminal {
            let files = report.filesSent + report.filesFetched > 0
                ? Message.syncedFiles.text(report.filesSent, report.filesFetched, ReplicaStore.megabytes(report.fileBytes)) : ""
            inv.io.print(Message.synced.text(config.hub, report.pushed, report.pulled, report.roundTrips, report.bytesSent + report.bytesReceived) + files)
        }
        if !report.fileProblems.isEmpty {
            for problem in report.fileProblems { inv.io.error(Message.fileRefused.text(problem)) }
            throw CLIFailure(Message.filesNotKept.text(report.fileProblems.count), hint: Message.filesNotKeptHint.text(), code: .data,
                             symbol: "files_not_kept", result: result)
        }
        if !report.keptApart.isEmpty {
            let names = VerifyCommands.Names(store)
            for f in StoreVerifier.grouped(report.keptApart) {
                inv.io.error(Message.keptApartLine.text(f.last - f.first + 1, names[f.origin], f.first == f.last ? "\(f.first)" : "\(f.first)–\(f.last)", f.detail))
            }
            throw CLIFailure(Message.keptApart.text(report.keptApart.count), hint: Message.keptApartHint.text(), code: .data,
                             symbol: "kept_apart", result: result)
        }
        if !report.refused.isEmpty {
            for r in report.refused { inv.io.error(Message.refusedLine.text(r.dot, r.code.map { " (\($0))" } ?? "", r.reason ?? "")) }
            throw CLIFailure((report.refused.count == 1 ? Message.hubRefusedOne : Message.hubRefusedMany).text(report.refused.count), hint: Message.hubRefusedHint.text(),
                             code: .data, symbol: "changes_refused", result: result)
        }
        return 0
    }

    /// A terminal's progress line: totals, and the share done where it is known — of the hub's log
    /// while pulling (the hub says where its log ends), of the files' bytes while moving files.
    static func progressLine(_ progress: SyncClient.Report) -> String {
        var percent = progress.pullPercent
        var files = ""
        if progress.fileBytesTotal > 0 {
            files = Message.syncProgressFilesOf.text(ReplicaStore.megabytes(progress.fileBytes), ReplicaStore.megabytes(progress.fileBytesTotal))
            percent = min(100, progress.fileBytes * 100 / progress.fileBytesTotal)
        } else if progress.fileBytes > 0 {
            files = Message.syncProgressFiles.text(ReplicaStore.megabytes(progress.fileBytes))
        }
        let totals = Message.syncProgress.text(progress.roundTrips, progress.pushed, progress.pulled, progress.bytesSent + progress.bytesReceived) + files
        return percent.map { Message.syncPercent.text($0) + " " + totals } ?? totals
    }

    /// What checks every change the hub sends: the hub's key pinned at `init` (or learnt from the
    /// hub once, for a replica made by a build before chains) and the keys the hub published.
    static func verifier(_ store: ReplicaStore, hub: URL, token: String, caFile: String?) throws -> PageVerifier {
        let state = SyncState(store)
        if try state.hubKey() == nil, let key = try ReplicaCommands.whoami(hub: hub, token: token, caFile: caFile).hubKey { try state.pinHubKey(key) }
        guard let hubKey = try state.hubKey() else {
            throw CLIFailure(Message.noHubKey.text(), hint: Message.upgradeHub.text(), code: .data)
        }
        return verifier(store, hubKey: hubKey)
    }

    /// Keys as the hub published them; heads as this store keeps them, which bind what it takes next.
    static func verifier(_ store: ReplicaStore, hubKey: [UInt8]) -> PageVerifier {
        PageVerifier(hubKey: hubKey, keyring: PublishedKey.keyring(store), held: .of(store))
    }

    static let bundle = Command("bundle", abstract: "Hand changes over as a file when the network is down or forbidden.",
                                subcommands: [export, importBundle])

    static let export = Command(
        "export", abstract: "Write the changes the hub lacks (as far as this replica knows) to one checksummed file.",
        options: [Option("out", value: "FILE", help: "The bundle file to write.", required: true)]
    ) { inv in
        let directory = ReplicaDirectory(inv)
        _ = try directory.config()
        let store = try directory.openStore()
        let received = try SyncState(store).received()
        var changes: [Change] = []
        try store.changes(from: store.replicaID, after: received) { changes += $0 }
        let signer = try directory.signer()
        let (kept, chain) = try OwnChain.bundle(store, changes: changes, privateKey: signer.privateKey)
        changes = kept
        let files = try BundleFiles.named(by: changes, in: store)
        let bytes = try ChangeBundle.encode(replica: store.replicaID, changes: changes, privateKey: signer.privateKey, key: signer.registration, chain: chain, files: files)
        do { try Data(bytes).write(to: URL(fileURLWithPath: try inv.required("out"))) } catch {
            throw CLIFailure(Message.cannotWrite.text(try inv.required("out"), error.localizedDescription), code: .io)
        }
        if inv.flag("json") { try JSONOut.print(inv.io, ["changes": changes.count, "files": files.count, "bytes": bytes.count]) } else if inv.io.isTerminal {
            inv.io.print(Message.bundleWritten.text(changes.count, files.count, try inv.required("out")))
        }
        return 0
    }

    static let importBundle = Command(
        "import", abstract: "Apply a bundle file to this replica (importing it twice changes nothing).",
        arguments: [Argument("file", help: "The bundle file.")]
    ) { inv in
        let directory = ReplicaDirectory(inv)
        _ = try directory.config()
        let store = try directory.openStore()
        guard let data = FileManager.default.contents(atPath: try inv.required("file")) else {
            throw CLIFailure(Message.cannotRead.text(try inv.required("file")), code: .noInput)
        }
        let contents = try ChangeBundle.decode(Array(data))
        if let stranger = contents.changes.first(where: { $0.dot.replica != contents.replica }) {
            throw CLIFailure(Message.bundleStranger.text(contents.replica.hex, stranger.dot), code: .data)
        }
        // A colleague's bundle only: signed by a replica of this unit whose key the hub published.
        let workspace = try directory.workspace(inv, store: store)
        guard contents.replica != store.replicaID else {
            throw CLIFailure(Message.bundleOwn.text(), hint: Message.bundleOwnHint.text(), code: .data)
        }
        guard let key = try workspace.publishedKey(contents.replica) else {
            throw CLIFailure(Message.bundleUnknownKey.text(contents.replica.hex), hint: Message.bundleUnknownKeyHint.text(), code: .data)
        }
        guard key.org == workspace.actor.org, key.revoked == nil else {
            throw CLIFailure(Message.bundleOtherUnit.text(contents.replica.hex, key.org, key.revoked != nil ? Message.revokedByHub.text() : ""),
                             hint: Message.bundleOtherUnitHint.text(), code: .data)
        }
        guard ChangeBundle.verifies(contents, publicKey: key.publicKey) else {
            throw CLIFailure(Message.bundleSignature.text(contents.replica.hex), hint: Message.bundleSignatureHint.text(), code: .data)
        }
        var authorizer = ChangeAuthorizer(actor: Actor(org: key.org, role: key.role), workspace: workspace,
                                          directory: try workspace.directory(), catalog: try workspace.catalog())
        var checked: [CheckedChange] = []
        var duplicates = 0
        for change in contents.changes {
            if let held = try store.change(change.dot) {
                guard held == change else { throw CLIFailure(Message.bundleDiffers.text(change.dot), hint: Message.bundleDiffersHint.text(), code: .data) }
                duplicates += 1
                continue
            }
            let refusal: ChangeAuthorizer.Refusal?
            do throws(ReplicationError) {
                let change = try store.check(change)
                refusal = authorizer.check(change)
                checked.append(change)
            } catch {
                refusal = ChangeAuthorizer.refusal(for: error)
            }
            if let refusal {
                throw CLIFailure(Message.bundleRefused.text(change.dot, refusal.code, refusal.reason), hint: Message.bundleRefusedHint.text(), code: .data)
            }
        }
        var report = try store.transaction {
            let report = try store.apply(checked).report
            try BundleFiles.keep(contents, in: store)
            return report
        }
        report.duplicates += duplicates
        if report.applied > 0 { try? workspace.refreshTables() }   // best effort (ReplicaDirectory.deriveTables)
        if inv.flag("json") { try JSONOut.print(inv.io, ["applied": report.applied, "duplicates": report.duplicates]) } else if inv.io.isTerminal {
            inv.io.print(Message.bundleApplied.text(report.applied, report.duplicates))
        }
        return 0
    }
}
