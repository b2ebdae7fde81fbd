import Replication

/// The sync protocol's messages: one POST to ``SyncProtocol/path`` pushes the replica's new
/// changes and pulls a page of what it lacks. See `Sync/PROTOCOL.md`, part 2.
public enum SyncProtocol {
    /// The protocol version this build speaks. Every request names the version it speaks.
    /// Version 2 is version 1 with lighter `changes` arrays: a change leaves out the origin,
    /// collection, record and author it shares with the one before it (PROTOCOL.md 2.4).
    /// Version 3 is version 2 that also carries the `replicas` collection (keys published by the
    /// hub), which a replica of an older build would refuse as an unknown collection.
    /// Version 4 signs chains instead of batches: a push carries the replica's signed head
    /// (`head`), a reply proves every change it carries (`proofs`, PROTOCOL.md 2.11).
    public static let version = 4
    /// The versions a hub of this build answers, each in its own form.
    public static let supported = 1...4
    public static let path = "/v1/sync"
    /// `GET`: who the token belongs to, for `tianbao init`.
    public static let whoamiPath = "/v1/whoami"
    /// The reply's default page size, in bytes of changes.
    public static let defaultPageBytes = 1 << 20
    /// The most dots one request asks for again (`want`).
    public static let wantLimit = 1_024
    /// Sent with a reply that has more pages, naming the checkpoint of the next: a replica can
    /// ask for that page before it has read this one. Only a hint; the body is authoritative.
    public static let nextCheckpointHeader = "Tianbao-Next-Checkpoint"
    /// On every 200 reply to a sync: the position of the hub's newest arrival, so a replica can
    /// show how far through the hub's log its pull has come (PROTOCOL.md 2.2). A hint for progress only.
    public static let latestCheckpointHeader = "Tianbao-Latest-Checkpoint"
}

/// A replica's request: its new changes, and where its pull stands.
public struct SyncRequest: Sendable, Equatable {
    /// The protocol version the replica speaks.
    public var `protocol`: Int
    /// The replica's id; it must be the one its token was issued to.
    public var replica: ReplicaID
    /// The hub's arrival position up to which the replica has applied what it pulled.
    public var checkpoint: Int64
    /// The replica's own changes the hub does not hold yet, in sequence order.
    public var changes: [Change]
    /// Own changes the hub refused before, which the replica withdraws: the hub counts them as
    /// received and never applies them.
    public var withdrawn: [Dot]?
    /// The most bytes of changes the replica wants in the reply.
    public var maxBytes: Int?
    /// The replica's Ed25519 signature over `changes` (``BatchSignature``); required by a hub that
    /// holds the replica's public key, whenever `changes` is not empty.
    public var signature: [UInt8]?
    /// The replica's signing key, sent until a reply confirms the hub holds it (``KeyRegistration``).
    public var key: KeyRegistration?
    /// Version 4: the replica's signed head of its own chain at the last position this request
    /// pushes or withdraws (PROTOCOL.md 2.11); replaces `signature`.
    public var head: SignedPosition?
    /// This copy of the replica's folder (random, made anew when the copy recovers): the hub refuses
    /// a copy that another copy of the same replica has replaced (PROTOCOL.md 2.9).
    public var instance: String?
    /// Asks for the hub's copies of this replica's own changes with a sequence above this, instead
    /// of pushing and pulling: a replica restored from an older copy gets its own work back.
    public var recover: UInt64?
    /// Version 4: asks again for changes this replica kept apart (they did not verify), instead of
    /// pushing and pulling: once the hub's file is repaired they come back proven (PROTOCOL.md 2.11).
    public var want: [Dot]?

    public init(replica: ReplicaID, checkpoint: Int64, changes: [Change], withdrawn: [Dot] = [], maxBytes: Int? = nil) {
        self.protocol = SyncProtocol.version
        self.replica = replica
        self.checkpoint = checkpoint
        self.changes = changes
        self.withdrawn = withdrawn.isEmpty ? nil : withdrawn
        self.maxBytes = maxBytes
    }
}

/// What became of one pushed change.
public struct ChangeResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Applied.
        case accepted
        /// The hub already held it.
        case duplicate
        /// Not allowed; `code` and `reason` say why.
        case refused
        /// Allowed, but not applied because another change of the batch was refused.
        case held
    }

    public var dot: Dot
    public var status: Status
    public var code: String?
    public var reason: String?

    public init(dot: Dot, status: Status, code: String? = nil, reason: String? = nil) {
        self.dot = dot
        self.status = status
        self.code = code
        self.reason = reason
    }
}

/// The hub's reply: the fate of each pushed change, and a page of what the replica lacks.
public struct SyncResponse: Sendable, Equatable {
    public var `protocol`: Int
    /// The hub's replica id.
    public var hub: ReplicaID
    /// One result per pushed change, in order.
    public var results: [ChangeResult]
    /// The hub's version-vector entry for this replica: how many of its changes the hub holds
    /// without a gap (withdrawn ones counted). The replica pushes from here next time.
    public var received: UInt64
    /// Changes the replica lacks, in the hub's arrival order.
    public var changes: [Change]
    /// The arrival position to send as `checkpoint` once these changes are applied.
    public var checkpoint: Int64
    /// Whether more changes wait beyond this page.
    public var more: Bool
    /// Version 4: what proves each change of `changes` (PROTOCOL.md 2.11).
    public var proofs: [ChainProof] = []

    public init(hub: ReplicaID, results: [ChangeResult], received: UInt64, changes: [Change], checkpoint: Int64, more: Bool) {
        self.protocol = SyncProtocol.version
        self.hub = hub
        self.results = results
        self.received = received
        self.changes = changes
        self.checkpoint = checkpoint
        self.more = more
    }
}

/// Every error reply: `{"error": {"code": …, "message": …}, "results": […]}`; `results` only when
/// a pushed batch was refused.
public struct ErrorReply: Sendable, Equatable, Error {
    public struct Body: Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public var error: Body
    public var results: [ChangeResult]?

    public init(code: String, message: String, results: [ChangeResult]? = nil) {
        self.error = Body(code: code, message: message)
        self.results = results
    }
}

/// The reply to `GET /v1/whoami`: what the hub knows of the token's replica.
public struct WhoAmI: Sendable, Equatable {
    public var hub: ReplicaID
    public var replica: ReplicaID
    public var org: String
    public var role: String
    public var name: String?
    /// The hub's Ed25519 public key: a replica keeps the first it is told and checks the hub's
    /// signed heads with it ever after.
    public var hubKey: [UInt8]?

    public init(hub: ReplicaID, replica: ReplicaID, org: String, role: String, name: String?) {
        self.hub = hub
        self.replica = replica
        self.org = org
        self.role = role
        self.name = name
    }
}
