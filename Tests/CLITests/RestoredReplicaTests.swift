import Foundation
import Testing
import TestSupport

/// A replica's folder restored from an older copy, or copied to a second machine, through the
/// real binary and hub: nothing is lost, the user is told, and two copies never go on silently.
@Suite struct RestoredReplicaTests {
    func copyFolder(_ w: CLIWorld, _ from: String, _ to: String) throws {
        try? FileManager.default.removeItem(atPath: w.dir.file(to))
        try FileManager.default.copyItem(atPath: w.dir.file(from), toPath: w.dir.file(to))
    }

    func new(_ w: CLIWorld, _ name: String, _ title: String) throws -> String {
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=\(title)"], in: name).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aReplicaRestoredFromAnOlderCopyGetsItsWorkBackAndKeepsWhatItTypedSince() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let first = try new(w, "hospital", "备份之前的草稿")
        try w.check(["sync"], in: "hospital")
        try copyFolder(w, "hospital", "backup")
        // Work after the backup reaches the hub; then the disk dies and the backup is restored.
        let lost = try new(w, "hospital", "备份之后的草稿")
        try w.check(["edit", first, "--set", "项目名称=备份之后改的名称"], in: "hospital")
        try w.check(["sync"], in: "hospital")
        try copyFolder(w, "backup", "hospital")
        // The restored replica is used before it syncs: its new changes take numbers the hub already holds.
        let typedSince = try new(w, "hospital", "恢复之后的草稿")
        try w.check(["edit", first, "--set", "项目简介=恢复之后写的简介。"], in: "hospital")
        let sync = w.run("hospital", ["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains(say("restored from an older copy", "曾从旧备份恢复")), "\(sync.stdout)")
        #expect(sync.stdout.contains(say("under new numbers", "以新编号保留内容")), "\(sync.stdout)")
        try w.check(["sync"], in: "hospital")
        // Nothing lost, here and for a colleague enrolled now.
        try w.replica("colleague", org: "fz-first", role: "hospital")
        for name in ["hospital", "colleague"] {
            let list = try w.check(["list", "--json"], in: name).stdout
            for id in [first, lost, typedSince] { #expect(list.contains(id), "\(name) lacks \(id)") }
            let shown = try w.check(["show", first], in: name).stdout
            #expect(shown.contains("备份之后改的名称"), "\(name)")
            #expect(shown.contains("恢复之后写的简介。"), "\(name)")
        }
        #expect(try w.check(["list", "--json"], in: "hospital").stdout == w.check(["list", "--json"], in: "colleague").stdout)
    }

    @Test func oneFolderOnTwoMachinesIsDetectedAndStoppedWithNothingLost() throws {
        let w = try CLIWorld()
        try w.replica("laptop", org: "fz-first", role: "hospital")
        let id = try new(w, "laptop", "两台机器的草稿")
        try w.check(["sync"], in: "laptop")
        try copyFolder(w, "laptop", "twin")
        try w.check(["edit", id, "--set", "项目简介=笔记本上的简介。"], in: "laptop")
        try w.check(["sync"], in: "laptop")
        try w.check(["edit", id, "--set", "团队简介=另一台机器上的团队简介。"], in: "twin")
        let twin = w.run("twin", ["sync"])
        #expect(twin.status == 0, "\(twin.stderr)")
        // The first copy goes on: it is told, and stops.
        try w.check(["edit", id, "--set", "项目推进计划=被拒绝前写的计划。"], in: "laptop")
        let stopped = w.run("laptop", ["sync"])
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains(say("in use on another machine", "正在另一台机器上使用")), "\(stopped.stderr)")
        #expect(try w.check(["show", id], in: "laptop").stdout.contains("被拒绝前写的计划。"))   // kept in its folder
        // Both copies' synced work is at the hub.
        try w.replica("colleague", org: "fz-first", role: "hospital")
        let shown = try w.check(["show", id], in: "colleague").stdout
        #expect(shown.contains("笔记本上的简介。"))
        #expect(shown.contains("另一台机器上的团队简介。"))
    }
}
