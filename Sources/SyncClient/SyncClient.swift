import Messages
import Crypto
import Foundation
import Replication
import JSON
import SyncProtocol

/// A replica's side of the sync: push its own new changes, pull pages of what it may read,
/// until both are done. State lives in the replica's store, so a killed sync resumes.
public final class SyncClient {
    /// What one sync did.
    public struct Report: Sendable, Equatable {
        public var pushed = 0
        public var pulled = 0
        public var roundTrips = 0
        public var bytesSent = 0
        public var bytesReceived = 0
        /// Changes the hub refused in this sync, with its reasons.
        public var refused: [ChangeResult] = []
        /// This store had been restored from an older copy: what getting its own changes back did.
        public var adoption: ReplicaStore.Adoption?
        /// Changes received that did not verify against their origin's signed chain: kept apart,
        /// not applied (``ReplicaStore/keptApart()``).
        public var keptApart: [ReplicaStore.KeptApart] = []
        /// Attached files sent to the hub whole, and fetched from it whole.
        public var filesSent = 0
        public var filesFetched = 0
        /// Bytes of attached files moved either way.
        public var fileBytes = 0
        /// Files that could not be taken, with why (a copy that does not match its hash).
        public var fileProblems: [String] = []
        /// How far through the hub's arrival log the pull has come, when the hub says where its log
        /// ends: from where this sync began, where it is now, and the log's newest position.
        public var logFrom: Int64?, logAt: Int64?, logLatest: Int64?
        /// Bytes of attached files this sync has to move (known once their sizes are), for progress.
        public var fileBytesTotal = 0

        /// The pull's share done, 0…100, when the hub said how far its log goes; nil otherwise.
        public var pullPercent: Int? {
            guard let from = logFrom, let at = logAt, let latest = logLatest else { return nil }
            guard latest > from else { return 100 }
            return min(100, max(0, Int((Double(at - from) / Double(latest - from) * 100).rounded(.down))))
        }
        public init() {}
    }

    /// Why a sync stopped.
    public enum Failure: Error, CustomStringConvertible {
        /// The hub is unreachable or busy: try again later.
        case unavailable(String)
        /// The token was refused (401).
        case unauthorized(String)
        /// The hub answered with an error.
        case rejected(status: Int, code: String, message: String)
        /// The hub's TLS certificate is not trusted by this machine: its configuration must change.
        case untrustedHub(String)

        /// A transport's failure: a certificate this machine does not trust is a configuration
        /// to fix; anything else is worth trying again later.
        public init(_ error: TransportError) {
            self = error.certificate ? .untrustedHub(error.message) : .unavailable(error.description)
        }

        public var description: String {
            switch self {
            case .unavailable(let m): Message.hubUnavailable.text(m)
            case .unauthorized(let m): Message.tokenRefused.text(m)
            case .rejected(let status, let code, let m): Message.hubAnswered.text(status, code, m)
            case .untrustedHub(let m): Message.hubUntrusted.text(m)
            }
        }
    }

    public let store: ReplicaStore
    public let hub: URL
    let token: String
    let transport: any SyncTransport
    /// Own changes sent per request.
    public var pushBatch = 500
    /// The most bytes of changes asked for per reply.
    public var pageBytes = SyncProtocol.defaultPageBytes
    /// The protocol version spoken; lowered once if the hub is older than this build.
    public var protocolVersion = SyncProtocol.version
    /// Signs every push with the replica's key, and registers the key with the hub until a reply
    /// confirms it. Without one, pushes are unsigned (accepted only by a hub holding no key for this replica).
    public var signer: Signer?
    /// Checks every change received against its origin's signed chain (protocol 4). Without one,
    /// what the hub sends is applied as it comes.
    public var verifier: PageVerifier?

    /// A replica's signing key and its registration (proved with the token).
    public struct Signer: Sendable {
        public let privateKey: [UInt8]
        public let registration: KeyRegistration

        public init(privateKey: [UInt8], token: String) throws {
            self.privateKey = privateKey
            registration = try KeyRegistration.make(token: token, privateKey: privateKey)
        }
    }

    /// A file's part sent in less than this doubles the next (up to the hub's limit).
    public var quickPartSeconds = 1.0

