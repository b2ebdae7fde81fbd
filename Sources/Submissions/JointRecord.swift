import Messages
import Foundation
import JSON
import Replication

/// 联合申报: a scenario provider and a solution provider apply together (Anhui). One unit owns the
/// record — it submits it, deletes it and names its partners — and each partner sees it and edits
/// its answers while it is in the owner's hands. The partners are a register of the record,
/// `_partners`, a JSON array of unit codes, sorted.
public enum JointRecord {
    /// The kinds of unit that may apply jointly: applicants, never a commission.
    static let kinds: Set<Organization.Kind> = [.hospital, .institution, .enterprise]

    /// The partners a stored `_partners` value names ([] when none or unreadable).
    public static func partners(_ value: FieldValue?) -> [String] {
        guard let text = value?.text, let tree = try? JSONTree.parse(Array(text.utf8)), case .array(let items) = tree else { return [] }
        return items.compactMap { if case .string(let code) = $0 { return code } else { return nil } }
    }

    /// Whether a stored value is a JSON array of unit codes (the hub refuses anything else).
    static func isWellFormed(_ value: FieldValue?) -> Bool {
        guard let text = value?.text, let tree = try? JSONTree.parse(Array(text.utf8)), case .array(let items) = tree else { return false }
        return items.allSatisfy { if case .string(let code) = $0 { return !code.isEmpty } else { return false } }
    }

    /// The stored form: sorted, each once, so equal lists are equal bytes.
    public static func stored(_ codes: [String]) -> FieldValue {
        let sorted = Array(Set(codes)).sorted()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .text(String(decoding: (try? encoder.encode(sorted)) ?? Data("[]".utf8), as: UTF8.self))
    }

    /// Why `partners` may not apply jointly with `owner`, or nil.
    public static func problem(_ partners: [String], owner: String, directory: Directory) -> String? {
        for code in partners {
            guard let unit = directory[code] else { return Message.partnerUnknown.text(code) }
            if code == owner { return Message.partnerIsOwner.text(unit.name) }
            guard kinds.contains(unit.kind) else {
                return Message.partnerKind.text(unit.name, unit.kind.chinese)
            }
        }
        return partners.count > 5 ? Message.partnersAtMost.text(5) : nil
    }
}
