import Replication

/// One record of a bulk step: where it stood, and why it may not take the step (nil: it may).
public struct StepOutcome: Codable, Hashable, Sendable {
    public let id: String
    /// The record's unit, or "" when the record is not on this replica.
    public let unit: String
    /// Its status before the step, or nil when the record is not on this replica.
    public let status: Status?
    public let code: String?
    public let reason: String?

    public var allowed: Bool { code == nil }
}

extension Workspace {
    /// The statuses each step moves a record on from.
    static func startingStatuses(_ step: WorkflowEntry.Action) -> Set<Status> {
        switch step {
        case .recommend, .return: [.submitted]
        case .select, .reject: [.recommended, .submitted]
        case .submit: [.draft, .returned]
        case .conclude: [.selected]
        }
    }

    /// The records `step` applies to on this replica (`--all`): those of `call` (and `form`) in a
    /// status the step moves on from, which this unit may take it on. Content rules are not
    /// looked at here: a record that breaks one is listed, and refused by name, by ``take``.
    public func candidates(for step: WorkflowEntry.Action, call: String?, form: String?) throws -> [String] {
        let from = Self.startingStatuses(step)
        let directory = try directory()
        let action: Action = switch step {
        case .recommend: .recommend
        case .return: .returnForRevision
        case .select: .select
        case .reject: .reject
        case .submit: .submit
        case .conclude: .conclude
        }
        return try submissions(call: call, form: form).filter { submission in
            guard from.contains(submission.status), let (template, _) = try? self.template(of: submission) else { return false }
            let target = try self.target(submission, call: template, for: action)
            if case .allowed = Permission.check(actor, action, on: target, directory: directory) { return true }
            return false
        }.map(\.id)
    }

    /// Takes `step` on every record of `ids` at once: each is checked with every rule a single
    /// step checks, and they are written in one commit only when all of them may take it — a
    /// refused record leaves every other record as it was. With `dryRun`, nothing is written.
    /// Returns one outcome per distinct id, in the order given, and whether anything was written.
    public func take(_ step: WorkflowEntry.Action, ids: [String], text: String?, dryRun: Bool) throws -> (outcomes: [StepOutcome], written: Bool) {
        var seen = Set<String>()
        var edits: [Edit] = []
        var outcomes: [StepOutcome] = []
        for id in ids where seen.insert(id).inserted {
            let current = try? submission(id)
            do {
                edits.append(try plan(step, id, text: text))
                outcomes.append(StepOutcome(id: id, unit: current?.unit ?? "", status: current?.status, code: nil, reason: nil))
            } catch let error as DomainError {
                let code: String = switch error {
                case .refused(let code, _): code
                case .invalid: "invalid"
                case .noSuchRecord: "no_such_record"
                default: "refused"
                }
                outcomes.append(StepOutcome(id: id, unit: current?.unit ?? "", status: current?.status, code: code, reason: error.description))
            }
        }
        guard !dryRun, !edits.isEmpty, outcomes.allSatisfy(\.allowed) else { return (outcomes, false) }
        try store.commit(edits, author: author)
        return (outcomes, true)
    }
}
