import Foundation
import Crypto
import Replication

/// The rows summary tables are made of, kept by the store beside the records (a ``Projection``) so
/// a table is compiled from one row per record instead of every field of every record.
///
/// A row's key is its place in the tables (PROTOCOL.md 3.3): call, form, whether it reached the
/// tables, reporting unit, submission stamp (then the record id, which the store appends). Its
/// payload holds the display text of its cells. The rows depend on the organisations and call
/// templates too (they decide reporting units and cells): the signature covers them, so the store
/// derives every row again when they change. Compiling from the rows gives the same bytes as
/// compiling from the records themselves; the tests hold it to that.
struct TableProjection: Projection {
    let directory: Directory
    let name = "tables"
    let collection = Workspace.Collection.submissions
    let signature: String
    /// Each form's cells, worked out once per refresh rather than once per record.
    private let layouts: [String: Layout]

    init(catalog: CallCatalog, directory: Directory) {
        self.directory = directory
        signature = Self.signature(catalog: catalog, directory: directory)
        var layouts: [String: Layout] = [:]
        for call in catalog.all {
            for form in call.forms where layouts[Self.layoutKey(call.id, form.id)] == nil {
                layouts[Self.layoutKey(call.id, form.id)] = Layout(call: call, form: form)
            }
        }
        self.layouts = layouts
    }

    private static func layoutKey(_ call: String, _ form: String) -> String { call + "\u{1F}" + form }

    /// What each cell of a form's rows holds, in ``keys(call:form:)`` order.
    struct Layout {
        enum Cell {
            case ownerName, revision, reviewed, status
            case guide([FieldSpec])
            case field(FieldSpec)
            case none
        }
        let cells: [Cell]

        init(call: CallTemplate, form: Form) {
            cells = TableProjection.keys(call: call, form: form).map { key in
                switch key {
                case TableProjection.ownerNameKey: .ownerName
                case TableProjection.revisionKey: .revision
                case TableProjection.reviewedKey: .reviewed
                case TableProjection.statusKey: .status
                case TableProjection.guideKey: .guide(form.fields.filter { $0.type == .guideScenarios })
                default: form.fields.first(where: { $0.key == key }).map(Cell.field) ?? .none
                }
            }
        }
    }

    /// One projected row: the record, and the display text of the cells in ``keys(call:form:)`` order.
    struct Row {
        let record: String
        let cells: [String]
    }

    func row(of state: RecordState) -> ProjectedRow? {
        guard let submission = Submission(state), let layout = layouts[Self.layoutKey(submission.call, submission.form)] else { return nil }
        let owner = directory[submission.unit]
        let reached = owner.map { Workspace.reachesTables(submission, owner: $0) } ?? false
        return ProjectedRow(key: [.text(submission.call), .text(submission.form), .int(reached ? 1 : 0),
                                  .text(owner?.reportingUnit ?? submission.unit), .int(submission.workflow.submission?.at.packed ?? 0)],
                            payload: Self.cells(submission, layout: layout, ownerName: owner?.name ?? submission.unit))
    }

    /// The rows of `form` of `call` that reached the tables, for `unit` or all, in table order:
    /// reporting unit, then submission stamp, then record id (PROTOCOL.md 3.3).
    static func rows(in store: ReplicaStore, call: String, form: String, unit: String?) throws -> [Row] {
        let prefix: [ProjectedRow.Part] = [.text(call), .text(form), .int(1)] + (unit.map { [.text($0)] } ?? [])
        return try store.projectedRows("tables", prefix: prefix) { record, payload in Row(record: record, cells: split(payload)) }
    }

    /// The display text of every field some table of the call reads, as a JSON object.
    /// The key under which the owner's name is kept, for `unit.name` columns.
    static let ownerNameKey = "@unit.name"
    /// The key under which the record's revision is kept, for the table's sources line.
    static let revisionKey = "@revision"
    /// The key under which the revision that put the record in the tables is kept: the one its
    /// city recommended, or (for a unit reporting straight to the province) the one submitted.
    static let reviewedKey = "@reviewed"
    /// The key under which the record's status is kept: the library lists the selected (入库) ones.
    static let statusKey = "@status"
    /// The key under which the record's 参考指引场景 numbers are kept ("3,12"), to filter and group by.
    static let guideKey = "@guide"

    /// The cells a row keeps, in order: the owner's name, then every field some table of the call
    /// reads from this form.
    static func keys(call: CallTemplate, form: Form) -> [String] {
        var keys = [ownerNameKey, revisionKey, reviewedKey, statusKey, guideKey]
        for table in call.tables where table.form == form.id {
            for column in table.columns where column.source.hasPrefix("field:") {
                let key = String(column.source.dropFirst(6))
                if !keys.contains(key) { keys.append(key) }
            }
        }
        return keys
    }

    /// The cells as `<length>:<text>` one after another (lengths in UTF-8 bytes): cheap to split.
    static func cells(_ submission: Submission, layout: Layout, ownerName: String) -> String {
        var out = ""
        for cell in layout.cells {
            let text: String
            switch cell {
            case .ownerName: text = ownerName
            case .revision: text = submission.revision
            case .reviewed:
                let review = submission.workflow.review.flatMap { $0.entry.action == .recommend ? $0.entry.revision : nil }
                text = review ?? submission.workflow.submission?.entry.revision ?? ""
            case .status: text = submission.status.rawValue
            case .guide(let specs):
                let numbers = specs.flatMap { spec in
                    submission.elements(spec.key).compactMap { element -> Int64? in if case .int(let n) = element { return n } else { return nil } }
                }
                text = numbers.sorted().map(String.init).joined(separator: ",")
            case .field(let spec):
                text = spec.type.isSet ? FieldCodec.display(elements: submission.elements(spec.key), spec) : FieldCodec.display(submission.value(spec.key), spec)
            case .none: text = ""
            }
            out += "\(text.utf8.count):\(text)"
        }
        return out
    }

    /// The cells of ``cells(_:layout:ownerName:)``'s text, read straight from its bytes.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var cells: [String] = []
        var i = 0
        while i < bytes.count {
            var length = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: ":") {
                length = length * 10 + Int(bytes[i] &- 0x30)
                i += 1
            }
            let start = i + 1
            guard start + length <= bytes.count else { break }
            cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self))
            i = start + length
        }
        return cells
    }

    /// What the rows depend on besides the records: the templates and the organisations.
    static func signature(catalog: CallCatalog, directory: Directory) -> String {
        // The cells' layout is part of what the rows depend on: a new key derives them again.
        var parts: [String] = ["cells:" + [ownerNameKey, revisionKey, reviewedKey, statusKey, guideKey].joined(separator: ",")]
        // The whole template, not its version: a built-in template's labels or wording may change
        // with the program while its version stays, and the cells would be stale.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        parts += catalog.all.map { "\($0.id)@\($0.version):" + SHA256.hex((try? encoder.encode($0)) ?? Data()) }
        for org in directory.sorted {
            parts.append([org.code, org.name, org.kind.rawValue, org.city ?? "", org.provincial ? "1" : "0"].joined(separator: "\u{1F}"))
        }
        return SHA256.hex(parts.joined(separator: "\u{1E}"))
    }
}
