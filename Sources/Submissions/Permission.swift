import Messages
import Replication

/// What a change does, in the workflow's words.
public enum Action: String, Hashable, Sendable, CaseIterable {
    case create, edit, delete, submit, recommend, returnForRevision, select, reject, conclude
    /// The owner names the units applying jointly with it (联合申报).
    case share
    case publishCall, manageOrganizations
    /// The hub notes when a late-arriving submission was received.
    case acknowledgeReceipt

    /// Reads a change as an action, so the hub can judge raw changes with the same rules.
    public static func of(_ change: Change, existing: Submission?) -> Action {
        switch change.collection {
        case Workspace.Collection.calls: return .publishCall
        case Workspace.Collection.orgs: return .manageOrganizations
        default: break
        }
        if change.op == .delete || change.op == .restore { return .delete }
        switch change.field {
        case WorkflowField.submission: return .submit
        case WorkflowField.review:
            return WorkflowEntry(change.value)?.action == .return ? .returnForRevision : .recommend
        case WorkflowField.concluded: return .conclude
        case WorkflowField.partners: return .share
        case WorkflowField.decision:
            return WorkflowEntry(change.value)?.action == .reject ? .reject : .select
        case WorkflowField.received, WorkflowField.contact:
            return .acknowledgeReceipt
        case let field where WorkflowField.identity.contains(field):
            return existing == nil ? .create : .edit
        default:
            return .edit
        }
    }
}

/// The answer of the permission check.
public enum Decision: Hashable, Sendable {
    case allowed
    /// Refused, with a machine-readable code and a reason a person can act on.
    case refused(code: String, reason: String)

    public var isAllowed: Bool { self == .allowed }
}

/// Who may do what. One pure function: the CLI asks it before writing, the hub on every change
/// it accepts.
public enum Permission {
    /// What the check knows about the record acted on.
    public struct Target: Sendable {
        /// The owning organisation (for ``Action/manageOrganizations``: the one being saved).
        public var unit: Organization?
        /// The record's status before the action (`nil` for a new record).
        public var status: Status?
        /// Whether a city has ever recommended the record (a later return does not undo that the
        /// province may have decided on it concurrently).
        public var everRecommended: Bool
        /// Whether the record was ever submitted (a submission later undone leaves it its city's business).
        public var everSubmitted: Bool
        /// When the change was made (its clock stamp, ms since the epoch).
        public var madeAt: Int64
        /// The call the record answers.
        public var call: CallTemplate?
        /// The units applying jointly with the owner: they see the record and edit its answers.
        public var partners: [String] = []

        public init(unit: Organization?, status: Status?, everRecommended: Bool = false, everSubmitted: Bool = false,
                    madeAt: Int64, call: CallTemplate?) {
            self.everSubmitted = everSubmitted
            self.unit = unit
            self.status = status
            self.everRecommended = everRecommended
            self.madeAt = madeAt
            self.call = call
        }
    }

