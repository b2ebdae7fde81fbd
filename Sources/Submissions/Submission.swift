import JSON
import SyncProtocol
import Crypto
import Foundation
import Replication

/// A form record as the domain sees it: which call, form and unit, its answers, its conflicts
/// and its workflow.
public struct Submission: Hashable, Sendable {
    public let record: RecordState
    public let call: String
    public let form: String
    /// The owning organisation's code.
    public let unit: String
    /// The template version the record was made under.
    public let templateVersion: Int
    public let workflow: WorkflowState

    /// SHA-256 (first 16 hex digits) of the answers: what a review names as the revision it saw.
    /// Computed when asked.
    public var revision: String { Submission.revision(of: record) }

    public init?(_ record: RecordState) {
        guard let call = record[WorkflowField.call]?.text, let form = record[WorkflowField.form]?.text,
              let unit = record[WorkflowField.unit]?.text else { return nil }
        self.record = record
        self.call = call
        self.form = form
        self.unit = unit
        if case .int(let v)? = record[WorkflowField.template] { templateVersion = Int(v) } else { templateVersion = 0 }
        workflow = WorkflowState(record: record)
    }

    public var id: String { record.id }
    /// The units applying jointly with the owner (联合申报).
    public var partners: [String] { JointRecord.partners(record[WorkflowField.partners]) }
    public var status: Status { workflow.status }

    /// The shown value of a single-value field.
    public func value(_ key: String) -> FieldValue? { record[key] }

    /// The elements of a set field.
    public func elements(_ key: String) -> [FieldValue] { record.sets[key] ?? [] }

    /// Content fields with concurrent values waiting for a person.
    public var conflictingFields: [String] { record.conflictingFields.filter { !$0.hasPrefix("_") } }

    /// The revision of a record's answers: a hash over every content field and attached file, in
    /// a canonical order.
    static func revision(of record: RecordState) -> String {
        var canonical: [String] = []
        for key in record.fields.keys.sorted(by: utf8Order) where !key.hasPrefix("_") || key.hasPrefix(ReplicaStore.fileFieldPrefix) {
            guard let value = record.fields[key]?.value, !(key.hasPrefix("_") && value == .null) else { continue }
            canonical.append("\(key)=\(json(value))")
        }
        for key in record.sets.keys.sorted(by: utf8Order) where !key.hasPrefix("_") {
            canonical.append("\(key)=[\((record.sets[key] ?? []).map(json).joined(separator: ","))]")
        }
        return String(SHA256.hex(canonical.joined(separator: "\n")).prefix(16))
    }

    private static func json(_ value: FieldValue) -> String { String(decoding: ChangeEncoding.json(value), as: UTF8.self) }
}

func utf8Order(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
