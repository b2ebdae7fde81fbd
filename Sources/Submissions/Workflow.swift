import Messages
import JSON
import Foundation
import Replication

/// Where a record stands. Derived from the record's replicated fields, never stored, so that
/// replicas holding the same changes agree on it.
public enum Status: String, Codable, Sendable, CaseIterable, Comparable {
    case draft, submitted, returned, recommended, selected, notSelected

    /// How far along the workflow: draft < submitted < returned/recommended < selected/notSelected.
    var rank: Int {
        switch self {
        case .draft: 0
        case .submitted: 1
        case .returned: 2
        case .recommended: 3
        case .selected, .notSelected: 4
        }
    }

    public static func < (a: Status, b: Status) -> Bool { (a.rank, a.rawValue) < (b.rank, b.rawValue) }

    public var chinese: String {
        switch self {
        case .draft: "草稿"
        case .submitted: "已提交"
        case .returned: "已退回"
        case .recommended: "已推荐"
        case .selected: "已入库"
        case .notSelected: "未入选"
        }
    }
}

/// The fields each party writes. Each is its own register, so a hospital submitting, a city
/// reviewing and the province deciding never write the same field and never conflict with each other.
public enum WorkflowField {
    public static let call = "_call"
    public static let form = "_form"
    public static let unit = "_unit"
    public static let template = "_template"
    /// Written by the owner on submit: the revision submitted.
    public static let submission = "_submission"
    /// Written by the city: recommend or return, with 审核意见 or 理由, and the revision seen.
    public static let review = "_review"
    /// Written by the province: select or reject.
    public static let decision = "_decision"
    /// Written by the province once a selected project is finished (完结): its leader may lead
    /// another (牵头人项目未完结前不得再次申报).
    public static let concluded = "_concluded"
    /// Written by the owner: the units applying jointly with it (联合申报), ``JointRecord``.
    public static let partners = "_partners"
    /// Written by the hub with every submission it accepts: when it received it (ms since the
    /// epoch, the hub's clock), beside the time the submitting replica claims.
    public static let received = "_received"
    /// Written by the hub with a submission that claims to be made before the deadline and arrives
    /// after it: the submitting replica's last contact with the hub at which it had nothing left
    /// to push (ms), the earliest moment its claim can be vouched for.
    public static let contact = "_contact"

    public static let identity: Set<String> = [call, form, unit, template]
    public static let all: Set<String> = identity.union([submission, review, decision, concluded, partners, received, contact])
}

/// One party's workflow entry as stored (JSON text in its field).
public struct WorkflowEntry: Codable, Hashable, Sendable {
    public enum Action: String, Codable, Sendable {
        case submit, recommend, `return`, select, reject, conclude
    }

    public var action: Action
    /// The content revision the writer saw.
    public var revision: String
    /// 审核意见 (recommend), 理由 (return), or the province's note.
    public var text: String?
    /// The organisation that wrote it.
    public var by: String

    public init(action: Action, revision: String, text: String? = nil, by: String) {
        self.action = action
        self.revision = revision
        self.text = text
        self.by = by
    }

    /// Stored form: compact JSON with sorted keys, so equal entries are equal bytes.
    public var stored: FieldValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .text(String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self))
    }

    public init?(_ value: FieldValue?) {
        guard let text = value?.text, let tree = try? JSONTree.parse(Array(text.utf8)) else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let s)? = tree[key] { return s }
            return nil
        }
        guard case .object = tree, let action = string("action").flatMap(Action.init(rawValue:)),
              let revision = string("revision"), let by = string("by") else { return nil }
        if let text = tree["text"], text != .null, string("text") == nil { return nil }
        // Escaped inside the JSON, a control character would slip past the store's TextRule check.
        if [string("text"), by, revision].contains(where: { $0.map { TextRule.violation(in: $0) != nil } ?? false }) { return nil }
        self.init(action: action, revision: revision, text: string("text"), by: by)
    }
}

/// A record's workflow, read from its fields.
public struct WorkflowState: Hashable, Sendable {
    public let status: Status
    /// The current submission, with when it was made.
    public let submission: (entry: WorkflowEntry, at: Timestamp)?
    public let review: (entry: WorkflowEntry, at: Timestamp)?
    public let decision: (entry: WorkflowEntry, at: Timestamp)?
    /// The province's 完结, with when it was written.
    public let concluded: (entry: WorkflowEntry, at: Timestamp)?
    private let record: RecordState

    /// A selected project the province marked 完结 (a 完结 of a record no longer selected counts for nothing).
    public var isConcluded: Bool { status == .selected && concluded != nil }

    public static func == (a: WorkflowState, b: WorkflowState) -> Bool {
        a.status == b.status && a.record == b.record
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(record)
    }

    /// Derives the state: the province's decision stands over a review; a review counts when made
    /// after the current submission; a resubmission after a return is submitted again.
    init(record: RecordState) {
        func entry(_ field: String) -> (entry: WorkflowEntry, at: Timestamp)? {
            guard let register = record.fields[field], let e = WorkflowEntry(register.value) else { return nil }
            return (e, register.versions[0].timestamp)
        }
        let submission = entry(WorkflowField.submission)
        let review = entry(WorkflowField.review)
        let decision = entry(WorkflowField.decision)
        if let decision {
            status = decision.entry.action == .select ? .selected : .notSelected
        } else if let review, let submission, review.at > submission.at {
            status = review.entry.action == .recommend ? .recommended : .returned
        } else if submission != nil {
            status = .submitted
        } else {
            status = .draft
        }
        self.submission = submission
        self.review = review
        self.decision = decision
        self.concluded = entry(WorkflowField.concluded)
        self.record = record
    }

    /// Things a reviewer should know, in words. Computed when asked: tables do not need them.
    public var notes: [String] {
        var notes: [String] = []
        if decision != nil, let review, review.entry.action == .return {
            notes.append(Message.noteReturnedWhileDecided.text(review.entry.by))
        }
        let revision = Submission.revision(of: record)
        if let submission, submission.entry.revision != revision {
            notes.append(Message.noteEditedAfterSubmit.text())
        }
        if let review, review.entry.action == .recommend, review.entry.revision != revision {
            notes.append(Message.noteEditedAfterRecommend.text(review.entry.by, review.entry.revision, revision))
        }
        for field in [WorkflowField.submission, WorkflowField.review, WorkflowField.decision]
        where record.fields[field]?.isConflict == true {
            notes.append(Message.noteConcurrentEntries.text(field.dropFirst()))
        }
        return notes
    }
}
