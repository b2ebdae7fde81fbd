import Crypto
import Replication
import SQLite

/// The rows summary tables are made of, kept in SQLite beside the store so a table is compiled from
/// one row per record instead of every field of every record.
///
/// It is derived data, refreshed before each compile from the changes beyond the version vector it
/// was last refreshed at, and rebuilt whole when organisations or call templates change (they
/// decide reporting units and cells). Compiling from it gives the same bytes as compiling from the
/// records themselves; the tests hold it to that.
struct TableProjection {
    let workspace: Workspace

    static let schema = """
        CREATE TABLE IF NOT EXISTS projection_rows (
            record TEXT PRIMARY KEY,
            call TEXT NOT NULL,
            form TEXT NOT NULL,
            reporting_unit TEXT NOT NULL,
            reached INTEGER NOT NULL,
            submitted INTEGER NOT NULL,
            cells TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS projection_rows_order ON projection_rows(call, form, reached, reporting_unit, submitted, record);
        CREATE TABLE IF NOT EXISTS projection_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
        """

    /// One projected row: the record, and the display text of the cells in ``keys(call:form:)`` order.
    struct Row {
        let record: String
        let cells: [String]
    }

    /// Brings the projection up to date with the store, in one transaction.
    func refresh(catalog: CallCatalog, directory: Directory) throws {
        let store = workspace.store
        let signature = Self.signature(catalog: catalog, directory: directory)
        let vector = store.versionVector()
        try store.withDatabase { db in
            try db.execute(Self.schema)
            try db.transaction {
                let storedSignature = try db.first("SELECT value FROM projection_meta WHERE key = 'signature'") { $0.text(0) }
                let storedVector = try db.first("SELECT value FROM projection_meta WHERE key = 'vector'") { $0.text(0) }
                var touched = Set<String>()
                let current = Self.text(vector)
                if storedSignature == signature, storedVector == current, !Self.hasChangesBeyondVector(store) { return }
                if storedSignature != signature || storedVector == nil {
                    try db.execute("DELETE FROM projection_rows")
                    touched = Set(try store.records(in: Workspace.Collection.submissions, includeDeleted: true).map(\.id))
                } else {
                    try store.changes(missingFrom: Self.vector(from: storedVector!)) { batch in
                        for change in batch where change.collection == Workspace.Collection.submissions { touched.insert(change.record) }
                    }
                }
                if !touched.isEmpty {
                    let upsert = try db.cached("""
                        INSERT INTO projection_rows (record, call, form, reporting_unit, reached, submitted, cells)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(record) DO UPDATE SET call = excluded.call, form = excluded.form,
                        reporting_unit = excluded.reporting_unit, reached = excluded.reached, submitted = excluded.submitted, cells = excluded.cells
                        """)
                    let remove = try db.cached("DELETE FROM projection_rows WHERE record = ?")
                    for id in touched {
                        guard let state = try store.record(id), !state.isDeleted, let submission = Submission(state),
                              let call = catalog[submission.call], let form = call.form(submission.form) else {
                            try remove.run([id])
                            continue
                        }
                        let owner = directory[submission.unit]
                        let reached = owner.map { Workspace.reachesTables(submission, owner: $0) } ?? false
                        try upsert.run([id, submission.call, submission.form, owner?.reportingUnit ?? submission.unit, reached,
                                        submission.workflow.submission?.at.packed ?? 0,
                                        Self.cells(submission, form: form, call: call, ownerName: owner?.name ?? submission.unit)])
                    }
                }
                try db.run("INSERT INTO projection_meta (key, value) VALUES ('signature', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", signature)
                try db.run("INSERT INTO projection_meta (key, value) VALUES ('vector', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           current)
            }
        }
    }

    /// The rows of `form` of `call` that reached the tables, for `unit` or all, in table order:
    /// reporting unit, then submission stamp, then record id (PROTOCOL.md 3.3).
    func rows(call: String, form: String, unit: String?) throws -> [Row] {
        try workspace.store.withDatabase { db in
            let sql = """
                SELECT record, cells FROM projection_rows WHERE call = ? AND form = ? AND reached = 1
                \(unit == nil ? "" : "AND reporting_unit = ?") ORDER BY reporting_unit, submitted, record
                """
            let values: [any SQLiteBindable] = unit.map { [call, form, $0] } ?? [call, form]
            return try db.cached(sql).map(values) { row in
                Row(record: row.text(0), cells: Self.split(row.text(1)))
            }
        }
    }

    /// The display text of every field some table of the call reads, as a JSON object.
    /// The key under which the owner's name is kept, for `unit.name` columns.
    static let ownerNameKey = "@unit.name"

    /// The cells a row keeps, in order: the owner's name, then every field some table of the call
    /// reads from this form.
    static func keys(call: CallTemplate, form: Form) -> [String] {
        var keys = [ownerNameKey]
        for table in call.tables where table.form == form.id {
            for column in table.columns where column.source.hasPrefix("field:") {
                let key = String(column.source.dropFirst(6))
                if !keys.contains(key) { keys.append(key) }
            }
        }
        return keys
    }

    /// The cells as `<length>:<text>` one after another (lengths in UTF-8 bytes): cheap to split.
    static func cells(_ submission: Submission, form: Form, call: CallTemplate, ownerName: String) -> String {
        var out = ""
        for key in keys(call: call, form: form) {
            let text: String
            if key == ownerNameKey {
                text = ownerName
            } else if let spec = form.fields.first(where: { $0.key == key }) {
                text = spec.type.isSet ? FieldCodec.display(elements: submission.elements(key), spec) : FieldCodec.display(submission.value(key), spec)
            } else {
                text = ""
            }
            out += "\(text.utf8.count):\(text)"
        }
        return out
    }

    static func split(_ text: String) -> [String] {
        var cells: [String] = []
        var bytes = Substring(text).utf8[...]
        while let colon = bytes.firstIndex(of: UInt8(ascii: ":")), let length = Int(String(decoding: bytes[..<colon], as: UTF8.self)) {
            let start = bytes.index(after: colon)
            guard let end = bytes.index(start, offsetBy: length, limitedBy: bytes.endIndex) else { break }
            cells.append(String(decoding: bytes[start..<end], as: UTF8.self))
            bytes = bytes[end...]
        }
        return cells
    }

    /// Whether the store holds changes beyond its gap-free vector (out-of-order arrivals), which a
    /// vector comparison alone would not notice.
    static func hasChangesBeyondVector(_ store: ReplicaStore) -> Bool {
        var beyond = false
        try? store.changes(missingFrom: store.versionVector(), batchSize: 1) { _ in beyond = true }
        return beyond
    }

    /// What the rows depend on besides the records: the templates and the organisations.
    static func signature(catalog: CallCatalog, directory: Directory) -> String {
        var parts: [String] = catalog.all.map { "\($0.id)@\($0.version)" }
        for org in directory.sorted {
            parts.append([org.code, org.name, org.kind.rawValue, org.city ?? "", org.provincial ? "1" : "0"].joined(separator: "\u{1F}"))
        }
        return SHA256.hex(parts.joined(separator: "\u{1E}"))
    }

    static func text(_ vector: VersionVector) -> String {
        vector.entries.sorted { $0.key < $1.key }.map { "\($0.key.hex):\($0.value)" }.joined(separator: ",")
    }

    static func vector(from text: String) -> VersionVector {
        VersionVector(Dictionary(text.split(separator: ",").compactMap { Dot($0) }.map { ($0.replica, $0.seq) }, uniquingKeysWith: max))
    }
}
