import Crypto
import Foundation
import Testing
import Replication
import Submissions
import SyncProtocol
import TestSupport

/// Bundles through the real binary: a hospital holding its own replica folder (its token and its
/// signing key) cannot make the hub, or a colleague's replica, take changes in another's name.
@Suite struct SecurityBundleCLITests {
    static let application = CLIWorkflowTests.application

    /// The replica id of `org`'s enrolment on the hub.
    func replicaID(_ w: CLIWorld, org: String) throws -> ReplicaID {
        let rows = try JSONSerialization.jsonObject(with: Data(try w.check(["hub", "replicas", "--db", w.hubDB, "--json"]).stdout.utf8)) as! [[String: Any]]
        return ReplicaID(hex: rows.first { $0["org"] as? String == org }!["id"] as! String)!
    }

    func signingKey(_ w: CLIWorld, _ name: String) throws -> [UInt8] {
        Hex.decode(try String(contentsOfFile: w.dir.file("\(name)/signing.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    @Test func aBundleInTheProvincesNameIsRefusedByHubImport() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try w.replica("province", org: "fj-province", role: "province")
        try w.replica("other", org: "xm-first", role: "hospital")
        let victim = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=厦门的项目", "--set", "统一社会信用代码=91350200M000200Y40", "--set", "项目简介=厦门的项目简介。"] + Self.application, in: "other").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["submit", victim], in: "other")
        try w.check(["sync"], in: "other")
        try w.check(["sync"], in: "province")   // the province's key is registered now
        // The hospital forges a rejection by the province and signs it with its own key.
        let province = try replicaID(w, org: "fj-province")
        let rejection = Change(dot: Dot(replica: province, seq: 500), timestamp: Timestamp(wall: Int64(Date().timeIntervalSince1970 * 1000), counter: 0),
                               collection: "submissions", record: victim, field: "_decision", op: .set,
                               value: WorkflowEntry(action: .reject, revision: "0000000000000000", by: "fj-province").stored)
        let forged = try ChangeBundle.encode(replica: province, changes: [rejection], privateKey: try signingKey(w, "hospital"))
        try Data(forged).write(to: URL(fileURLWithPath: w.dir.file("forged.bundle")))
        let result = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("forged.bundle")])
        #expect(result.status == 65)
        #expect(result.stderr.contains(say("signature does not verify", "的密钥不符")), "\(result.stderr)")
        try w.check(["sync"], in: "other")
        #expect(try w.check(["show", victim, "--json"], in: "other").stdout.contains("_decision") == false)
        // The hub kept serving throughout.
        try w.check(["sync"], in: "hospital")
    }

    @Test func aColleaguesBundleCarryingADecisionIsRefusedByAReplica() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=同事的草稿"], in: "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        // Colleague a's real bundle with a forged recommendation appended, re-signed with a's key.
        var contents = try ChangeBundle.decode(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("a.bundle")))))
        var changes = contents.changes
        let last = changes[changes.count - 1]
        changes.append(Change(dot: Dot(replica: contents.replica, seq: last.dot.seq + 1), timestamp: Timestamp(wall: last.timestamp.wall + 1, counter: 0),
                              collection: "submissions", record: id, field: "_review", op: .set,
                              value: WorkflowEntry(action: .recommend, revision: "0000000000000000", text: "同意", by: "fz-first").stored))
        let forged = try ChangeBundle.encode(replica: contents.replica, changes: changes, privateKey: try signingKey(w, "a"))
        contents = try ChangeBundle.decode(forged)
        try Data(forged).write(to: URL(fileURLWithPath: w.dir.file("forged.bundle")))
        let refused = w.run("b", ["bundle", "import", w.dir.file("forged.bundle")])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("city_only"), "\(refused.stderr)")
        #expect(w.run("b", ["show", id]).status != 0)   // nothing of it was applied
        try w.check(["bundle", "import", w.dir.file("a.bundle")], in: "b")
        #expect(try w.check(["show", id, "--json"], in: "b").stdout.contains("同事的草稿"))
    }

    @Test func aReplicaTakesBundlesOnlyFromItsOwnUnitsKnownReplicas() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("other", org: "xm-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")   // learns a's key at its first sync
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=厦门医院的草稿"], in: "other")
        try w.check(["bundle", "export", "--out", w.dir.file("other.bundle")], in: "other")
        let foreign = w.run("b", ["bundle", "import", w.dir.file("other.bundle")])
        #expect(foreign.status == 65)
        #expect(foreign.stderr.contains(say("does not know", "本副本不认识它的密钥")) || foreign.stderr.contains(say("own unit", "副本只接受本单位现行副本的数据包")), "\(foreign.stderr)")
        // A replica enrolled after b's last sync: b does not know its key yet.
        try w.replica("c", org: "fz-first", role: "hospital")
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=新同事的草稿"], in: "c")
        try w.check(["bundle", "export", "--out", w.dir.file("c.bundle")], in: "c")
        let unknown = w.run("b", ["bundle", "import", w.dir.file("c.bundle")])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains(say("does not know", "本副本不认识它的密钥")), "\(unknown.stderr)")
        try w.check(["sync"], in: "b")
        try w.check(["bundle", "import", w.dir.file("c.bundle")], in: "b")
        // Altered on the way (the checksum recomputed): the signature fails.
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=原本的名称"], in: "a")
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        var text = try String(contentsOfFile: w.dir.file("a.bundle"), encoding: .utf8).replacingOccurrences(of: "原本的名称", with: "篡改的名称")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let batch = lines.dropLast(2).joined(separator: "\n") + "\n"
        let trailer = lines[lines.count - 2]
        let oldSum = String(trailer.split(separator: "\"sha256\":\"")[1].prefix(64))
        lines[lines.count - 2] = trailer.replacingOccurrences(of: oldSum, with: SHA256.hex(Array(batch.utf8)))
        text = lines.joined(separator: "\n")
        try text.write(toFile: w.dir.file("altered.bundle"), atomically: true, encoding: .utf8)
        let altered = w.run("b", ["bundle", "import", w.dir.file("altered.bundle")])
        #expect(altered.status == 65)
        #expect(altered.stderr.contains(say("signature does not verify", "的密钥不符")), "\(altered.stderr)")
        #expect(!(try w.check(["list", "--json"], in: "b").stdout.contains("篡改的名称")))
        // The hub refuses it the same way, keeps nothing of it, and takes the bundle as it was made.
        let atHub = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("altered.bundle")])
        #expect(atHub.status == 65, "\(atHub.stderr)")
        #expect(atHub.stderr.contains(say("signature", "签名")) && atHub.stderr.contains(say("nothing", "未应用任何内容")), "\(atHub.stderr)")
        #expect(w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("a.bundle")]).status == 0)
        try w.check(["sync"], in: "b")
        let listed = try w.check(["list", "--json"], in: "b").stdout
        #expect(listed.contains("原本的名称") && !listed.contains("篡改的名称"))
        #expect(w.run(nil, ["hub", "verify", "--db", w.hubDB]).status == 0)
    }
}
