import Crypto
import JSON
import Foundation
import Replication
import SyncProtocol

/// What a replica remembers of its syncing, kept beside its changes in the store: where its pull
/// stands, how many of its own changes the hub counts, what the hub refused and what is to be
/// withdrawn, the key the hub confirmed, which copy of the folder this is, and how the last sync
/// ended. The one owner of those keys: the client and the CLI read and write them only here.
public struct SyncState {
    let store: ReplicaStore

    public init(_ store: ReplicaStore) { self.store = store }

    enum Key {
        static let checkpoint = "sync.checkpoint"
        static let received = "sync.received"
        static let withdraw = "sync.withdraw"
        static let refusals = "sync.refusals"
        /// The public key (hex) the hub confirmed holding.
        static let registeredKey = "sync.key"
        /// Which copy of the replica's folder this is (PROTOCOL.md 2.9).
        static let instance = "sync.instance"
        /// The instance a recovery under way names itself with; it becomes ``instance`` once done.
        static let pendingInstance = "sync.instance.pending"
        /// The hub's own replica id, as its replies name it.
        static let hub = "sync.hub"
        /// When a sync last reached the hub and finished (milliseconds).
        static let contact = "sync.contact"
        /// The hub's public key (hex), pinned when the replica was made (or first learnt).
        static let hubKey = "sync.hubKey"
        static let lastSync = "sync.last"
        static let outcome = "sync.outcome"
    }

    /// The hub's replica id, once a sync has named it: its changes are the hub's own (receipts).
    public func hubReplica() throws -> ReplicaID? { try store.meta(Key.hub)?.text.flatMap { ReplicaID(hex: $0) } }

    /// The hub's public key, as pinned.
    public func hubKey() throws -> [UInt8]? { try store.meta(Key.hubKey)?.text.flatMap { Hex.decode($0) } }

    /// Pins the hub's key: kept once known, so a hub that later shows another key is not believed.
    public func pinHubKey(_ key: [UInt8]) throws {
        guard try hubKey() == nil else { return }
        try store.setMeta(Key.hubKey, .text(Hex.encode(key)))
    }

    /// Where the replica's pull stands in the hub's arrivals.
    public func checkpoint() throws -> Int64 { try store.meta(Key.checkpoint)?.integer ?? 0 }

    /// How many of this replica's own changes the hub counts as received.
    public func received() throws -> UInt64 { UInt64(try store.meta(Key.received)?.integer ?? 0) }

    func setReceived(_ received: UInt64) throws { try store.setMeta(Key.received, .integer(Int64(received))) }

    /// When the last sync ended (milliseconds), and how.
    public func lastSync() throws -> (at: Int64?, outcome: String?) {
        (try store.meta(Key.lastSync)?.integer, try store.meta(Key.outcome)?.text)
    }

    /// When a sync last reached the hub and finished (milliseconds), or nil if none ever did.
    public func lastContact() throws -> Int64? { try store.meta(Key.contact)?.integer }

    public func recordContact(at milliseconds: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws {
        try store.setMeta(Key.contact, .integer(milliseconds))
    }

    public func record(outcome: String, at milliseconds: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws {
        try store.setMeta(Key.lastSync, .integer(milliseconds))
        try store.setMeta(Key.outcome, .text(outcome))
    }

    /// Changes the hub has refused (with its reasons), oldest first.
    public func refusals() throws -> [ChangeResult] {
        guard let text = try store.meta(Key.refusals)?.text else { return [] }
        return (try? SyncCodec.results(JSONTree.parse(Array(text.utf8)))) ?? []
    }

    func setRefusals(_ list: [ChangeResult]) throws {
        try store.setMeta(Key.refusals, list.isEmpty ? nil : .text(String(decoding: SyncCodec.encode(list), as: UTF8.self)))
    }

    /// Refused changes still to be withdrawn at the hub.
    func withdrawals() throws -> [Dot] {
        guard let text = try store.meta(Key.withdraw)?.text, !text.isEmpty else { return [] }
        return text.split(separator: ",").compactMap { Dot($0) }
    }

    func setWithdrawals(_ dots: [Dot]) throws { try store.setMeta(Key.withdraw, Self.withdrawalsValue(dots)) }

    static func withdrawalsValue(_ dots: [Dot]) -> MetaValue? {
        dots.isEmpty ? nil : .text(dots.map(\.description).joined(separator: ","))
    }

    func registeredKey() throws -> String? { try store.meta(Key.registeredKey)?.text }

    /// What a page of the hub's reply leaves behind, written in the same transaction as its changes.
    static func afterPage(hub: ReplicaID, checkpoint: Int64, received: UInt64, withdrawals: [Dot], registeredKey: String?) -> [(String, MetaValue?)] {
        var meta: [(String, MetaValue?)] = [
            (Key.hub, .text(hub.hex)),
            (Key.checkpoint, .integer(checkpoint)),
            (Key.received, .integer(Int64(received))),
            (Key.withdraw, withdrawalsValue(withdrawals)),
        ]
        if let registeredKey { meta.append((Key.registeredKey, .text(registeredKey))) }
        return meta
    }

    func instance() throws -> String? { try store.meta(Key.instance)?.text }
    func setInstance(_ name: String) throws { try store.setMeta(Key.instance, .text(name)) }
    func pendingInstance() throws -> String? { try store.meta(Key.pendingInstance)?.text }
    func setPendingInstance(_ name: String?) throws { try store.setMeta(Key.pendingInstance, name.map { .text($0) }) }
}
