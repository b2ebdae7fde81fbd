import Messages
import Crypto
import Foundation
import HTTP
import Replication
import JSON
import Submissions
import Synchronization
import SyncProtocol

extension Hub {
    /// An authenticated replica.
    struct Principal {
        let replica: ReplicaID
        let actor: Actor

        var logName: String { "\(replica.hex.prefix(8))/\(actor.org)" }
    }

    /// A refusal to authenticate, as the response to send.
    struct Unauthenticated: Error {
        let response: HTTPResponse
        init(_ response: HTTPResponse) { self.response = response }
    }

    /// The bearer token's replica, if the token is valid and not revoked.
    func authenticate(_ request: HTTPRequest, _ s: State) -> Result<Principal, Unauthenticated> {
        authenticate(request.headers, s)
    }

    func authenticate(_ headers: HTTPHeaders, _ s: State) -> Result<Principal, Unauthenticated> {
        guard let header = headers["Authorization"], header.hasPrefix("Bearer ") else {
            return .failure(Unauthenticated(.error(.unauthorized, code: "missing_token", message: Message.hubMissingToken.text())))
        }
        guard let (replica, hash) = Token.parse(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
              let (enrollment, stored) = try? s.tables.enrollment(replica),
              Secret.constantTimeEqual(hash, stored)
        else {
            return .failure(Unauthenticated(.error(.unauthorized, code: "bad_token", message: Message.hubBadToken.text())))
        }
        if enrollment.revoked != nil {
            return .failure(Unauthenticated(.error(.unauthorized, code: "revoked", message: Message.hubRevoked.text())))
        }
        guard let role = Role(rawValue: enrollment.role) else {
            return .failure(Unauthenticated(.error(.unauthorized, code: "bad_token", message: Message.hubUnknownRole.text())))
        }
        return .success(Principal(replica: replica, actor: Actor(org: enrollment.org, role: role)))
    }

    /// Judges a sync request from its head: without a valid token it is refused before its body is
    /// read or decompressed, so a stranger costs the hub what a `/healthz` costs.
    func admit(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.method == "POST", head.path == SyncProtocol.path || head.path.hasPrefix(Self.filesPathPrefix) else { return nil }
        if head.path.hasPrefix(Self.filesPathPrefix) {
            // A file's part is judged by its head too: its size, and that it comes as it is.
            if let length = head.headers["Content-Length"].flatMap({ Int($0) }), length > Self.maxPartBytes {
                return .error(.contentTooLarge, code: "part_too_large", message: Message.hubPartTooLarge.text("\(Self.maxPartBytes)"))
            }
            if head.headers["Content-Encoding"] != nil || head.headers["Transfer-Encoding"] != nil {
                return .error(.unsupportedMediaType, code: "encoded_part", message: Message.hubEncodedPart.text())
            }
        }
        let refusal: HTTPResponse? = state.withLock { s in
            if case .failure(let refusal) = authenticate(head.headers, s) { return refusal.response }
            return nil
        }
        if let refusal { metrics.request(route: head.path.hasPrefix(Self.filesPathPrefix) ? Self.filesPathPrefix : SyncProtocol.path, status: refusal.status.code) }
        return refusal
    }

    /// Who the token belongs to.
    func whoami(_ request: HTTPRequest) -> HTTPResponse {
        state.withLock { s in
            switch authenticate(request, s) {
            case .failure(let refusal): return refusal.response
            case .success(let principal):
                let name = (try? workspace(s).directory())?[principal.actor.org]?.name
                var who = WhoAmI(hub: replicaID, replica: principal.replica, org: principal.actor.org, role: principal.actor.role.rawValue, name: name)
                who.hubKey = publicKey
                var response = Self.json(.ok, SyncCodec.encode(who))
                response.principal = principal.logName
                return response
            }
        }
    }

    /// Registers a replica's signing key (``KeyRegistration``): once, proved with its token. The
    /// same key again is harmless; another key is refused (enrol a new replica instead).
    func registerKey(_ registration: KeyRegistration, _ s: State) throws(HubError) {
        guard let (enrollment, tokenHash) = try? s.tables.enrollment(registration.replica), enrollment.revoked == nil else {
            throw .keyRefused(Message.hubKeyNotEnrolled.text("\(registration.replica.hex)"))
        }
        guard registration.isProved(byTokenHash: tokenHash) else {
            throw .keyRefused(Message.hubKeyProof.text("\(registration.replica.hex)"))
        }
        let current = try? s.tables.publicKey(registration.replica)
        // The key the hub's own signed chain published is what counts: an enrolment row whose key
        // was cleared in the file does not open the replica to another key.
        if current == nil, let published = (try? workspace(s).publishedKey(registration.replica)) ?? nil, published.publicKey != registration.publicKey {
            throw .keyRefused(Message.hubKeyPublished.text("\(registration.replica.hex)"))
        }
        if let current {
            guard current == registration.publicKey else {
                throw .keyRefused(Message.hubKeyOther.text("\(registration.replica.hex)"))
            }
            return
        }
        do {
            try s.tables.setPublicKey(registration.replica, registration.publicKey, now: now)
            // Published to the replica's own unit, so colleagues can check its bundles offline.
            try workspace(s).publish(PublishedKey(replica: registration.replica, org: enrollment.org, role: Role(rawValue: enrollment.role) ?? .hospital,
                                                  publicKey: registration.publicKey, label: enrollment.label))
            try audit(.key, registration.replica.hex, ["org", enrollment.org, "fingerprint", String(SHA256.hex(registration.publicKey).prefix(16))],
                      by: Self.name(registration.replica, enrollment.label), s)
        } catch {
            throw .keyRefused(Message.hubKeyStore.text("\(error)"))
        }
    }

    /// Applies a bundle carried from an offline replica through the same accept path as its
    /// network push: signed by the replica it names, every change judged, all of it or none.
    /// Importing it again changes nothing.
    ///
    /// The import is in the audit trail with `source` (the file's name), the bundle's hash and what
    /// became of it; a refused one too, with why.
    public func importBundle(_ bytes: [UInt8], source: String = "") throws -> [ChangeResult] {
        let file = ["file", source, "sha256", SHA256.hex(bytes)]
        do {
            return try importBundle(bytes, file)
        } catch {
            try? state.withLock { s in try audit(.bundle, "", file + ["outcome", "refused", "reason", "\(error)"], s) }
            throw error
        }
    }

    private func importBundle(_ bytes: [UInt8], _ file: [String]) throws -> [ChangeResult] {
        let contents: ChangeBundle.Contents
        do { contents = try ChangeBundle.decode(bytes) } catch { throw HubError.bundleRefused("\(error)") }
        // One transaction, as a push: the key it registers and the changes it carries, or nothing.
        return try state.withLock { s in try s.store.transaction {
            guard let (enrollment, _) = try s.tables.enrollment(contents.replica) else {
                throw HubError.bundleRefused(Message.hubBundleNotEnrolled.text("\(contents.replica.hex)"))
            }
            guard enrollment.revoked == nil, let role = Role(rawValue: enrollment.role) else {
                throw HubError.bundleRefused(Message.hubBundleRevoked.text("\(contents.replica.hex)"))
            }
            if let key = contents.key {
                guard key.replica == contents.replica else { throw HubError.bundleRefused(Message.hubBundleKeyOther.text()) }
                // A key arrives with what it signs: registered only if that verifies with it.
                let verified: Bool
                if let head = contents.head {
                    if case .success = try checkHead(head, base: contents.base, changes: contents.changes, origin: contents.replica, key: key.publicKey, s) {
                        verified = true
                    } else { verified = false }
                } else if let signature = contents.signature {
                    verified = BatchSignature.verify(signature, replica: contents.replica, changes: contents.changes, publicKey: key.publicKey)
                } else { verified = false }
                guard verified else {
                    throw HubError.bundleRefused(Message.hubBundleSignature.text("\(contents.replica.hex)"))
                }
                do { try registerKey(key, s) } catch { throw HubError.bundleRefused("\(error)") }
            }
            let workspace = try workspace(s)
            let directory = try workspace.directory()
            let principal = Principal(replica: contents.replica, actor: Actor(org: enrollment.org, role: role))
            let proof: BatchProof = contents.head.map { .head($0, base: contents.base) } ?? .batch(contents.signature)
            switch try accept(contents.changes, proof: proof, from: principal, signatureRequired: true,
                              workspace: workspace, directory: directory, catalog: try workspace.catalog(), s) {
            case .applied(let results):
                let accepted = results.filter { $0.status == .accepted }.count
                // A unit's files take at most its share of the hub's disk, by hand as by sync.
                let files = try BundleFiles.keep(contents, in: s.store) { unit, size in try self.admitsFile(unit: unit, size: size, s) }
                var detail: [String] = file + ["outcome", "applied", "changes", String(results.count), "accepted", String(accepted)]
                detail += ["duplicates", String(results.count - accepted), "files", String(files.kept)]
                if files.skipped > 0 { detail += ["files not kept", String(files.skipped)] }
                if files.overQuota > 0 { detail += ["files over their unit's share", String(files.overQuota)] }
                try audit(.bundle, contents.replica.hex, detail, s)
                return results
            case .refused(let results, let count):
                throw HubError.bundleRefused(Message.hubBundleNotAllowed.text("\(count)", "\(results.count)") +
                                            results.filter { $0.status == .refused }.prefix(3).map { "\($0.dot) \($0.reason ?? "")" }.joined(separator: "; "))
            case .rejected(_, let message):
                throw HubError.bundleRefused(message)
            }
        } }
    }

    /// One sync round trip: push the replica's changes (all or none), then a page of what it lacks.
    func sync(_ request: HTTPRequest) -> HTTPResponse {
        // The version first, so an unknown one gets a clear answer whatever else changed.
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(request.body)
        } catch {
            return .error(.badRequest, code: "bad_json", message: request.body.isEmpty
                          ? "the request has no body; send the sync request as JSON (see Sync/PROTOCOL.md)"
                          : "the body is not valid JSON: \(error)")
        }
        let version = SyncCodec.protocolVersion(tree)
        guard let version, SyncProtocol.supported.contains(version) else {
            return .error(.badRequest, code: "protocol_version",
                          message: Message.hubProtocol.text("\(SyncProtocol.supported.lowerBound)", "\(SyncProtocol.supported.upperBound)", "\(version.map { "speaks \($0)" } ?? "names no version")"))
        }
        let body: SyncRequest
        do {
            body = try SyncCodec.request(tree)
        } catch {
            return .error(.badRequest, code: "bad_request", message: Message.hubMalformed.text("\(error)"))
        }
        return state.withLock { s in
            let principal: Principal
            switch authenticate(request, s) {
            case .success(let p): principal = p
            case .failure(let refusal): return refusal.response
            }
            // One transaction: what the sync writes (the batch, receipts, withdrawals, grants, the
            // note of it) is durable together when the reply leaves, or none of it is.
            var response: HTTPResponse
            do {
                response = try s.store.transaction {
                    let (response, pushedNew) = try sync(body, principal, s)
                    // Nothing new pushed and answered: the replica had nothing left to push at this moment.
                    let drained = response.status == .ok && !pushedNew ? try received(principal.replica, s) : nil
                    try s.tables.noteSync(principal.replica, status: response.status.code, now: now, drained: drained)
                    return response
                }
            } catch {
                response = .error(.internalServerError, code: "internal", message: Message.hubSyncFailed.text("\(error)"))
                try? s.tables.noteSync(principal.replica, status: 500, now: now, drained: nil)
            }
            response.principal = principal.logName
            return response
        }
    }

