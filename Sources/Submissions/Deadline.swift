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

    /// The deadline's last millisecond for `call`.
    public static func end(of call: CallTemplate) -> Int64 {
        SimpleDate(call.deadline)?.endOfDayMilliseconds(utcOffsetHours: call.utcOffsetHours) ?? .max
    }

    public static func assess(_ submission: Submission, call: CallTemplate) -> DeadlineStanding {
        guard let submitted = submission.workflow.submission?.at else { return .notSubmitted }
        let end = end(of: call)
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
        let call = try call(submission.call)
        guard DeadlineStanding.assess(submission, call: call) == .onTime, receivedAt > DeadlineStanding.end(of: call) else { return }
        try store.commit([.set(collection: Collection.submissions, record: id, field: WorkflowField.received, value: .int(receivedAt))], author: author)
    }
}
