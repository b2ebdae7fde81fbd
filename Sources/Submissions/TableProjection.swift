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

    /// Rows are stored in table order (the primary key), so a compile reads one range of the
    /// table and looks nothing up. `projection_rows` was the first layout, indexed apart.
    static let schema = """
        DROP TABLE IF EXISTS projection_rows;
        DROP TABLE IF EXISTS projection_meta;
        CREATE TABLE IF NOT EXISTS table_rows (
            call TEXT NOT NULL,
            form TEXT NOT NULL,
            reached INTEGER NOT NULL,
            reporting_unit TEXT NOT NULL,
            submitted INTEGER NOT NULL,
            record TEXT NOT NULL,
            cells TEXT NOT NULL,
            PRIMARY KEY (call, form, reached, reporting_unit, submitted, record)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS table_rows_by_record ON table_rows(record);
        CREATE TABLE IF NOT EXISTS table_rows_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
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
                let storedSignature = try db.first("SELECT value FROM table_rows_meta WHERE key = 'signature'") { $0.text(0) }
                let storedVector = try db.first("SELECT value FROM table_rows_meta WHERE key = 'vector'") { $0.text(0) }
                var touched = Set<String>()
                let current = Self.text(vector)
                if storedSignature == signature, storedVector == current, !Self.hasChangesBeyondVector(store) { return }
                if storedSignature != signature || storedVector == nil {
                    try db.execute("DELETE FROM table_rows")
                    touched = Set(try store.records(in: Workspace.Collection.submissions, includeDeleted: true).map(\.id))
                } else {
                    try store.changes(missingFrom: Self.vector(from: storedVector!)) { batch in
                        for change in batch where change.collection == Workspace.Collection.submissions { touched.insert(change.record) }
                    }
                }
                if !touched.isEmpty {
                    // A row's key moves when its status or submission does: out, then in again.
                    let insert = try db.cached("""
                        INSERT INTO table_rows (call, form, reached, reporting_unit, submitted, record, cells) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    let remove = try db.cached("DELETE FROM table_rows WHERE record = ?")
                    for id in touched {
                        try remove.run([id])
                        guard let state = try store.record(id), !state.isDeleted, let submission = Submission(state),
                              let call = catalog[submission.call], let form = call.form(submission.form) else { continue }
                        let owner = directory[submission.unit]
                        let reached = owner.map { Workspace.reachesTables(submission, owner: $0) } ?? false
                        try insert.run([submission.call, submission.form, reached, owner?.reportingUnit ?? submission.unit,
                                        submission.workflow.submission?.at.packed ?? 0, id,
                                        Self.cells(submission, form: form, call: call, ownerName: owner?.name ?? submission.unit)])
                    }
                }
                try db.run("INSERT INTO table_rows_meta (key, value) VALUES ('signature', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", signature)
                try db.run("INSERT INTO table_rows_meta (key, value) VALUES ('vector', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           current)
            }
        }
    }

    /// The rows of `form` of `call` that reached the tables, for `unit` or all, in table order:
    /// reporting unit, then submission stamp, then record id (PROTOCOL.md 3.3).
    func rows(call: String, form: String, unit: String?) throws -> [Row] {
        try workspace.store.withDatabase { db in
            let sql = """
                SELECT record, cells FROM table_rows WHERE call = ? AND form = ? AND reached = 1
                \(unit == nil ? "" : "AND reporting_unit = ?") ORDER BY reporting_unit, submitted, record
                """
            let values: [any SQLiteBindable] = unit.map { [call, form, $0] } ?? [call, form]
            return try db.cached(sql).map(values) { row in
                Row(record: row.text(0), cells: row.withText(1, Self.split))
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

    /// The cells of ``cells(_:form:call:ownerName:)``'s text, read straight from its bytes.
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
