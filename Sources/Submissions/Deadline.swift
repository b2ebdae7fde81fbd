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

    /// The edit a hub makes on receiving `submission` (a `_submission` change) at `receivedAt`:
    /// `_received` when it was made before the deadline and arrives after it; `nil` otherwise.
    public static func receipt(of submission: Change, call: CallTemplate, receivedAt: Int64) -> Edit? {
        let end = call.deadlineEnd
        guard submission.field == WorkflowField.submission, submission.timestamp.wall <= end, receivedAt > end else { return nil }
        return .set(collection: Workspace.Collection.submissions, record: submission.record, field: WorkflowField.received, value: .int(receivedAt))
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

    /// Records that a submission arrived at `receivedAt`: the hub does this for submissions made
    /// before the deadline that reach it after, so every replica shows it. Does nothing for a
    /// submission that arrived in time.
    public func acknowledgeReceipt(_ id: String, receivedAt: Int64) throws {
        try authorizeReceipt()
        let submission = try submission(id)
        guard DeadlineStanding.assess(submission, call: try call(submission.call)) == .onTime,
              let dot = submission.record.fields[WorkflowField.submission]?.versions.first?.dot,
              let change = try store.change(dot),
              let receipt = DeadlineStanding.receipt(of: change, call: try call(submission.call), receivedAt: receivedAt) else { return }
        try store.commit([receipt], author: author)
    }
}

extension CallTemplate {
    /// The deadline's last millisecond: the end of its day in the call's time zone (the one place
    /// it is computed; forever when the date is unreadable, which a template's check refuses).
    public var deadlineEnd: Int64 {
        SimpleDate(deadline)?.endOfDayMilliseconds(utcOffsetHours: utcOffsetHours) ?? .max
    }
}
