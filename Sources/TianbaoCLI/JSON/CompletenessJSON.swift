import Submissions

/// What `completeness --json` and `hub completeness --json` print: each expected unit against its
/// quota, with its units' members, and submissions made offline with the three times side by side.
struct CompletenessJSON: Encodable {
    struct Offline: Encodable {
        let record: String
        /// When the replica says it submitted, when it last reached the hub before, and when the hub received it.
        let claimed: String
        @Nullable var lastContact: String?
        let received: String
    }

    struct Unit: Encodable {
        let code: String, name: String
        let forms: [Completeness.FormCount]
        /// `none`, `drafting`, `submitted`, `recommended` or `selected`.
        let furthest: String
        let quotaMet: Bool, late: Bool
        let offline: [Offline]
        let members: [Completeness.Member]
    }

    let call: String
    /// The end of the last day for submissions (ISO 8601, in the call's offset).
    let deadline: String
    /// Seconds until then; negative once it passed.
    let secondsLeft: Int64
    let units: [Unit]

    init(_ report: Completeness) {
        let offset = report.utcOffsetHours
        call = report.call
        deadline = ISOTime.string(report.deadlineEnd, offsetHours: offset)
        secondsLeft = report.millisecondsLeft / 1000
        units = report.units.map { unit in
            Unit(code: unit.code, name: unit.name, forms: unit.forms, furthest: unit.furthest.rawValue, quotaMet: unit.quotaMet, late: unit.late,
                 offline: unit.offline.map { Offline(record: $0.record, claimed: ISOTime.string($0.claimed, offsetHours: offset),
                                                     lastContact: ISOTime.string(optional: $0.lastContact, offsetHours: offset),
                                                     received: ISOTime.string($0.received, offsetHours: offset)) },
                 members: unit.members)
        }
    }
}
