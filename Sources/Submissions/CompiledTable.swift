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
    /// The replica's version vector when compiled: `<replica>:<seq>` joined by commas, sorted.
    public let versionVector: String
    /// SHA-256 of the table's content (see ``contentDigestInput``).
    public let sha256: String

    init(call: CallTemplate, spec: TableSpec, unit: String?, header: [Line], rows: [[String]], footer: [Line],
         records: [String], versionVector: String) {
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
        self.sha256 = SHA256.hex(Self.contentDigestInput(call: call.id, table: spec.id, title: spec.title, unit: unit, header: header,
                                                         columns: spec.columns.map(\.label), rows: rows, footer: footer, note: spec.note,
                                                         records: records))
    }

    /// The bytes hashed: the content as JSON with sorted keys (documented in PROTOCOL.md's tables section).
    static func contentDigestInput(call: String, table: String, title: String, unit: String?, header: [Line], columns: [String],
                                   rows: [[String]], footer: [Line], note: String?, records: [String]) -> [UInt8] {
        struct Content: Encodable {
            let call: String, table: String, title: String, unit: String?, header: [Line], columns: [String]
            let rows: [[String]], footer: [Line], note: String?, records: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let content = Content(call: call, table: table, title: title, unit: unit, header: header, columns: columns,
                              rows: rows, footer: footer, note: note, records: records)
        return Array((try? encoder.encode(content)) ?? Data())
    }

    /// The closing lines every format prints: the stamp a hub recomputes before it is 盖章.
    public var provenance: [Line] {
        [Line(label: "版本向量", value: versionVector.isEmpty ? "（空）" : versionVector),
         Line(label: "内容摘要（SHA-256）", value: sha256)]
    }
}
