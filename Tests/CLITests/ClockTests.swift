import Foundation
import Testing
import TestSupport

/// Clocks that were wrong, through the real binary and hub, with faketime shifting one process's
/// clock (Tests/run.sh installs it).
@Suite(.enabled(if: Tools.faketime != nil, "needs faketime (apt-get install faketime; Tests/run.sh installs it)"))
struct ClockTests {
    /// Runs `tianbao` in replica `name`'s folder with this process's clock a year ahead.
    func yearAhead(_ w: CLIWorld, _ name: String?, _ arguments: [String]) -> Subprocess.Result {
        Subprocess.run(["-f", "+365d", Subprocess.tianbao] + arguments + (name.map { ["--dir", w.dir.file($0)] } ?? []),
                       executable: Tools.faketime!)
    }

    @Test func aReplicaWhoseClockRanAYearFastRecoversWithoutLosingWhatWasTyped() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let new = yearAhead(w, "hospital", ["new", "fujian-2027", "application", "--set", "项目名称=时钟快了一年时起草"])
        #expect(new.status == 0, "\(new.stderr)")
        let id = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = yearAhead(w, "hospital", ["sync"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains(say("fix this machine's clock", "请校正本机时钟")), "\(refused.stderr)")
        // The clock is fixed; the user goes on typing, then syncs.
        try w.check(["edit", id, "--set", "项目简介=时钟修好以后的编辑。"], in: "hospital")
        let recovered = w.run("hospital", ["sync"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stdout.contains(say("clock had run ahead", "本机时钟曾经走快")), "\(recovered.stdout)")
        let status = try w.check(["status", "--json"], in: "hospital").stdout
        #expect(status.contains("\"refused\" : [\n\n  ]") || status.contains("\"refused\" : []"), "\(status)")
        // Everything typed reached the hub: a colleague enrolled now sees both.
        try w.replica("colleague", org: "fz-first", role: "hospital")
        let shown = try w.check(["show", id], in: "colleague").stdout
        #expect(shown.contains("时钟快了一年时起草"))
        #expect(shown.contains("时钟修好以后的编辑。"))
        // And new edits are stamped with the real time again: accepted at once.
        try w.check(["edit", id, "--set", "项目名称=恢复后的名称"], in: "hospital")
        try w.check(["sync"], in: "hospital")
    }

    @Test func theHubsClockAYearFastForOneAdminCommandBricksNoReplica() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let admin = yearAhead(w, nil, ["hub", "orgs", "--db", w.hubDB, "--code", "fz-third", "--name", "福州市第三医院", "--kind", "hospital", "--city", "fj-fuzhou"])
        #expect(admin.status == 0, "\(admin.stderr)")
        try w.check(["sync"], in: "hospital")
        try w.replica("late", org: "fz-first", role: "hospital")   // a new init works too
        #expect(try w.check(["sync"], in: "late").status == 0)
        // The replicas' clocks were not dragged a year ahead: their edits are accepted at once.
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=时钟正常"], in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "late")
        #expect(try w.check(["show", id], in: "late").stdout.contains("时钟正常"))
    }

    @Test func aRefusedChangeIsDiscarded() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=原来的名称"], in: "hospital").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try w.check(["sync"], in: "hospital")
        #expect(yearAhead(w, "hospital", ["edit", id, "--set", "项目名称=被拒绝的名称"]).status == 0)
        #expect(yearAhead(w, "hospital", ["sync"]).status == 65)
        #expect(try w.check(["status"], in: "hospital").stdout.contains("clock_ahead"))
        let dropped = yearAhead(w, "hospital", ["discard", "--all", "--json"])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(!(try w.check(["status"], in: "hospital").stdout.contains("clock_ahead")))
        #expect(try w.check(["show", id], in: "hospital").stdout.contains("原来的名称"))
        #expect(!(try w.check(["show", id], in: "hospital").stdout.contains("被拒绝的名称")))
        #expect(w.run("hospital", ["discard", "hub:1"]).status == 64)
    }
}

/// Outside tools some tests drive.
enum Tools {
    static let faketime: String? = ["/usr/bin/faketime", "/usr/local/bin/faketime"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
