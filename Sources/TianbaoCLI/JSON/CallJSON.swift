import Foundation
import Submissions

/// A call as every `--json` output shows it: `calls` (each) and `hub publish`.
struct CallJSON: Encodable {
    struct FormJSON: Encodable { let id: String, attachment: String, title: String }
    struct TableJSON: Encodable { let id: String, title: String }

    let id: String, title: String, authority: String, documentNumber: String
    let version: Int
    /// The end of the last day for submissions (ISO 8601, in the call's offset).
    let deadline: String
    /// Seconds until then; negative once it passed.
    let secondsLeft: Int64
    let forms: [FormJSON]
    let tables: [TableJSON]

    init(_ call: CallTemplate, now: Date = Date()) {
        (id, title, authority, documentNumber, version) = (call.id, call.title, call.authority, call.documentNumber, call.version)
        deadline = ISOTime.string(call.deadlineEnd, offsetHours: call.utcOffsetHours)
        secondsLeft = (call.deadlineEnd - Int64(now.timeIntervalSince1970 * 1000)) / 1000
        forms = call.forms.map { FormJSON(id: $0.id, attachment: $0.attachment, title: $0.title) }
        tables = call.tables.map { TableJSON(id: $0.id, title: $0.title) }
    }
}