    public init(store: ReplicaStore, hub: URL, token: String, transport: (any SyncTransport)? = nil) {
        self.store = store
        self.hub = hub
        self.token = token
        self.transport = transport ?? HubTransport.make(for: hub)
    }

    /// What this replica remembers of its syncing.
    var state: SyncState { SyncState(store) }

    /// Pushes and pulls until nothing is left, then sends and fetches attached files; `progress`
    /// hears after every round trip.
    @discardableResult
    public func sync(progress: ((Report) -> Void)? = nil) throws -> Report {
        var report = try exchangeChanges(progress: progress)
        try transferFiles(&report, progress: progress)
        return report
    }

    private func exchangeChanges(progress: ((Report) -> Void)?) throws -> Report {
        var report = Report()
        let url = hub.appendingPathComponent(String(SyncProtocol.path.dropFirst()))
        try askAgainForKeptApart(url: url, report: &report)
        // Pure pulls already running ahead of what is applied, while nothing waits to be pushed.
        var ahead: PullAhead?
        defer { ahead?.stop() }
        while true {
            let checkpoint = try state.checkpoint()
            let received = try state.received()
            let waiting = try state.withdrawals()
            let withdrawn = Set(waiting)
            // The hub takes at most this many withdrawals a request; the rest go with the next.
            let withdraw = Array(waiting.prefix(Self.withdrawalsPerRequest))
            var own: [Change] = []
            try store.changes(from: store.replicaID, after: received, batchSize: pushBatch) { batch in
                if own.isEmpty { own = batch.filter { !withdrawn.contains($0.dot) } }
            }
            var request = SyncRequest(replica: store.replicaID, checkpoint: checkpoint, changes: own, withdrawn: withdraw, maxBytes: pageBytes)
            request.protocol = protocolVersion
            request.instance = try instance()
            var registering: String?
            var signedHead: ReplicaStore.StoredHead?
            if let signer {
                let top = max(own.last?.dot.seq ?? 0, withdraw.map(\.seq).max() ?? 0)
                if protocolVersion >= 4, top > 0 {
                    let refused = Set(try state.refusals().map(\.dot).filter { $0.replica == store.replicaID }.map(\.seq))
                    let hash = try OwnChain.hash(store, through: top, withdrawn: refused)
                    let head = try ChangeChain.Head.sign(origin: store.replicaID, seq: top, hash: hash, signer: store.replicaID, privateKey: signer.privateKey)
                    request.head = SignedPosition(seq: top, signature: head.signature)
                    signedHead = ReplicaStore.StoredHead(origin: store.replicaID, seq: top, hash: hash, signer: store.replicaID, signature: head.signature)
                } else if !own.isEmpty {
                    request.signature = try BatchSignature.sign(replica: store.replicaID, changes: own, privateKey: signer.privateKey)
                }
                let publicKey = Hex.encode(signer.registration.publicKey)
                if try state.registeredKey() != publicKey {
                    request.key = signer.registration
                    registering = publicKey
                }
            }
            let body = SyncCodec.encode(request)
            let reply: TransportReply
            var reading: PullAhead.Pull?
            do {
                // A pull already asked for while earlier pages were applied, if it is for this checkpoint.
                if own.isEmpty, withdraw.isEmpty, let pull = ahead?.take(for: checkpoint) {
                    reply = try pull.reply()
                    reading = pull
                } else {
                    ahead?.stop()
                    ahead = nil
                    reply = try transport.post(url, body: body, token: token)
                }
            } catch {
                throw Failure(error)
            }
            report.roundTrips += 1
            report.bytesSent += body.count
            report.bytesReceived += reply.body.count

            let error = reply.status == 200 ? nil : Self.errorReply(reply)
            switch reply.status {
            case 200:
                // While this page is read and applied, the hub already prepares the next ones (pure
                // pulls). The header names the next, so its request leaves before this body is parsed.
                if ahead?.isStopped ?? true, own.count < pushBatch, let next = reply.headers[SyncProtocol.nextCheckpointHeader.lowercased()].flatMap({ Int64($0) }) {
                    let (replica, version, instance, maxBytes) = (store.replicaID, protocolVersion, request.instance, pageBytes)
                    ahead = PullAhead(transport: transport, url: url, token: token, verifying: verifier != nil, checkpoint: next) { checkpoint in
                        var pull = SyncRequest(replica: replica, checkpoint: checkpoint, changes: [], maxBytes: maxBytes)
                        pull.protocol = version
                        pull.instance = instance
                        return SyncCodec.encode(pull)
                    }
                }
                // A prefetched page was read (parsed, hashed) on its own thread, maybe still is.
                let page = reading?.read() ?? Page(reply, verifying: verifier != nil)
                let response: SyncResponse
                do {
                    response = try page.response.get()
                } catch {
                    throw Failure.rejected(status: 200, code: "bad_reply", message: Message.replyUnreadableHub.text("\(error)"))
                }
                // The hub holds own changes this store lacks: it was restored from an older copy.
                // Recovered before anything of this reply is kept; the page is asked for again.
                if response.received > store.ownSeq {
                    guard report.adoption == nil else { throw Self.stillBehind }
                    ahead?.stop()
                    ahead = nil
                    report.adoption = try recoverOwnChanges(url: url, after: received)
                    continue
                }
                // The page and the checkpoint after it, in one transaction.
                let stillWaiting = Array(waiting.dropFirst(withdraw.count))
                let meta = SyncState.afterPage(hub: response.hub, checkpoint: response.checkpoint, received: response.received,
                                               withdrawals: stillWaiting, registeredKey: registering)
                report.pulled += try keep(response, prepared: page.prepared, settingMeta: meta, ownHead: signedHead, report: &report)
                if let latest = reply.headers[SyncProtocol.latestCheckpointHeader.lowercased()].flatMap({ Int64($0) }) {
                    report.logFrom = report.logFrom ?? checkpoint
                    report.logAt = response.checkpoint
                    report.logLatest = max(latest, response.checkpoint)
                }
                report.pushed += response.results.filter { $0.status == .accepted }.count
                progress?(report)
                // Go on while the hub has more pages, a full batch suggests more own changes, or
                // withdrawals wait.
                if !response.more && own.count < pushBatch && stillWaiting.isEmpty { return report }
            case 403 where error?.results != nil:
                let refusal = error ?? ErrorReply(code: "", message: "")
                let refused = (refusal.results ?? []).filter { $0.status == .refused }
                guard !refused.isEmpty else { throw Failure.rejected(status: 403, code: refusal.error.code, message: refusal.error.message) }
                // Own sequence numbers the hub holds with other content: restored from an older copy.
                if refused.contains(where: { $0.code == "dot_reused" }) {
                    guard report.adoption == nil else { throw Self.stillBehind }
                    report.adoption = try recoverOwnChanges(url: url, after: received)
                    continue
                }
                // Record why, withdraw them, and send the rest again.
                try remember(refused)
                report.refused += refused
                progress?(report)
            case 400 where protocolVersion > 1 && error?.error.code == "protocol_version":
                // A hub older than this build: speak version 1, which every hub answers — unless
                // this replica verifies what it receives: a hub that proves nothing is not believed.
                guard verifier == nil else { throw Self.unproven }
                protocolVersion = 1
            case 409 where error?.error.code == "replica_copied" && ((try? state.pendingInstance()) ?? nil) != nil:
                // A recovery the hub saw but this copy did not finish (its reply was lost): finish it.
                guard report.adoption == nil else { throw Self.stillBehind }
                report.adoption = try recoverOwnChanges(url: url, after: received)
            case 401:
                throw Failure.unauthorized(error?.error.message ?? "401")
            case 500, 503, 502, 504, 429, 408:   // the hub failed or is busy: nothing is lost, try later
                throw Failure.unavailable(Message.hubStatusLater.text(reply.status))
            default:
                throw Failure.rejected(status: reply.status, code: error?.error.code ?? "unknown", message: error?.error.message ?? String(decoding: reply.body.prefix(200), as: UTF8.self))
            }
        }
    }