    /// Decides whether `actor` may perform `action` on `target`.
    public static func check(_ actor: Actor, _ action: Action, on target: Target, directory: Directory) -> Decision {
        guard let actorOrg = directory[actor.org] else {
            // Bootstrap: a new province registers itself first, then everyone else.
            if action == .manageOrganizations, actor.role == .province, let unit = target.unit,
               unit.code == actor.org, unit.kind == .province {
                return .allowed
            }
            return .refused(code: "unknown_actor", reason: Message.permUnknownActor.text(actor.org))
        }
        guard Self.role(actor.role, fits: actorOrg.kind) else {
            return .refused(code: "role_mismatch", reason: Message.permRoleMismatch.text(actorOrg.name, Language.current == .chinese ? actorOrg.kind.chinese : actorOrg.kind.rawValue, Self.said(actor.role)))
        }
        switch action {
        case .publishCall, .manageOrganizations:
            return actor.role == .province ? .allowed
                : .refused(code: "province_only", reason: Message.permProvincePublishes.text())
        case .acknowledgeReceipt:
            return actor.role == .province ? .allowed
                : .refused(code: "province_only", reason: Message.permProvinceReceipt.text())
        default: break
        }
        guard let unit = target.unit else {
            return .refused(code: "unknown_unit", reason: Message.permUnknownUnit.text())
        }
        let own = unit.code == actor.org
        switch action {
        case .create, .edit:
            guard own || (action == .edit && target.partners.contains(actor.org)) else {
                return .refused(code: "not_owner", reason: Message.permNotOwnerWrite.text(actorOrg.name, Language.current == .chinese ? (action == .create ? "新建" : "修改") : action.rawValue, unit.name))
            }
            // What was submitted stays what was submitted: the city reviews, and the tables list,
            // the revision submitted. The answers open again only when the city returns the record.
            if action == .edit, let status = target.status, status != .draft && status != .returned {
                return .refused(code: "frozen_submission", reason: Message.permFrozen.text(status.chinese, status.rawValue, directory[unit.reportingUnit]?.name ?? unit.reportingUnit))
            }
            return .allowed
        case .delete:
            guard own else {
                return .refused(code: "not_owner", reason: Message.permNotOwnerDelete.text(actorOrg.name, unit.name))
            }
            // Once submitted, a record is also its city's and the province's business: its unit
            // may delete (or restore) it only while it is back in its hands.
            let inHand = target.status.map { $0 == .returned || ($0 == .draft && !target.everSubmitted) } ?? true
            if let status = target.status, !inHand {
                return .refused(code: "submitted_record", reason: Message.permSubmittedRecord.text(status.chinese, status.rawValue, unit.name, directory[unit.reportingUnit]?.name ?? unit.reportingUnit))
            }
            return .allowed
        case .submit:
            guard own else { return .refused(code: "not_owner", reason: Message.permOnlyOwnerSubmits.text(unit.name)) }
            if let call = target.call, target.madeAt > call.deadlineEnd {
                return .refused(code: "past_deadline", reason: Message.permPastDeadline.text(call.deadline, call.documentNumber))
            }
            return .allowed
        case .recommend, .returnForRevision:
            guard actor.role == .city else {
                return .refused(code: "city_only", reason: Message.permCityOnly.text(actorOrg.name, Self.said(actor.role)))
            }
            guard unit.reportingUnit == actor.org else {
                return .refused(code: "other_city", reason: Message.permOtherCity.text(unit.name, directory[unit.reportingUnit]?.name ?? unit.reportingUnit, actorOrg.name))
            }
            guard let status = target.status, status != .draft else {
                return .refused(code: "not_submitted", reason: Message.permNotSubmitted.text(unit.name))
            }
            return .allowed
        case .select, .reject:
            guard actor.role == .province else {
                return .refused(code: "province_only", reason: Message.permProvinceSelects.text(actorOrg.name, Self.said(actor.role)))
            }
            guard let status = target.status, status != .draft else {
                return .refused(code: "not_submitted", reason: Message.permNotSubmitted.text(unit.name))
            }
            let direct = unit.reportingUnit == unit.code
            guard direct || target.everRecommended || status == .recommended else {
                return .refused(code: "not_recommended", reason: Message.permNotRecommended.text(unit.name, directory[unit.reportingUnit]?.name ?? unit.reportingUnit))
            }
            return .allowed
        case .share:
            guard own else {
                return .refused(code: "not_owner", reason: Message.permOnlyOwnerShares.text(unit.name))
            }
            if let status = target.status, status != .draft && status != .returned {
                return .refused(code: "frozen_submission", reason: Message.permPartnersFrozen.text(status.chinese, status.rawValue))
            }
            return .allowed
        case .conclude:
            guard actor.role == .province else {
                return .refused(code: "province_only", reason: Message.permProvinceConcludes.text(actorOrg.name, Self.said(actor.role)))
            }
            guard target.status == .selected else {
                return .refused(code: "not_selected", reason: Message.permNotSelected.text(target.status?.chinese ?? "—", target.status?.rawValue ?? "—"))
            }
            return .allowed
        case .publishCall, .manageOrganizations, .acknowledgeReceipt:
            return .allowed  // decided above
        }
    }

    /// A role as a message says it: its name in English, what the notices call it in Chinese.
    static func said(_ role: Role) -> String {
        guard Language.current == .chinese else { return role.rawValue }
        return switch role {
        case .province: "省卫健委"
        case .city: "设区市卫健委"
        case .hospital: "医疗卫生机构"
        case .enterprise: "企业"
        }
    }

    /// Whether an organisation of `kind` may act in `role`.
    public static func role(_ role: Role, fits kind: Organization.Kind) -> Bool {
        switch role {
        case .province: kind == .province
        case .city: kind == .city
        case .hospital: kind == .hospital || kind == .institution
        case .enterprise: kind == .enterprise
        }
    }
}
