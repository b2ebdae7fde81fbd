import Replication
import Submissions

/// A record as every `--json` output shows it (list, show, new, edit, each review step, bulk
/// steps): the same keys, typed, wherever it appears. `show` adds the record's answers and files
/// after the same keys (``Detail``); every other command prints the summary alone.
struct RecordJSON: Encodable {
    let id: String, call: String, form: String, unit: String
    /// `draft`, `submitted`, `returned`, `recommended`, `selected` or `notSelected`.
    let status: String
    let title: String
    /// The content hash of the record's answers (what a recommendation or a selection names).
    let revision: String
    /// Whether the record belongs to this replica's own unit.
    let own: Bool
    /// A selected project the province marked 完结.
    let concluded: Bool
    /// The units applying jointly with the owner (联合申报), by code.
    let partners: [String]
    /// Each field in conflict, by its label: every value kept.
    let conflicts: [String: [String]]
    var detail: Detail?

    struct Detail: Encodable {
        let templateVersion: Int
        /// Every field by its label, as the notice prints it.
        let fields: [String: String]
        let notes: [String]
        let review: String?
        /// `notSubmitted`, `onTime`, `late` or `offlineBeforeDeadline`.
        let deadlineStanding: String
        /// When the hub received an offline submission (ISO 8601), else null.
        let receivedAt: String?
        let files: [FileJSON]
    }

    struct FileJSON: Encodable {
        let name: String, size: Int, type: String, sha256: String, here: Bool, held: Int
        init(_ file: Workspace.HeldAttachment) {
            (name, size, type, sha256, here, held) = (file.attachment.name, file.attachment.size, file.attachment.type, file.attachment.hashHex, file.isHere, file.held)
        }
    }

    init(_ s: Submission, form: Form, own: String) {
        (id, call, self.form, unit, status) = (s.id, s.call, s.form, s.unit, s.status.rawValue)
        title = Render.title(s, form: form)
        revision = s.revision
        self.own = s.unit == own
        concluded = s.workflow.isConcluded
        partners = s.partners.sorted()
        // Only the fields in conflict are looked at: most records have none, and `list` makes thousands.
        var conflicts: [String: [String]] = [:]
        for key in s.conflictingFields {
            if let spec = form.fields.first(where: { $0.key == key }), let register = s.record.fields[key] {
                conflicts[spec.name] = register.versions.map { FieldCodec.display($0.value, spec) }
            }
        }
        self.conflicts = conflicts
    }

    /// The record with its answers, as `show --json` prints it.
    static func detailed(_ s: Submission, form: Form, call: CallTemplate, own: String, standing: DeadlineStanding,
                         files: [Workspace.HeldAttachment]) -> RecordJSON {
        var record = RecordJSON(s, form: form, own: own)
        var fields: [String: String] = [:]
        for spec in form.fields { fields[spec.name] = Render.value(s, spec) }
        let (name, received): (String, Int64?) = switch standing {
        case .notSubmitted: ("notSubmitted", nil)
        case .onTime: ("onTime", nil)
        case .late: ("late", nil)
        case .offlineBeforeDeadline(let at): ("offlineBeforeDeadline", at)
        }
        record.detail = Detail(templateVersion: s.templateVersion, fields: fields, notes: s.workflow.notes, review: s.workflow.review?.entry.text,
                               deadlineStanding: name, receivedAt: ISOTime.string(optional: received, offsetHours: call.utcOffsetHours),
                               files: files.map(FileJSON.init))
        return record
    }

    private enum Keys: String, CodingKey {
        case id, call, form, unit, status, title, revision, own, concluded, partners, conflicts
        case templateVersion, fields, notes, review, deadlineStanding, receivedAt, files
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(call, forKey: .call)
        try c.encode(form, forKey: .form)
        try c.encode(unit, forKey: .unit)
        try c.encode(status, forKey: .status)
        try c.encode(title, forKey: .title)
        try c.encode(revision, forKey: .revision)
        try c.encode(own, forKey: .own)
        try c.encode(concluded, forKey: .concluded)
        try c.encode(partners, forKey: .partners)
        try c.encode(conflicts, forKey: .conflicts)
        guard let detail else { return }
        try c.encode(detail.templateVersion, forKey: .templateVersion)
        try c.encode(detail.fields, forKey: .fields)
        try c.encode(detail.notes, forKey: .notes)
        try c.encode(detail.review, forKey: .review)
        try c.encode(detail.deadlineStanding, forKey: .deadlineStanding)
        try c.encode(detail.receivedAt, forKey: .receivedAt)
        try c.encode(detail.files, forKey: .files)
    }
}