    /// Applies a page: with a verifier, only what verifies against its origin's signed chain, the
    /// rest kept apart; the heads that verified, this push's own head and `meta` in the same
    /// transaction. Returns how many changes were applied.
    private func keep(_ response: SyncResponse, prepared: PageVerifier.Prepared?, settingMeta meta: [(String, MetaValue?)],
                      ownHead: ReplicaStore.StoredHead?, report: inout Report) throws -> Int {
        let confirmedHead = ownHead.flatMap { response.received >= $0.seq ? $0 : nil }
        if verifier != nil, response.protocol < 4 { throw Self.unproven }
        guard let verifier else {
            return try store.transaction {
                if let confirmedHead { try store.recordHead(confirmedHead) }
                return try store.apply(response.changes, settingMeta: meta).applied
            }
        }
        let outcome = verifier.verify(prepared ?? PageVerifier.prepare(response.changes, proofs: response.proofs), hub: response.hub)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var apart = outcome.keptApart.map { ReplicaStore.KeptApart(dot: $0.change.dot, change: ChangeEncoding.json($0.change), reason: $0.reason, at: now) }
        var verified = outcome.verified
        while true {
            do {
                let applied = try store.transaction {
                    if let confirmedHead { try store.recordHead(confirmedHead) }
                    for head in outcome.heads { try store.recordHead(head) }
                    try store.keepApart(apart)
                    try store.releaseKeptApart(verified.map(\.dot))
                    return try store.apply(verified, settingMeta: meta).applied
                }
                report.keptApart += apart
                return applied
            } catch ReplicationError.dotReused(let dot) {
                // This replica holds other content under a dot the hub proves: it took that from a
                // copied folder's bundle, not from the origin. The page goes in without it (the
                // transaction was rolled back, so nothing is half-applied); the conflict is kept apart.
                guard let at = verified.firstIndex(where: { $0.dot == dot }) else { throw ReplicationError.dotReused(dot) }
                let change = verified.remove(at: at)
                apart.append(ReplicaStore.KeptApart(dot: dot, change: ChangeEncoding.json(change), reason: Self.heldOtherwise(dot), at: now))
            }
        }
    }