    /// The reply, and whether the request pushed a change the hub did not hold.
    private func sync(_ body: SyncRequest, _ principal: Principal, _ s: State) throws -> (HTTPResponse, pushedNew: Bool) {
        guard body.replica == principal.replica else {
            return (.error(.forbidden, code: "replica_mismatch", message: Message.hubReplicaMismatch.text("\(body.replica.hex)", "\(principal.replica.hex)")), true)
        }
        guard body.changes.count <= Self.changesLimit else {
            return (.error(.badRequest, code: "bad_request", message: Message.hubTooManyChanges.text("\(body.changes.count)", "\(Self.changesLimit)")), true)
        }
        return try syncBody(body, principal, s)
    }

    /// The most changes one request may push (a replica pushes 500 at a time): each is judged
    /// under the store lock.
    static let changesLimit = 5_000

    private func syncBody(_ body: SyncRequest, _ principal: Principal, _ s: State) throws -> (HTTPResponse, Bool) {
        let workspace = try workspace(s)
        let directory = try workspace.directory()
        let catalog = try workspace.catalog()

        if let key = body.key {
            guard key.replica == principal.replica else {
                return (.error(.forbidden, code: "replica_mismatch", message: Message.hubKeyReplicaMismatch.text("\(key.replica.hex)", "\(principal.replica.hex)")), true)
            }
            if body.protocol >= 4, let head = body.head,
               case .failure(let rejection) = try checkHead(head, base: nil, changes: body.changes, origin: principal.replica, key: key.publicKey,
                                                            withdrawing: Set((body.withdrawn ?? []).filter { $0.replica == principal.replica }.map(\.seq)), s) {
                return (.error(.forbidden, code: rejection.code, message: rejection.message + " (checked with the key the request registers)"), true)
            }
            if body.protocol < 4, !body.changes.isEmpty, let signature = body.signature,
               !BatchSignature.verify(signature, replica: principal.replica, changes: body.changes, publicKey: key.publicKey) {
                return (.error(.forbidden, code: "bad_signature", message: Message.hubRegisteredKeySignature.text()), true)
            }
            do { try registerKey(key, s) } catch { return (.error(.conflict, code: "key_refused", message: "\(error)"), true) }
        }
        if let refusal = try checkInstance(body, principal, s) { return (refusal, true) }
        if let after = body.recover { return (try recoverReply(body, after: after, principal, s), true) }
        if let want = body.want, body.protocol >= 4 { return (try wantedReply(body, want, principal, directory: directory, s), true) }
        if let error = try withdraw(body.withdrawn ?? [], principal, s) { return (error, true) }

        let results: [ChangeResult]
        do {
            let proof: BatchProof = body.protocol >= 4 ? (body.head.map { .head($0, base: nil) } ?? .batch(body.signature)) : .batch(body.signature)
            switch try accept(body.changes, proof: proof, from: principal, signatureRequired: false,
                              workspace: workspace, directory: directory, catalog: catalog, s) {
            case .applied(let applied):
                results = applied
            case .refused(let held, let count):
                try s.tables.add(held.filter { $0.status == .refused }.map(\.dot.seq), of: principal.replica, to: .refused)
                return (.error(.forbidden, code: "changes_refused",
                               message: Message.hubBatchRefused.text("\(count)", "\(body.changes.count)"),
                               results: held), true)
            case .rejected(let code, let message):
                return (.error(.forbidden, code: code, message: message), true)
            }
        } catch let error as ReplicationError {
            return (.error(.unprocessableContent, code: "refused_by_store", message: Message.hubNothingApplied.text("\(error.description)")), true)
        }

        // What this request brought without a signed head (an older replica's, one with no key
        // yet): the hub vouches for the positions it accepted or withdrew, and nothing else.
        if body.head == nil {
            let made = Set((body.withdrawn ?? []).map(\.seq) + results.filter { $0.status == .accepted }.map(\.dot.seq))
            if !made.isEmpty { try vouch(for: principal.replica, made: made, s) }
        }
        let (changes, checkpoint, more) = try page(for: principal, after: body.checkpoint,
                                                   maxBytes: min(body.maxBytes ?? configuration.pageBytes, configuration.pageBytes),
                                                   protocol: body.protocol, directory: directory, s)
        var reply = SyncResponse(hub: replicaID, results: results, received: try received(principal.replica, s),
                                 changes: changes, checkpoint: checkpoint, more: more)
        reply.protocol = body.protocol   // answered in the form the replica reads
        if body.protocol >= 4 { reply.proofs = try proofs(for: changes, s) }
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        if more { headers.add(SyncProtocol.nextCheckpointHeader, String(checkpoint)) }
        headers.add(SyncProtocol.latestCheckpointHeader, String(try s.store.latestArrival()))
        return (HTTPResponse(status: .ok, headers: headers, body: SyncCodec.encode(reply)), results.contains { $0.status == .accepted })
    }

