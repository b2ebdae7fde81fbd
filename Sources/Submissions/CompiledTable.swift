import JSON
import Crypto
import Foundation

/// A summary table compiled from a replica's state: what the renderers print.
///
/// Two replicas holding the same records compile equal tables; ``sha256`` covers everything a
/// reader sees except the version vector, so a city's offline table and the hub's table of the
/// same records carry the same hash even when the hub holds more of other units' changes.
public struct CompiledTable: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        public let label: String
        public let value: String
    }

    public let call: String
    public let documentNumber: String
    public let authority: String
    /// The attachment label, e.g. 附件2.
    public let table: String
    public let title: String
    /// The reporting unit's code, or `nil` for the province-wide table.
    public let unit: String?
    public let header: [Line]
    public let columns: [String]
    public let rows: [[String]]
    public let footer: [Line]
    public let note: String?
    /// The records behind the rows, in row order.
    public let records: [String]
    /// What the table was compiled from, short enough to read aloud and compare by eye:
    /// `<n> 条记录 · <16 hex>`, the hex the start of SHA-256 over `<record id>:<revision>` lines in
    /// row order. Two replicas holding the same revisions of the listed records print the same.
    public let sources: String
    /// Rows (序号, from 1) whose answers differ from the revision recommended (or submitted):
    /// marked ※ in the table and named under it.
    public let changedSinceApproval: [Int]
    /// The replica's version vector when compiled: `<replica>:<seq>` joined by commas, sorted.
    /// In the JSON form only: it names every replica heard of, which is no help on paper.
    public let versionVector: String
    /// SHA-256 of the table's content (see ``contentDigestInput``).
    public let sha256: String

    init(call: CallTemplate, spec: TableSpec, unit: String?, header: [Line], rows: [[String]], footer: [Line],
         records: [String], revisions: [String], changedSinceApproval: [Int] = [], versionVector: String) {
        self.call = call.id
        self.documentNumber = call.documentNumber
        self.authority = call.authority
        self.table = spec.id
        self.title = spec.title
        self.unit = unit
        self.header = header
        self.columns = spec.columns.map(\.label)
        self.rows = rows
        self.footer = footer
        self.note = spec.note
        self.records = records
        self.versionVector = versionVector
        self.changedSinceApproval = changedSinceApproval
        self.sources = "\(records.count) 条记录 · " + String(SHA256.hex(revisions.joined(separator: "\n")).prefix(16))
        self.sha256 = SHA256.hex(Self.contentDigestInput(call: call.id, table: spec.id, title: spec.title, unit: unit, header: header,
                                                         columns: spec.columns.map(\.label), rows: rows, footer: footer, note: spec.note,
                                                         records: records))
    }

    /// The bytes hashed: the content as JSON with sorted keys, no white space, `/` not escaped
    /// (PROTOCOL.md 3.3), written by hand exactly as `JSONEncoder` would.
    static func contentDigestInput(call: String, table: String, title: String, unit: String?, header: [Line], columns: [String],
                                   rows: [[String]], footer: [Line], note: String?, records: [String]) -> [UInt8] {
        var out = JSONWriter(capacity: 1_024 + rows.reduce(0) { $0 + $1.reduce(8) { $0 + $1.utf8.count + 3 } } + records.count * 32)
        func lines(_ lines: [Line]) {
            out.raw("[")
            for (i, line) in lines.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"label\":")
                out.string(line.label)
                out.raw(",\"value\":")
                out.string(line.value)
                out.raw("}")
            }
            out.raw("]")
        }
        out.raw("{\"call\":")
        out.string(call)
        out.raw(",\"columns\":")
        out.array(columns)
        out.raw(",\"footer\":")
        lines(footer)
        out.raw(",\"header\":")
        lines(header)
        if let note {
            out.raw(",\"note\":")
            out.string(note)
        }
        out.raw(",\"records\":")
        out.array(records)
        out.raw(",\"rows\":[")
        for (i, row) in rows.enumerated() {
            if i > 0 { out.raw(",") }
            out.array(row)
        }
        out.raw("],\"table\":")
        out.string(table)
        out.raw(",\"title\":")
        out.string(title)
        if let unit {
            out.raw(",\"unit\":")
            out.string(unit)
        }
        out.raw("}")
        return out.bytes
    }

    /// The closing lines every format prints: what the hub recomputes before the table is 盖章.
    public var provenance: [Line] {
        (changedSinceApproval.isEmpty ? [] : [Line(label: "※ 推荐（提交）后内容有变动", value: "第 " + changedSinceApproval.map(String.init).joined(separator: "、") + " 行：以审核时的版本为准，请核实")])
            + [Line(label: "编制依据", value: sources), Line(label: "内容摘要（SHA-256）", value: sha256)]
    }
}
