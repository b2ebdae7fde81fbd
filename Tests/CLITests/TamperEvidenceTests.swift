import Foundation
import SQLite
import Testing
import TestSupport

/// The hub's file edited by hand — a value changed, a change deleted, a change inserted — is caught
/// by `hub verify` and by every replica that would receive what was touched: it does not apply it,
/// says so at its sync, and lists it in `tianbao verify`.
@Suite struct TamperEvidenceTests {
    /// Two replicas of one hospital: "author" writes drafts, "colleague" receives them through the hub.
    func world() throws -> CLIWorld {
        let w = try CLIWorld()
        try w.replica("author", org: "fz-first", role: "hospital", label: "林晓")
        try w.replica("colleague", org: "fz-first", role: "hospital", label: "陈敏")
        try w.check(["sync"], in: "colleague")
        return w
    }

    func draft(_ w: CLIWorld, _ name: String) throws -> String {
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=\(name)", "--set", "项目简介=\(name)的简介"], in: "author")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "author")
        return id
    }

    /// The author replica's number in the hub's tables, to address its changes by key (ord << 40 | seq).
    func authorOrd(_ db: Database, _ w: CLIWorld) throws -> Int64 {
        let config = try String(contentsOfFile: w.dir.file("author") + "/config.json", encoding: .utf8)
        let hex = try #require(config.firstMatch(of: /"replica"\s*:\s*"([0-9a-f]{32})"/)?.1)
        return try #require(try db.first("SELECT ord FROM replicas WHERE hex(id) = upper(?)", String(hex)) { $0.int64(0) })
    }

