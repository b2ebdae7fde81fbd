import Foundation
@testable import Hub
import SQLite
import Testing
import TestSupport

/// Who did what, and when, as `log` tells it: the identity the hub enrolled, never a typed name in
/// its place; times as dates, never milliseconds.
@Suite struct AccountabilityTests {
    @Test func logShowsEnrolledIdentitiesAndTypedNamesOnlyAsNotes() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital", label: "林晓（信息科）")
        try w.replica("city", org: "fj-fuzhou", role: "city", label: "陈明")
        // The hospital's person types the province's name as theirs.
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=县域影像", "--as", "福建省卫生健康委员会", "--json"], in: "hospital").stdout
        let record = try JSONSerialization.jsonObject(with: Data(id.utf8)) as! [String: Any]
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        let log = try w.check(["log", (record["id"] as! String)], in: "hospital").stdout
        #expect(log.contains("林晓（信息科）（福州市第一医院）"), "\(log)")
        #expect(log.contains(say("[typed as: 福建省卫生健康委员会]", "[原输入：福建省卫生健康委员会]")), "\(log)")
        #expect(!log.contains("  福建省卫生健康委员会  "), "a typed name stood in for the enrolled identity: \(log)")
        #expect(log.contains("(UTC+8)"))
        let json = try w.check(["log", (record["id"] as! String), "--json"], in: "hospital").stdout
        let entries = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        #expect(entries.allSatisfy { $0["enrolled"] as? String == "林晓（信息科）" && $0["unit"] as? String == "福州市第一医院" && $0["typed"] as? String == "福建省卫生健康委员会" })
    }

    /// What administrators and replicas did to the hub, each with who and when, in a chain that
    /// shows any entry altered, removed or inserted in the file afterwards.
    @Test func theHubsAuditTrailListsWhoDidWhatAndShowsTampering() throws {
        let w = try CLIWorld()
        let admin = ["TIANBAO_USER": "王工（省卫健委信息中心）"]
        func hub(_ arguments: [String]) throws -> Subprocess.Result {
            let r = w.run(nil, arguments + ["--db", w.hubDB], environment: admin)
            guard r.status == 0 else { throw CLIWorldError("\(arguments): \(r.stderr)") }
            return r
        }
        let enrolled = try hub(["hub", "enroll", "--org", "fz-first", "--role", "hospital", "--label", "林晓", "--json"]).stdout
        let token = try JSONSerialization.jsonObject(with: Data(enrolled.utf8)) as! [String: Any]
        try w.check(["init", "--hub", w.url, "--token", (token["token"] as! String), "--dir", w.dir.file("hospital")])   // registers its key
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=离线填报"], in: "hospital")
        try w.check(["bundle", "export", "--out", w.dir.file("usb.bundle")], in: "hospital")
        _ = try hub(["hub", "import", w.dir.file("usb.bundle")])
        let replicaID = (token["replica"] as! [String: Any])["id"] as! String
        _ = try hub(["hub", "revoke", replicaID])

        let json = try hub(["hub", "audit", "--json"]).stdout
        let trail = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let entries = trail["entries"] as! [[String: Any]]
        #expect((trail["anomalies"] as! [String]).isEmpty)
        func entry(_ event: String) -> [String: Any]? { entries.first { $0["event"] as? String == event } }
        // The CLIWorld's own set-up (organisations, the 2027 call) came first, then ours.
        #expect(entry("organization")?["subject"] as? String == "fj-province")
        #expect(entry("publish")?["subject"] as? String == "fujian-2027")
        #expect(entry("enrol")?["by"] as? String == "王工（省卫健委信息中心）")
        #expect((entry("enrol")?["detail"] as? [String: String])?["label"] == "林晓")
        #expect((entry("key")?["by"] as? String)?.contains("林晓") == true)
        let bundle = entry("bundle")?["detail"] as? [String: String]
        #expect(bundle?["file"] == "usb.bundle" && bundle?["outcome"] == "applied" && bundle?["accepted"] != "0", "\(String(describing: bundle))")
        #expect(entry("revoke")?["subject"] as? String == replicaID)
        #expect(entries.allSatisfy { ($0["time"] as? String)?.hasSuffix("+08:00") == true }, "ISO 8601 in China's offset")
        // A refused import is in the trail too, with why; --since keeps later entries only.
        try "not a bundle\n".write(toFile: w.dir.file("bad.bundle"), atomically: true, encoding: .utf8)
        #expect(w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("bad.bundle")]).status == 65)
        let refused = try hub(["hub", "audit", "--json"]).stdout
        #expect(refused.contains("\"outcome\" : \"refused\"") && refused.contains("bad.bundle"))
        #expect(try hub(["hub", "audit", "--since", "2099-01-01", "--json"]).stdout.contains("\"entries\" : [\n\n  ]"))
        #expect(w.run(nil, ["hub", "audit", "--db", w.hubDB, "--since", "yesterday"]).status == 64)

        // Tampering with the file: an entry altered, then one removed.
        let db = try Database(path: w.hubDB)
        try db.run("UPDATE hub_audit SET subject = 'fz-second' WHERE event = 'enrol'")
        let altered = w.run(nil, ["hub", "audit", "--db", w.hubDB])
        #expect(altered.status == 65 && altered.stderr.contains(say("was altered in the file", "写入后在数据文件中被改动")), "\(altered.stderr)")
        // Altered and every hash after it recomputed, as someone editing the file would: the hub's
        // signatures, made with a key kept outside the file, give it away.
        let rows = try db.rows("SELECT seq, at, by, event, subject, detail FROM hub_audit ORDER BY seq") { row in
            (row.int64(0), row.int64(1), row.text(2), row.text(3), row.text(4), row.text(5))
        }
        var previous = AuditEntry.origin
        for (seq, at, by, event, subject, detail) in rows {
            let hash = AuditEntry.digest(seq: seq, at: at, by: by, event: AuditEntry.Event(rawValue: event)!, subject: subject,
                                         detail: AuditEntry.detail(detail), previous: previous)
            try db.run("UPDATE hub_audit SET previous = ?, hash = ? WHERE seq = ?", previous, hash, seq)
            previous = hash
        }
        let rehashed = w.run(nil, ["hub", "audit", "--db", w.hubDB])
        #expect(rehashed.status == 65 && rehashed.stderr.contains(say("does not carry the hub's signature", "没有省平台的签名")), "\(rehashed.stderr)")
        #expect(!rehashed.stderr.contains(say("was altered in the file", "写入后在数据文件中被改动")), "the chain itself was made whole again: \(rehashed.stderr)")
        let keyFile = try FileManager.default.attributesOfItem(atPath: w.hubDB + ".key")
        #expect((keyFile[.posixPermissions] as? Int) == 0o600)
        try db.run("DELETE FROM hub_audit WHERE event = 'key'")
        let cut = w.run(nil, ["hub", "audit", "--db", w.hubDB])
        #expect(cut.status == 65 && cut.stderr.contains(say("missing", "缺失")), "\(cut.stderr)")
        db.close()
    }

    /// The province stamps the city's 附件2 by its hash; a hash the hub does not reproduce is refused;
    /// once the records change, compiling says the table no longer matches its stamp.
    @Test func aStampedTableIsCheckedEveryTimeItIsCompiled() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        func project(_ name: String, leader: String, phone: String) throws -> String {
            let application = CLIWorkflowTests.application.map { $0.hasPrefix("项目负责人=") ? "项目负责人=\(leader)" : $0 }
                .map { $0.hasPrefix("项目负责人手机号码=") ? "项目负责人手机号码=\(phone)" : $0 }
            let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=\(name)", "--set", "项目简介=面向县域医共体。"] + application, in: "hospital").stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try w.check(["submit", id], in: "hospital")
            try w.check(["sync"], in: "hospital")
            try w.check(["sync"], in: "city")
            try w.check(["recommend", id, "--opinion", "同意推荐。"], in: "city")
            try w.check(["sync"], in: "city")
            return id
        }
        _ = try project("县域影像智能辅助诊断", leader: "黄志强", phone: "13905910001")
        let cityTable = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout
        let hash = try #require(CLIWorkflowTests.sha(cityTable))
        let admin = ["TIANBAO_USER": "规划处 李明"]
        let wrong = w.run(nil, ["hub", "stamp", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--hash", String(repeating: "0", count: 64)], environment: admin)
        #expect(wrong.status == 65 && wrong.stderr.contains(say("the hub compiles this table with hash \(hash)", "省平台汇总这张表得到的哈希是 \(hash)")), "\(wrong.stderr)")
        let stamped = w.run(nil, ["hub", "stamp", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--hash", hash], environment: admin)
        #expect(stamped.status == 0, "\(stamped.stderr)")
        let same = w.run(nil, ["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou"])
        #expect(same.stderr.contains(say("盖章核对: matches the table stamped", "盖章核对：与 ")) && same.stderr.contains(say("by 规划处 李明", "由 规划处 李明 盖章的表一致")), "\(same.stderr)")

        // Another project reaches the table afterwards: the stamp no longer describes it.
        _ = try project("门诊智能导诊", leader: "张伟", phone: "13905910009")
        let changed = w.run(nil, ["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou"])
        #expect(changed.stderr.contains(say("盖章核对: DIFFERS from the table stamped", "盖章的表不一致")), "\(changed.stderr)")
        let audit = w.run(nil, ["hub", "audit", "--db", w.hubDB]).stdout
        #expect(audit.contains("规划处 李明  stamp fujian-2027 附件2 fj-fuzhou"), "\(audit)")
    }

    /// What was recommended stays what was recommended: a laptop of the hospital, offline since the
    /// record was a draft, edits it; at its next sync the hub refuses the edit with the reason, the
    /// city's 附件2 and the hub's recomputation keep their hash, and the laptop can discard the edit.
    @Test func anEditOfARecommendedRecordLeavesTheCitysTableAsRecommended() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital", label: "林晓")
        try w.replica("laptop", org: "fz-first", role: "hospital", label: "林晓的笔记本")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=县域影像智能辅助诊断", "--set", "项目简介=面向县域医共体。"]
                             + CLIWorkflowTests.application, in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "laptop")   // the laptop holds the draft, then goes offline
        try w.check(["submit", id], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        try w.check(["recommend", id, "--opinion", "同意推荐。"], in: "city")
        try w.check(["sync"], in: "city")
        let before = try #require(CLIWorkflowTests.sha(try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout))

        try w.check(["edit", id, "--set", "项目名称=县域影像智能辅助诊断（笔记本上改过）"], in: "laptop")
        let sync = w.run("laptop", ["sync"])
        #expect(sync.status == 65, "the refusal is the laptop's to see: \(sync.stderr)")
        #expect(sync.stderr.contains("frozen_submission") || sync.stderr.contains("returns it for revision"), "\(sync.stderr)")
        let status = w.run("laptop", ["status"]).stdout + w.run("laptop", ["status"]).stderr
        #expect(status.contains("返回") || status.contains("returns it") || status.contains("frozen"), "\(status)")

        try w.check(["sync"], in: "city")
        let after = try w.check(["compile", "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"], in: "city").stdout
        #expect(CLIWorkflowTests.sha(after) == before)
        #expect(!after.contains("笔记本上改过") && !after.contains("※"), "\(after)")
        let hub = try w.check(["hub", "compile", "--db", w.hubDB, "fujian-2027", "附件2", "--unit", "fj-fuzhou", "--json"]).stdout
        #expect(CLIWorkflowTests.sha(hub) == before)

        // The laptop drops its edit and shows what everyone else holds.
        try w.check(["discard", "--all"], in: "laptop")
        try w.check(["sync"], in: "laptop")
        #expect(try w.check(["show", id], in: "laptop").stdout.contains("县域影像智能辅助诊断") )
        #expect(!(try w.check(["show", id], in: "laptop").stdout.contains("笔记本上改过")))
    }
}
