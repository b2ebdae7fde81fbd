import Foundation
import SQLite
import Testing
import TestSupport

/// What arrives by sync, by bundle or by a first clone has its table rows derived before the
/// command ends, so the first table compiled afterwards reads rows instead of every record.
@Suite struct TableRowsAfterSyncTests {
    /// The records replica `name` holds table rows for, and the vector the rows were derived at.
    func derived(_ w: CLIWorld, _ name: String) throws -> (records: Set<String>, vector: String?) {
        let db = try Database(path: w.dir.file("\(name)/replica.sqlite"))
        defer { db.close() }
        let records = try db.rows("SELECT record FROM projected_rows WHERE projection = 'tables'", map: { $0.text(0) })
        let vector = try db.first("SELECT vector FROM projections WHERE name = 'tables'", map: { $0.text(0) })
        return (Set(records), vector)
    }

    @Test func syncImportAndCloneDeriveTheRowsOfWhatTheyBrought() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let synced = try w.draft(in: "a", "同步来的草稿")
        try w.check(["sync"], in: "a")
        try w.check(["sync"], in: "b")
        #expect(try derived(w, "b").records.contains(synced), "a sync left the rows of what it pulled to the next compile")

        let carried = try w.draft(in: "a", "数据包带来的草稿")
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        try w.check(["bundle", "import", w.dir.file("a.bundle")], in: "b")
        #expect(try derived(w, "b").records.contains(carried), "an import left the rows of what it applied to the next compile")

        try w.check(["sync"], in: "a")
        try w.replica("c", org: "fz-first", role: "hospital")
        #expect(try derived(w, "c").records.isSuperset(of: [synced, carried]), "a first clone left the rows of what it pulled to the next compile")

        // The rows a sync derived are the ones a compile would: compiling finds nothing to redo.
        let before = try derived(w, "c")
        try w.check(["compile", "fujian-2027", "附件2"], in: "c")
        let after = try derived(w, "c")
        #expect(before.records == after.records && before.vector == after.vector)
    }
}