    /// One copy of a replica's folder at a time (PROTOCOL.md 2.9): a copy that another copy has
    /// replaced (by recovering its own changes) is refused for good; a new copy becomes the one in
    /// use only by recovering.
    private func checkInstance(_ body: SyncRequest, _ principal: Principal, _ s: State) throws -> HTTPResponse? {
        guard let instance = body.instance else { return nil }
        let replica = principal.replica
        let current = try s.tables.instance(replica)
        if current == instance { return nil }
        if try s.tables.isRetired(instance, of: replica) || (current != nil && body.recover == nil) {
            return .error(.conflict, code: "replica_copied", message: Message.hubReplicaCopied.text("\(replica.hex)"))
        }
        try s.tables.setInstance(instance, of: replica)
        return nil
    }

    /// The hub's copies of the replica's own changes above `after`, a page at a time: for a replica
    /// restored from an older copy. Its checkpoint is echoed: nothing else is read or sent.
    private func recoverReply(_ body: SyncRequest, after: UInt64, _ principal: Principal, _ s: State) throws -> HTTPResponse {
        let maxBytes = min(body.maxBytes ?? configuration.pageBytes, configuration.pageBytes)
        var own: [Change] = []
        var bytes = 0
        var more = false
        try s.store.changes(from: principal.replica, after: after, batchSize: 256) { batch in
            for change in batch {
                if bytes >= maxBytes && !own.isEmpty { more = true; return }
                own.append(change)
                bytes += SyncCodec.estimatedBytes(change)
            }
        }
        var reply = SyncResponse(hub: replicaID, results: [], received: try received(principal.replica, s),
                                 changes: own, checkpoint: body.checkpoint, more: more)
        reply.protocol = body.protocol
        if body.protocol >= 4 { reply.proofs = try proofs(for: own, s) }
        return HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json")]), body: SyncCodec.encode(reply))
    }

