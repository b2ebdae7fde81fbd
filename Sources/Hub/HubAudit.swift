import Messages
import Crypto
import Foundation

/// The hub's own audit trail: what its administrators did and what replicas did to the hub beyond
/// syncing — enrolments, key registrations, revocations, bundle imports, publications, changes of
/// organisations, stamps — each with who and when. Append-only: the hub only ever adds an entry,
/// and each entry carries the hash of the one before it, so an entry altered, removed or inserted
/// in the file afterwards breaks the chain at that point (``Hub/audit(since:)`` says where).
public struct AuditEntry: Sendable {
    /// What happened.
    public enum Event: String, Sendable, CaseIterable {
        case enrol, revoke, key, bundle, publish, organization, stamp
        /// The hub began signing chains and vouched, once, for the history it held before.
        case chains
        /// An attached file arrived whole and matched its hash.
        case file
    }

    /// Position in the trail, from 1.
    public let seq: Int64
    /// The hub's clock when it happened (milliseconds).
    public let at: Int64
    /// Who: the operator at the hub's console, or the replica (`<hex>` and its enrolment's label).
    public let by: String
    public let event: Event
    /// What it concerned: a replica id, a call, an organisation's code, a table.
    public let subject: String
    /// The rest, as `key=value` pairs in a fixed order.
    public let detail: [(String, String)]
    /// The hash of the entry before (64 zeros for the first).
    public let previous: String
    /// SHA-256 over this entry's fields and ``previous`` (``digest``).
    public let hash: String
    /// The hub's Ed25519 signature over ``hash`` (its UTF-8 hex), made with a key kept outside
    /// the database: someone who edits the file can recompute hashes, not signatures.
    public let signature: [UInt8]?

    static let origin = String(repeating: "0", count: 64)

    /// The bytes hashed: netstrings of `tianbao-audit-1`, seq, at, by, event, subject, each detail
    /// key and value, and the previous hash. Netstrings need no escaping, so no field can pose as another.
    static func digest(seq: Int64, at: Int64, by: String, event: Event, subject: String, detail: [(String, String)], previous: String) -> String {
        var bytes: [UInt8] = []
        func put(_ text: String) {
            bytes += Array(String(text.utf8.count).utf8) + [UInt8(ascii: ":")] + Array(text.utf8) + [UInt8(ascii: ",")]
        }
        put("tianbao-audit-1"); put(String(seq)); put(String(at)); put(by); put(event.rawValue); put(subject)
        for (key, value) in detail { put(key); put(value) }
        put(previous)
        return SHA256.hex(bytes)
    }

    /// The detail as one text, `key=value` pairs joined by a unit separator (how it is stored).
    static func text(_ detail: [(String, String)]) -> String {
        detail.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{1F}")
    }

    static func detail(_ text: String) -> [(String, String)] {
        text.isEmpty ? [] : text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Why the stored entry does not hold, if it does not: its hash, its link to the one before, or
    /// (with the hub's public key) its signature.
    func anomaly(after earlier: AuditEntry?, publicKey: [UInt8]?) -> String? {
        if let earlier, seq != earlier.seq + 1 {
            return Message.auditCut.text(earlier.seq + 1, seq - 1)
        }
        if previous != (earlier?.hash ?? Self.origin) {
            return Message.auditNotFollow.text(seq, earlier.map { String($0.seq) } ?? "-")
        }
        if hash != Self.digest(seq: seq, at: at, by: by, event: event, subject: subject, detail: detail, previous: previous) {
            return Message.auditAltered.text(seq, event.rawValue, subject)
        }
        if let publicKey {
            if let signature {
                if !Ed25519.verify(signature, of: Array(hash.utf8), publicKey: publicKey) {
                    return Message.auditNotSigned.text(seq, event.rawValue, subject)
                }
            } else if earlier?.signature != nil {
                return Message.auditUnsigned.text(seq, event.rawValue, subject)
            }
        }
        return nil
    }
}
