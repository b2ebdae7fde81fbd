import Replication
/// For a call: every expected unit, its counts against its quota, its furthest workflow state,
/// whether it is late, and the time left — the provincial dashboard's data.
public struct Completeness: Hashable, Sendable, Codable {
    public enum Stage: String, Codable, Sendable, Comparable {
        case none, drafting, submitted, recommended, selected
        var rank: Int { [.none, .drafting, .submitted, .recommended, .selected].firstIndex(of: self)! }
        public static func < (a: Stage, b: Stage) -> Bool { a.rank < b.rank }

        init(_ status: Status) {
            switch status {
            case .draft, .returned: self = .drafting
            case .submitted: self = .submitted
            case .recommended, .notSelected: self = .recommended
            case .selected: self = .selected
            }
        }
    }

    public struct FormCount: Hashable, Sendable, Codable {
        public let form: String
        public let attachment: String
        /// Records in each status.
        public let drafting: Int, submitted: Int, returned: Int, recommended: Int, selected: Int, notSelected: Int
        /// Records that reached the unit's tables (and so count toward the quota).
        public let reported: Int
        public let quota: Int
        public var met: Bool { reported >= quota }
    }

    public struct Unit: Hashable, Sendable, Codable {
        public let code: String
        public let name: String
        public let forms: [FormCount]
        public let furthest: Stage
        /// Its quotas met; for a call without quotas, something reported.
        public let quotaMet: Bool
        /// The deadline has passed and the unit has not met its quota (or, with no quota, reported nothing).
        public let late: Bool
        /// Its submissions claimed as made offline before the deadline and received after it.
        public let offline: [Offline]
        /// The hospitals and institutions that report through it, each with how far it got.
        public let members: [Member]
    }

    /// A hospital or institution reporting through a city: what it filed, however far it got.
    public struct Member: Hashable, Sendable, Codable {
        public let code: String
        public let name: String
        /// Its records by form (附件 label), in any status but draft.
        public let submitted: [String: Int]
        /// Its drafts (and returned records), not yet with its city.
        public let drafting: Int
        public let furthest: Stage
    }

    /// A submission claimed as made offline before the deadline: the claim beside what the hub
    /// vouches for (milliseconds).
    public struct Offline: Hashable, Sendable, Codable {
        public let record: String
        /// The submission's own stamp: the replica's claim.
        public let claimed: Int64
        /// The replica's last contact with the hub with nothing left to push, before it.
        public let lastContact: Int64?
        /// When the hub received it.
        public let received: Int64
    }

    public let call: String
    public let deadline: String
    /// Milliseconds until the deadline's end (negative once it has passed).
    public let millisecondsLeft: Int64
    /// The end of the deadline's last day (ms since the epoch), and the call's offset from UTC.
    public var deadlineEnd: Int64 = 0
    public var utcOffsetHours: Int = 8
    public let units: [Unit]

    /// The same report for the units `keep` keeps (a city commission's view of its own).
    public func limited(to keep: (Unit) -> Bool) -> Completeness {
        Completeness(call: call, deadline: deadline, millisecondsLeft: millisecondsLeft, deadlineEnd: deadlineEnd,
                     utcOffsetHours: utcOffsetHours, units: units.filter(keep))
    }
}

extension Workspace {
    /// The completeness report of `call` as this replica sees it.
    public func completeness(call callID: String) throws -> Completeness {
        let call = try call(callID)
        let directory = try directory()
        let expected = directory.sorted.filter { org in
            (call.expectedUnits.cities && org.kind == .city) || (call.expectedUnits.provincial && org.provincial && org.kind != .province)
        }
        let records = try submissions(call: call.id)
        let passed = now > call.deadlineEnd
        let quotaForms = Set(call.expectedUnits.quotas.map(\.form))
        let counted = call.forms.filter { quotaForms.isEmpty || quotaForms.contains($0.id) }
        let byUnit = Dictionary(grouping: records, by: \.unit)

        let units: [Completeness.Unit] = expected.map { unit in
            let mine = records.filter { directory[$0.unit]?.reportingUnit == unit.code }
            let forms = counted.map { form -> Completeness.FormCount in
                let of = mine.filter { $0.form == form.id }
                func count(_ s: Status) -> Int { of.filter { $0.status == s }.count }
                return Completeness.FormCount(
                    form: form.id, attachment: form.attachment,
                    drafting: count(.draft), submitted: count(.submitted), returned: count(.returned),
                    recommended: count(.recommended), selected: count(.selected), notSelected: count(.notSelected),
                    reported: of.filter { Self.reachesTables($0, owner: directory[$0.unit]) }.count,
                    quota: call.expectedUnits.quotas.first { $0.form == form.id }?.atLeast ?? 0)
            }
            let furthest = mine.map { Completeness.Stage($0.status) }.max() ?? .none
            let reportedAny = forms.contains { $0.reported > 0 }
            let met = quotaForms.isEmpty ? reportedAny : forms.allSatisfy(\.met)
            let offline: [Completeness.Offline] = mine.compactMap { record in
                guard case .offlineBeforeDeadline(let received) = DeadlineStanding.assess(record, call: call),
                      let claimed = record.workflow.submission?.at.wall else { return nil }
                var contact: Int64?
                if case FieldValue.int(let ms)? = record.value(WorkflowField.contact) { contact = ms }
                return Completeness.Offline(record: record.id, claimed: claimed, lastContact: contact, received: received)
            }
            let members = directory.sorted.filter { $0.reportingUnit == unit.code && $0.code != unit.code }.map { member in
                let theirs = byUnit[member.code] ?? []
                let filed = theirs.filter { $0.status != .draft && $0.status != .returned }
                return Completeness.Member(code: member.code, name: member.name,
                                           submitted: Dictionary(grouping: filed) { s in call.form(s.form)?.attachment ?? s.form }.mapValues(\.count),
                                           drafting: theirs.count - filed.count, furthest: theirs.map { Completeness.Stage($0.status) }.max() ?? .none)
            }
            return Completeness.Unit(code: unit.code, name: unit.name, forms: forms, furthest: furthest, quotaMet: met, late: passed && !met,
                                     offline: offline, members: members)
        }
        return Completeness(call: call.id, deadline: call.deadline, millisecondsLeft: call.deadlineEnd - now, deadlineEnd: call.deadlineEnd,
                            utcOffsetHours: call.utcOffsetHours, units: units)
    }
}