    /// Changes a replica kept apart, asked for again: those the hub holds and the replica may read,
    /// each proven as in a page. Nothing is pushed or pulled, and the checkpoint does not move.
    private func wantedReply(_ body: SyncRequest, _ want: [Dot], _ principal: Principal, directory: Directory, _ s: State) throws -> HTTPResponse {
        var changes: [Change] = []
        for dot in want where dot.replica != principal.replica {
            guard let change = try s.store.change(dot), try mayRead(change, principal, directory: directory, s) else { continue }
            changes.append(change)
        }
        var reply = SyncResponse(hub: replicaID, results: [], received: try received(principal.replica, s),
                                 changes: changes, checkpoint: body.checkpoint, more: false)
        reply.protocol = body.protocol
        reply.proofs = try proofs(for: changes, s)
        return HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json")]), body: SyncCodec.encode(reply))
    }

    /// Whether a pull may carry `change` to this replica: the rules of ``page(for:after:maxBytes:protocol:directory:_:)``,
    /// for one change.
    private func mayRead(_ change: Change, _ principal: Principal, directory: Directory, _ s: State) throws -> Bool {
        switch change.collection {
        case Workspace.Collection.replicas:
            return try ReadScope.keyVisible(s.store.record(change.record, only: ["org"]), to: principal.actor)
        case Workspace.Collection.submissions:
            return try mayRead(change.record, s.store.record(change.record, only: ReadScope.fields), principal, directory: directory, s)
        default:
            return true
        }
    }

