import Foundation
import Testing
import TestSupport

/// The deadline as the hub can vouch for it, through the real binary and hub: the hub's clock is
/// moved past the deadline with faketime (Tests/run.sh installs it).
@Suite(.enabled(if: Tools.faketime != nil, "needs faketime (apt-get install faketime; Tests/run.sh installs it)"))
struct DeadlineCLITests {
    /// A round of the Fujian call whose deadline is the end of tomorrow (UTC+8).
    static func roundEndingTomorrow() throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try CLIWorld.nextRound().utf8)) as! [String: Any]
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd"
        format.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        object["id"] = "fujian-2028"
        object["deadline"] = format.string(from: Date().addingTimeInterval(86_400))
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func aBackdatedSubmissionIsRefusedAndAGenuineOfflineOneIsShownWithAllThreeTimes() throws {
        let w = try CLIWorld()
        try Self.roundEndingTomorrow().write(toFile: w.dir.file("fujian-2028.json"), atomically: true, encoding: .utf8)
        try w.check(["hub", "publish", "--db", w.hubDB, w.dir.file("fujian-2028.json")])
        try w.replica("honest", org: "fz-first", role: "hospital", label: "林晓")
        try w.replica("cheat", org: "xm-first", role: "hospital", label: "郑强")
        try w.replica("province", org: "fj-province", role: "province")
        func draft(_ name: String, in replica: String, extra: [String] = []) throws -> String {
            let id = try w.check(["new", "fujian-2028", "application", "--set", "项目名称=\(name)", "--set", "项目简介=\(name)的简介。"] + extra
                                 + CLIWorkflowTests.application, in: replica).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try w.check(["sync"], in: replica)
            return id
        }
        let honest = try draft("离线提交的项目", in: "honest")
        let cheat = try draft("倒签的项目", in: "cheat", extra: ["--set", "统一社会信用代码=91350200M000200Y40"])
        // The honest hospital submits before the deadline; its network is down until after it.
        try w.check(["submit", honest], in: "honest")

        // Three days on, by the hub's clock: past the deadline, within the 72-hour grace.
        #expect(w.stopHub()?.status == 0)
        try w.startHub(clock: "+3d")
        // The cheat syncs with nothing to push, then submits with its clock still before the deadline.
        try w.check(["sync"], in: "cheat")
        try w.check(["submit", cheat], in: "cheat")
        let refused = w.run("cheat", ["sync"])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains(say("this replica had pushed everything it had made; a later change cannot be older", "该副本已推送了它所做的全部修改；之后的修改不可能更早")), "\(refused.stderr)")

        let accepted = w.run("honest", ["sync"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        try w.check(["sync"], in: "province")
        #expect(w.run("province", ["show", cheat]).stdout.contains("提交: claimed") == false)
        let shown = try w.check(["show", honest], in: "province").stdout
        for line in ["提交: claimed", "最后联系: ", "收到: "] {
            #expect(shown.contains(line), "\(line) missing: \(shown)")
        }
        #expect(shown.contains("(UTC+8)") && shown.firstMatch(of: /收到: \d{4}-\d\d-\d\d \d\d:\d\d/) != nil, "times are dates in the call's offset: \(shown)")
        let completeness = try w.check(["completeness", "fujian-2028"], in: "province").stdout
        #expect(completeness.contains(say("offline: \(honest)", "离线提交：\(honest)")) && completeness.contains(say("last contact", "最后联系")) && completeness.contains(say("received", "收到")), "\(completeness)")
        #expect(!completeness.contains("offline: \(cheat)"))
        #expect(w.stopHub()?.stderr.contains("stopped") == true, "the hub under faketime stops on SIGTERM")
    }
}
