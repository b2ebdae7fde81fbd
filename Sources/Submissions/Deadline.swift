import Replication

/// How a record's submission stands against its call's deadline.
public enum DeadlineStanding: Hashable, Sendable {
    /// Not submitted.
    case notSubmitted
    /// Submitted before the deadline, and (as far as known) received in time.
    case onTime
    /// Submitted offline before the deadline and received after it: accepted, and said so.
    case offlineBeforeDeadline(receivedAt: Int64)
    /// Submitted after the deadline (the hub refuses these; a replica may still hold one).
    case late

    /// The edits a hub makes on receiving `submission` (a `_submission` change) at `receivedAt`:
    /// `_received`, always; and `_contact` (the replica's last contact with nothing left to push)
    /// when the submission claims a time before the deadline and arrives after it.
    public static func receipt(of submission: Change, call: CallTemplate, receivedAt: Int64, lastContact: Int64? = nil) -> [Edit] {
        guard submission.field == WorkflowField.submission else { return [] }
        var edits: [Edit] = [.set(collection: Workspace.Collection.submissions, record: submission.record, field: WorkflowField.received, value: .int(receivedAt))]
        let end = call.deadlineEnd
        if let lastContact, submission.timestamp.wall <= end, receivedAt > end {
            edits.append(.set(collection: Workspace.Collection.submissions, record: submission.record, field: WorkflowField.contact, value: .int(lastContact)))
        }
        return edits
    }

    public static func assess(_ submission: Submission, call: CallTemplate) -> DeadlineStanding {
        guard let submitted = submission.workflow.submission?.at else { return .notSubmitted }
        let end = call.deadlineEnd
        if submitted.wall > end { return .late }
        if case .int(let received)? = submission.value(WorkflowField.received), received > end {
            return .offlineBeforeDeadline(receivedAt: received)
        }
        return .onTime
    }
}

extension Workspace {
    /// How the record stands against its call's deadline.
    public func deadlineStanding(_ id: String) throws -> DeadlineStanding {
        let submission = try submission(id)
        return DeadlineStanding.assess(submission, call: try call(submission.call))
    }

    /// Records that a submission made before the deadline arrived after it, at `receivedAt`, so
    /// every replica shows it. Does nothing for a submission that arrived in time.
    public func acknowledgeReceipt(_ id: String, receivedAt: Int64) throws {
        try authorizeReceipt()
        let submission = try submission(id)
        guard DeadlineStanding.assess(submission, call: try call(submission.call)) == .onTime,
              let dot = submission.record.fields[WorkflowField.submission]?.versions.first?.dot,
              let change = try store.change(dot),
              try call(submission.call).deadlineEnd < receivedAt else { return }
        try store.commit(DeadlineStanding.receipt(of: change, call: try call(submission.call), receivedAt: receivedAt), author: author)
    }
}

extension CallTemplate {
    /// How long after the deadline a submission claiming to be made offline before it is still
    /// taken: `offlineGraceHours`, or three days when the template does not say.
    public var offlineGraceEnd: Int64 {
        let end = deadlineEnd
        return end == .max ? .max : end + Int64(offlineGraceHours ?? 72) * 3_600_000
    }

    /// The deadline's last millisecond: the end of its day in the call's time zone (the one place
    /// it is computed; forever when the date is unreadable, which a template's check refuses).
    public var deadlineEnd: Int64 {
        SimpleDate(deadline)?.endOfDayMilliseconds(utcOffsetHours: utcOffsetHours) ?? .max
    }
}