    /// Whether `principal` may read the form record `id` (its ``ReadScope/fields`` at least): in its
    /// scope now, or granted to it once.
    func mayRead(_ id: String, _ record: RecordState?, _ principal: Principal, directory: Directory, _ s: State) throws -> Bool {
        if try s.tables.grant(principal.replica, id) != nil { return true }
        return ReadScope.visible(record, to: principal.actor, directory: directory)
    }

    /// Withdrawals: own dots the hub refused and does not hold, at most ``withdrawalLimit`` a request, written in
    /// one transaction. `nil` when all were taken; the error response otherwise (none taken): 400 for too many,
    /// 403 for another replica's dot, 409 for one the hub holds or never refused (a well-formed request the
    /// hub's state does not allow is not a malformed one).
    private func withdraw(_ dots: [Dot], _ principal: Principal, _ s: State) throws -> HTTPResponse? {
        guard dots.count <= Self.withdrawalLimit else {
            return .error(.badRequest, code: "bad_withdrawal", message: Message.hubTooManyWithdrawals.text("\(dots.count)", "\(Self.withdrawalLimit)"))
        }
        var seqs: [UInt64] = []
        for dot in dots {
            guard dot.replica == principal.replica else {
                return .error(.forbidden, code: "bad_withdrawal", message: Message.hubNotOwnDot.text("\(dot)"))
            }
            guard try !s.store.holds(dot) else {
                return .error(.conflict, code: "bad_withdrawal", message: Message.hubWithdrawHeld.text("\(dot)"))
            }
            guard try s.tables.contains(dot.seq, of: principal.replica, in: .refused) else {
                return .error(.conflict, code: "bad_withdrawal", message: Message.hubWithdrawNotRefused.text("\(dot)"))
            }
            seqs.append(dot.seq)
        }
        try s.tables.add(seqs, of: principal.replica, to: .withdrawn)
        return nil
    }