    static func heldOtherwise(_ dot: Dot) -> String {
        Message.heldOtherwise.text(dot)
    }

    /// Changes kept apart are asked for again first: once the hub's file is repaired they come back
    /// proven and are applied (and released); what still does not verify stays apart, with why.
    private func askAgainForKeptApart(url: URL, report: inout Report) throws {
        guard verifier != nil, protocolVersion >= 4 else { return }
        let apart = try store.keptApart().map(\.dot)
        guard !apart.isEmpty else { return }
        for batch in stride(from: 0, to: apart.count, by: SyncProtocol.wantLimit).map({ Array(apart[$0..<min(apart.count, $0 + SyncProtocol.wantLimit)]) }) {
            var request = SyncRequest(replica: store.replicaID, checkpoint: try state.checkpoint(), changes: [], maxBytes: pageBytes)
            request.protocol = protocolVersion
            request.instance = try instance()
            request.want = batch
            let reply: TransportReply
            do { reply = try transport.post(url, body: SyncCodec.encode(request), token: token) } catch { throw Failure(error) }
            report.roundTrips += 1
            guard reply.status == 200 else { return }   // an older hub, or another refusal: the sync itself says so
            guard let response = try? SyncCodec.response(JSONTree.parse(reply.body)) else { return }
            var fresh = Report()
            report.pulled += try keep(response, prepared: nil, settingMeta: [], ownHead: nil, report: &fresh)
            // Only what is still apart after this is reported again.
            let still = Set(try store.keptApart().map(\.dot))
            report.keptApart += fresh.keptApart.filter { still.contains($0.dot) && !report.keptApart.contains($0) }
        }
    }

    /// A reply without proofs, to a replica that checks every change it takes.
    static let unproven = Failure.rejected(status: 200, code: "unproven",
                                           message: Message.unproven.text())

    /// Recovering once did not bring this store level with the hub: another copy is still at work.
    static let stillBehind = Failure.rejected(status: 409, code: "replica_copied",
                                              message: Message.stillBehind.text())

    /// This copy's instance name, made on first use.
    private func instance() throws -> String {
        if let known = try state.instance() { return known }
        let made = Hex.encode(Secret.randomBytes(16))
        try state.setInstance(made)
        return made
    }