    @Test func aValueEditedInTheHubsFileIsRefusedByReplicasAndReportedByHubVerify() throws {
        let w = try world()
        #expect(w.run(nil, ["hub", "verify", "--db", w.hubDB]).status == 0)
        let id = try draft(w, "原始项目")
        let db = try Database(path: w.hubDB)
        try db.run("UPDATE changes SET value = '篡改后的项目' WHERE value = '原始项目'")
        #expect(db.changes == 1)

        let verify = w.run(nil, ["hub", "verify", "--db", w.hubDB])
        #expect(verify.status == 65, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("altered") && verify.stdout.contains("林晓") && verify.stdout.contains(id), "\(verify.stdout)")

        let sync = w.run("colleague", ["sync"])
        #expect(sync.status == 65, "\(sync.stderr)")
        #expect(sync.stderr.contains(say("Kept apart", "已隔离")) && sync.stderr.contains(say("altered", "不符")), "\(sync.stderr)")
        #expect(!w.run("colleague", ["list"]).stdout.contains("篡改后的项目"))
        #expect(w.run("colleague", ["show", id]).status != 0, "a record whose every change was kept apart does not exist here")
        let local = w.run("colleague", ["verify", "--json"])
        #expect(local.status == 65 && local.stdout.contains("\"kind\" : \"kept_apart\""), "\(local.stdout)")
        // The author itself still holds what it signed, and a fresh replica gets nothing of the edit either.
        #expect(w.run("author", ["verify"]).status == 0)

        // The province repairs the hub's file: at its next sync the colleague asks again for what it
        // kept apart, gets it proven, and applies it.
        try db.run("UPDATE changes SET value = '原始项目' WHERE value = '篡改后的项目'")
        #expect(w.run(nil, ["hub", "verify", "--db", w.hubDB]).status == 0)
        let again = w.run("colleague", ["sync"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try w.check(["show", id], in: "colleague").stdout.contains("原始项目"))
        #expect(w.run("colleague", ["verify"]).status == 0)
    }

    @Test func aChangeDeletedFromTheHubsFileIsMissedByHubVerifyAndTheRestOfItsIntervalKeptApart() throws {
        let w = try world()
        let id = try draft(w, "删除测试")
        let db = try Database(path: w.hubDB)
        let key = try #require(try db.first("SELECT key FROM changes WHERE value = '删除测试的简介'") { $0.int64(0) })
        try db.run("DELETE FROM changes WHERE key = ?", key)
        try db.run("DELETE FROM entries WHERE key = ?", key)
        try db.run("DELETE FROM arrivals WHERE key = ?", key)

        let verify = w.run(nil, ["hub", "verify", "--db", w.hubDB, "--json"])
        #expect(verify.status == 65)
        #expect(verify.stdout.contains("\"kind\" : \"missing\""), "\(verify.stdout)")

        let sync = w.run("colleague", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains(say("missing from the hub", "在省平台上缺失")), "\(sync.stderr)")
        #expect(!w.run("colleague", ["list"]).stdout.contains("删除测试"))
        _ = id
    }

    @Test func aChangeInsertedIntoTheHubsFileIsCoveredByNoHeadAndRefused() throws {
        let w = try world()
        let id = try draft(w, "插入测试")
        let db = try Database(path: w.hubDB)
        let ord = try authorOrd(db, w)
        let top = try #require(try db.first("SELECT max(key) FROM changes WHERE key >> 40 = ?", ord) { $0.int64(0) })
        // The next change of the author, written by hand: a new value for the project's name.
        try db.run("""
            INSERT INTO changes (key, hlc, record, field, op, vtype, value, supersedes, author)
            SELECT ?, hlc + 1, record, field, op, vtype, '插入的名称', NULL, author FROM changes WHERE value = '插入测试'
            """, top + 1)
        try db.run("INSERT INTO entries (record, key, field, op, live) SELECT record, key, field, op, 1 FROM changes WHERE key = ?", top + 1)
        try db.run("INSERT INTO arrivals (seq, key) VALUES ((SELECT max(seq) + 1 FROM arrivals), ?)", top + 1)
        // A thorough forger tags the arrival for the record's readers, so walks meet it.
        try db.run("""
            INSERT INTO arrival_readers (reader, position) SELECT reader, (SELECT max(seq) FROM arrivals) FROM record_readers
            WHERE record = (SELECT record FROM changes WHERE key = ?)
            """, top + 1)
        try db.run("UPDATE replicas SET max_seq = max_seq + 1, contiguous = contiguous + 1 WHERE ord = ?", ord)

        // The author syncs with nothing to push: the hub must not vouch for the row it did not take
        // in, and the author does not take it as its own.
        let own = w.run("author", ["sync"])
        #expect(own.status != 0 && own.stderr.contains(say("do not match what this replica signed", "与本副本的签名不符")), "\(own.stderr)")
        #expect(!(try w.check(["show", id], in: "author").stdout.contains("插入的名称")))

        let verify = w.run(nil, ["hub", "verify", "--db", w.hubDB])
        #expect(verify.status == 65 && verify.stdout.contains("inserted"), "\(verify.stdout)")

        let sync = w.run("colleague", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains(say("no signed head covers it", "没有签名头覆盖它")), "\(sync.stderr)")
        let shown = try w.check(["show", id], in: "colleague").stdout
        #expect(shown.contains("插入测试") && !shown.contains("插入的名称"), "\(shown)")
    }

    /// A change put into the file in the hub's own name is not sealed by the hub's next change:
    /// the hub signs only what it makes itself, so the forged one and what follows stay unsigned.
    @Test func aChangeInsertedInTheHubsOwnNameIsNotSealedByItsNextChange() throws {
        let w = try world()
        let db = try Database(path: w.hubDB)
        let hubOrd = try #require(try db.first("SELECT r.ord FROM replicas r JOIN meta m ON m.key = 'replica_id' AND m.value = r.id") { $0.int64(0) })
        let top = try #require(try db.first("SELECT max(key) FROM changes WHERE key >> 40 = ?", hubOrd) { $0.int64(0) })
        // The province's organisation record, renamed by hand as if the hub had done it.
        try db.run("""
            INSERT INTO changes (key, hlc, record, field, op, vtype, value, supersedes, author)
            SELECT ?, hlc + 1, record, field, op, vtype, '伪造的卫健委', NULL, author FROM changes WHERE value = '福建省卫生健康委员会' AND key >> 40 = ? LIMIT 1
            """, top + 1, hubOrd)
        #expect(db.changes == 1)
        try db.run("INSERT INTO entries (record, key, field, op, live) SELECT record, key, field, op, 1 FROM changes WHERE key = ?", top + 1)
        try db.run("INSERT INTO arrivals (seq, key) VALUES ((SELECT max(seq) + 1 FROM arrivals), ?)", top + 1)
        try db.run("INSERT INTO arrival_readers (reader, position) VALUES ('*', (SELECT max(seq) FROM arrivals))")
        try db.run("UPDATE replicas SET max_seq = max_seq + 1, contiguous = contiguous + 1 WHERE ord = ?", hubOrd)
        // The hub's next change of its own: an organisation added.
        try w.check(["hub", "orgs", "--db", w.hubDB, "--code", "fz-third", "--name", "福州市第三医院", "--kind", "hospital", "--city", "fj-fuzhou"])

        let verify = w.run(nil, ["hub", "verify", "--db", w.hubDB])
        #expect(verify.status == 65 && verify.stdout.contains("inserted"), "\(verify.stdout)")
        let sync = w.run("colleague", ["sync"])
        #expect(sync.status == 65 && sync.stderr.contains(say("no signed head covers it", "没有签名头覆盖它")), "\(sync.stderr)")
        #expect(!(try w.check(["status"], in: "colleague").stdout.contains("伪造的卫健委")))
    }

    /// A hub whose file is intact verifies clean after real work, and so does every replica.
    @Test func intactStoresVerifyClean() throws {
        let w = try world()
        _ = try draft(w, "一切正常")
        try w.check(["sync"], in: "colleague")
        #expect(try w.check(["hub", "verify", "--db", w.hubDB]).status == 0)
        #expect(try w.check(["verify"], in: "colleague").status == 0)
        #expect(try w.check(["verify"], in: "author").status == 0)
    }
}