    /// The most withdrawn dots one request may carry: each is a write under the store lock.
    static let withdrawalLimit = 1_024

    /// A page of what `principal` lacks and may read, walking the arrival log from `checkpoint`.
    /// A record entering the replica's scope is sent whole, once per acknowledged grant.
    func page(for principal: Principal, after checkpoint: Int64, maxBytes: Int, protocol version: Int,
              directory: Directory, _ s: State) throws -> ([Change], Int64, Bool) {
        var out: [Change] = []
        // The dots sent with a record's whole history: the walk meets the later of them again.
        // Nothing else can repeat (each arrival is walked once, and a record's history is sent
        // at its first arrival in the page), so only these are remembered.
        var sentWithHistory = Set<Dot>()
        var bytes = 0
        var position = checkpoint
        // Each record is judged once per page: already granted, newly visible, or out of scope.
        enum Standing { case granted, outOfScope }
        var standing: [String: Standing] = [:]
        func take(_ c: Change) {
            out.append(c)
            bytes += SyncCodec.estimatedBytes(c)
        }
        // A request from before where an earlier page to this replica reached — a retry after a
        // lost reply, or a copy of an old request the network delivered late — may come from a
        // replica that has since passed, in a page served before this one, the arrival this page
        // grants a record at, without the record (it was out of scope then). Its checkpoint at
        // that arrival would pass for having applied this page: such a grant holds until the
        // replica passes everything that has arrived so far (PROTOCOL.md 2.4).
        let servedThrough = s.servedThrough[principal.replica] ?? s.servedBeforeOpen
        let grantFloor: Int64? = checkpoint < servedThrough ? try s.store.latestArrival() + 1 : nil
        defer { s.servedThrough[principal.replica] = max(servedThrough, position) }
        let (replicaHex, grantKey) = (principal.replica.hex, ReadScope.grantKey(principal.replica))
        // A record's whole history, but what the replica made.
        func sendWhole(_ record: String) throws {
            for earlier in try s.store.history(of: record)
            where earlier.dot.replica != principal.replica && !sentWithHistory.contains(earlier.dot) {
                take(earlier)
                sentWithHistory.insert(earlier.dot)
            }
        }
        // A record entering the scope: its whole history, and a grant.
        func enter(_ record: String, grantedAt arrival: Int64) throws {
            try sendWhole(record)
            try grant(record, at: arrival)
        }
        func grant(_ record: String, at arrival: Int64) throws {
            try s.tables.setGrant(replicaHex, record, position: max(grantFloor ?? 0, arrival))
            try s.store.addReader(grantKey, to: record)
            standing[record] = .granted
        }
        // Whether the replica holds the record by a grant it acknowledged, or one made in this page.
        func holds(_ record: String) throws -> Bool {
            if standing[record] == .granted { return true }
            guard let granted = try s.tables.grant(replicaHex, record), granted <= checkpoint else { return false }
            standing[record] = .granted
            return true
        }
        // A city's units by the id of their directory records: the arrival that moved one of them
        // to this city brings its submitted records (which until then were another city's).
        let units = principal.actor.role == .city
            ? Dictionary(directory.organizations.values.filter { $0.reportingUnit == principal.actor.org && $0.code != principal.actor.org }
                            .map { (Organization.recordID(code: $0.code), $0.code) }, uniquingKeysWith: { a, _ in a })
            : [:]
        var full = false
        let keys = ReadScope.keys(for: principal.actor, replica: principal.replica, directory: directory)
        while true {
            let visit = { (arrival: borrowing ReplicaStore.Arrival) throws -> Bool in
                // Past the budget, a page runs on (a quarter more at most) to where the last change's
                // signed interval ends: neither its proof nor the next page's then needs the leaves
                // of what the other carries, which the hub would read and hash again.
                if bytes >= maxBytes, let last = out.last {
                    let ends = try version < 4 || bytes >= maxBytes + maxBytes / 4 || s.store.endsInterval(last.dot)
                    if ends { full = true; return false }
                }
                position = arrival.position
                if arrival.dot.replica == principal.replica || (!sentWithHistory.isEmpty && sentWithHistory.contains(arrival.dot)) { return true }
                if arrival.collection == Workspace.Collection.replicas {
                    // Published keys, from version 3 on; each key's record judged once a page.
                    guard version >= 3 else { return true }
                    if standing[arrival.record] == nil {
                        standing[arrival.record] = try ReadScope.keyVisible(s.store.record(arrival.record, only: ["org"]), to: principal.actor) ? .granted : .outOfScope
                    }
                    if standing[arrival.record] == .granted { take(arrival.change()) }
                    return true
                }
                guard arrival.collection == Workspace.Collection.submissions else {
                    take(arrival.change())
                    // Those whose arrivals the replica passed while they were another city's: the
                    // walk meets the others in order, as the city reads them now.
                    if let unit = units[arrival.record] {
                        for record in try s.store.records(taggedWith: ReadScope.submittedKey(unit), firstArrivedBy: checkpoint) where try !holds(record) {
                            try enter(record, grantedAt: arrival.position)
                        }
                    }
                    return true
                }
                switch standing[arrival.record] {
                case .granted?: take(arrival.change()); return true
                case .outOfScope?: return true
                case nil: break
                }
                let granted = try s.tables.grant(replicaHex, arrival.record)
                if let granted, granted <= checkpoint {
                    standing[arrival.record] = .granted
                    take(arrival.change())
                    return true
                }
                // Granted in a page the replica has not acknowledged (the reply may have been lost):
                // it may hold nothing of the record, so it is sent whole again even if it has left
                // the replica's scope since — scope only grows, and later changes will follow it.
                let readable = try granted != nil
                    || ReadScope.visible(s.store.record(arrival.record, only: ReadScope.fields), to: principal.actor, directory: directory)
                guard readable else {
                    standing[arrival.record] = .outOfScope
                    return true
                }
                if arrival.opensRecord {
                    // Nothing of it came before: the walk meets the rest of it in order.
                    take(arrival.change())
                    try grant(arrival.record, at: arrival.position)
                } else {
                    try enter(arrival.record, grantedAt: arrival.position)
                }
                return true
            }
            // Walked by its keys, a replica reads the arrivals tagged for it: the rest are
            // covered without being read, and the checkpoint moves past them.
            let seen: Int
            if let keys {
                let walked = try s.store.walkArrivals(after: position, limit: 1_024, readers: keys, visit)
                seen = walked.seen
                if !full { position = max(position, walked.covered) }
            } else {
                seen = try s.store.walkArrivals(after: position, limit: 1_024, visit)
            }
            if full || seen == 0 { break }
        }
        // A replica that passes a grant's position counts as holding the record from then on, so
        // a page that passes one sends the record whole, whatever the record's scope is now (a
        // grant made in a reply the replica never applied, for a unit that has since moved away).
        // Grants are placed where no earlier page reached, so no page without the record passes one.
        for record in try s.tables.grants(of: principal.replica, after: checkpoint, through: position) where standing[record] != .granted {
            try sendWhole(record)
            standing[record] = .granted
        }
        return (out, position, full)
    }

    /// How many of `replica`'s changes the hub holds without a gap, withdrawn ones counted. Walks
    /// on from the last mark, so a replica with many withdrawn changes costs nothing per request.
    func received(_ replica: ReplicaID, _ s: State) throws -> UInt64 {
        let mark = try s.tables.receivedMark(replica)
        var n = max(mark, s.store.contiguous(of: replica))
        while try s.store.holds(Dot(replica: replica, seq: n + 1)) || s.tables.isWithdrawn(replica, seq: n + 1) { n += 1 }
        if n != mark { try s.tables.setReceivedMark(replica, n) }
        return n
    }

    static func json(_ status: HTTPStatus, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }
}