    /// Gets this replica's own changes back from the hub after its store was restored from an
    /// older copy (``ReplicaStore/adoptOwn(_:)``), as a new copy of the folder: the copy it was
    /// made from is refused from now on, so two machines never go on under one replica id.
    private func recoverOwnChanges(url: URL, after known: UInt64) throws -> ReplicaStore.Adoption {
        // The new name is sent only with `recover` until the recovery is done: a cut before then
        // leaves this copy able to finish it, never refused under a name the hub has not seen.
        let pending = try state.pendingInstance() ?? Hex.encode(Secret.randomBytes(16))
        try state.setPendingInstance(pending)
        var after = known
        var hubOwn: [Change] = []
        var received: UInt64 = 0
        while true {
            var request = SyncRequest(replica: store.replicaID, checkpoint: try state.checkpoint(), changes: [], maxBytes: pageBytes)
            request.protocol = protocolVersion
            request.instance = pending
            request.recover = after
            let reply: TransportReply
            do { reply = try transport.post(url, body: SyncCodec.encode(request), token: token) } catch { throw Failure(error) }
            guard reply.status == 200 else {
                if reply.status >= 500 || reply.status == 429 || reply.status == 408 { throw Failure.unavailable(Message.hubStatusLater.text(reply.status)) }
                let error = Self.errorReply(reply)
                throw Failure.rejected(status: reply.status, code: error?.error.code ?? "unknown", message: error?.error.message ?? Message.noChangesBack.text())
            }
            let response: SyncResponse
            do { response = try SyncCodec.response(JSONTree.parse(reply.body)) } catch {
                throw Failure.rejected(status: 200, code: "bad_reply", message: Message.replyUnreadable.text("\(error)"))
            }
            if verifier != nil, response.protocol < 4 { throw Self.unproven }
            if let verifier {
                let outcome = verifier.verify(response.changes, proofs: response.proofs, hub: response.hub)
                guard outcome.keptApart.isEmpty else {
                    throw Failure.rejected(status: 200, code: "unverified", message: Message.ownChangesAltered.text(outcome.keptApart[0].reason))
                }
                try store.transaction { for head in outcome.heads { try store.recordHead(head) } }
            }
            hubOwn += response.changes
            received = response.received
            guard response.more, let last = response.changes.last else { break }
            after = last.dot.seq
        }
        let adoption = try store.adoptOwn(hubOwn, after: known, hubReceived: received)
        try state.setReceived(received)
        try state.setInstance(pending)
        try state.setPendingInstance(nil)
        return adoption
    }

    /// The most withdrawals a request carries (the hub's limit).
    static let withdrawalsPerRequest = 1_024

    /// Drops refused changes from this replica (``ReplicaStore/takeBack(_:remake:)``): the hub
    /// never applied them, so the replica shows again what everyone else holds. `dots` nil: all.
    /// Returns the refusals dropped.
    @discardableResult
    public func discard(_ dots: [Dot]? = nil) throws -> [ChangeResult] {
        let all = try state.refusals()
        let chosen = all.filter { result in dots.map { $0.contains(result.dot) } ?? true }
        try store.takeBack(chosen.map(\.dot), remake: false)
        try state.setRefusals(all.filter { r in !chosen.contains { $0.dot == r.dot } })
        return chosen
    }

    /// Changes the hub refused as stamped too far ahead (`clock_ahead`) are made again with the
    /// clock as it is now (``ReplicaStore/takeBack(_:remake:)``), so nothing typed is lost once the
    /// machine's clock is fixed. Returns the refusals it resolved and the changes made again.
    public func remakeChangesFromAFastClock() throws -> (resolved: [ChangeResult], remade: [Change]) {
        let all = try state.refusals()
        var fast: [ChangeResult] = []
        // Made again at each sync: with the clock fixed they go through; with it still fast they
        // are refused again, and the refusal says to fix it. Nothing typed is dropped either way.
        for refusal in all where refusal.code == "clock_ahead" {
            guard try store.change(refusal.dot) != nil else { continue }
            fast.append(refusal)
        }
        guard !fast.isEmpty else { return ([], []) }
        let remade = try store.takeBack(fast.map(\.dot), remake: true)
        try state.setRefusals(all.filter { r in !fast.contains { $0.dot == r.dot } })
        return (fast, remade)
    }

    private func remember(_ refused: [ChangeResult]) throws {
        try state.setRefusals(try state.refusals() + refused)
        try state.setWithdrawals(try state.withdrawals() + refused.map(\.dot))
    }

    /// The hub's error reply, if the body is one.
    static func errorReply(_ reply: TransportReply) -> ErrorReply? {
        try? SyncCodec.errorReply(JSONTree.parse(reply.body))
    }
}
