import Crypto
import Replication

/// A replica's signing key as the hub publishes it to the replica's own unit (collection
/// `replicas`): so a replica can check a colleague's bundle without asking the hub, and knows
/// which organisation and role the colleague acts for. Written by the hub alone.
public struct PublishedKey: Hashable, Sendable {
    public let replica: ReplicaID
    public let org: String
    public let role: Role
    public let publicKey: [UInt8]
    /// Who uses it, as enrolled.
    public let label: String?
    /// When the hub revoked it (ms), if it did: its bundles are no longer taken.
    public let revoked: Int64?

    public init(replica: ReplicaID, org: String, role: Role, publicKey: [UInt8], label: String?, revoked: Int64? = nil) {
        self.replica = replica
        self.org = org
        self.role = role
        self.publicKey = publicKey
        self.label = label
        self.revoked = revoked
    }

    /// Every replica names the same replica with the same record.
    public static func recordID(_ replica: ReplicaID) -> String {
        RecordID.derived(fromHash: SHA256.digest(Array("tianbao:replica:\(replica.hex)".utf8)))
    }

    public var edits: [Edit] {
        let id = Self.recordID(replica)
        let collection = Workspace.Collection.replicas
        return [.set(collection: collection, record: id, field: "replica", value: .text(replica.hex)),
                .set(collection: collection, record: id, field: "org", value: .text(org)),
                .set(collection: collection, record: id, field: "role", value: .text(role.rawValue)),
                .set(collection: collection, record: id, field: "publicKey", value: .text(Hex.encode(publicKey))),
                .set(collection: collection, record: id, field: "label", value: label.map(FieldValue.text) ?? .null),
                .set(collection: collection, record: id, field: "revoked", value: revoked.map(FieldValue.int) ?? .null)]
    }

    public init?(record: RecordState) {
        guard let replica = record["replica"]?.text.flatMap(ReplicaID.init(hex:)), let org = record["org"]?.text,
              let role = record["role"]?.text.flatMap(Role.init(rawValue:)),
              let key = record["publicKey"]?.text.flatMap(Hex.decode), key.count == Ed25519.publicKeyBytes else { return nil }
        var revoked: Int64?
        if case .int(let at)? = record["revoked"] { revoked = at }
        self.init(replica: replica, org: org, role: role, publicKey: key, label: record["label"]?.text, revoked: revoked)
    }
}

extension PublishedKey {
    /// An origin's public key as `store` knows it, or as the hub's changes `arriving` with it
    /// publish it: what a replica checks another replica's signed heads with.
    ///
    /// The first key ever published for the origin, not the latest: a replica's key never changes
    /// (another key means a new enrolment), so a later publication of another one — a hub whose
    /// file or key was tampered with, trying to sign in the origin's name — is not believed.
    public static func keyring(_ store: ReplicaStore) -> (ReplicaID, [Change]) -> [UInt8]? {
        { origin, arriving in
            let id = recordID(origin)
            let held = (try? store.history(of: id)) ?? []
            let published = (held + arriving).filter {
                $0.collection == Workspace.Collection.replicas && $0.record == id && $0.field == "publicKey" && $0.op == .set
            }
            guard let first = published.min(by: { $0.hlc < $1.hlc }), let key = first.value?.text.flatMap(Hex.decode),
                  key.count == Ed25519.publicKeyBytes else { return nil }
            return key
        }
    }
}

extension Workspace {
    /// The key the hub published for `replica`, if this replica may know it.
    public func publishedKey(_ replica: ReplicaID) throws -> PublishedKey? {
        try store.record(PublishedKey.recordID(replica)).flatMap(PublishedKey.init(record:))
    }

    /// Publishes (or updates) a replica's key: the hub does this when a key is registered or revoked.
    public func publish(_ key: PublishedKey) throws {
        let current = try store.record(PublishedKey.recordID(key.replica))
        let edits = key.edits.filter { edit in
            guard case .set(_, _, let field, let value) = edit else { return true }
            return current?.fields[field]?.value != value
        }
        try store.commit(edits, author: author)
    }
}
