import Foundation
import Testing
import TestSupport

/// A record's whole life through the real binary and a real hub: deleted, deleted while edited,
/// restored, in every order of syncs, with a replica of the unit enrolled afterwards. Every replica
/// in the record's scope ends with the same view.
@Suite struct DeleteRestoreAcrossHubTests {
    /// What a replica shows of everything: its records and its conflicts.
    func view(_ w: CLIWorld, _ name: String) throws -> String {
        try w.check(["list", "--json"], in: name).stdout + (try w.check(["conflicts", "--json"], in: name).stdout)
    }

    func syncAll(_ w: CLIWorld, _ names: [String]) throws {
        for _ in 0..<2 { for name in names { try w.check(["sync"], in: name) } }
    }

    @Test func aDeleteReachesEveryReplicaOfTheUnitAndOneEnrolledLater() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.draft(in: "a", "要删除的草稿")
        try syncAll(w, ["a", "b"])
        #expect(try view(w, "b").contains("要删除的草稿"))
        try w.check(["delete", id], in: "b")
        try syncAll(w, ["b", "a"])
        try w.replica("c", org: "fz-first", role: "hospital")
        try syncAll(w, ["a", "b", "c"])
        for name in ["a", "b", "c"] {
            #expect(!(try view(w, name)).contains("要删除的草稿"), "\(name)")
            #expect(w.run(name, ["show", id]).status != 0, "\(name) still shows the deleted record")
        }
        #expect(try view(w, "a") == view(w, "c"))
    }

    /// Laptop a deletes while laptop b edits the same draft, both offline; they sync in `order`.
    @Test(arguments: [["a", "b"], ["b", "a"]])
    func deletedWhileEditedIsKeptShownAndRestoredEverywhere(order: [String]) throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.draft(in: "a", "两台电脑的草稿")
        try syncAll(w, ["a", "b"])
        try w.check(["delete", id], in: "a")
        try w.check(["edit", id, "--set", "项目简介=删除时另一台电脑在编辑。"], in: "b")
        for name in order { try w.check(["sync"], in: name) }
        try syncAll(w, ["a", "b"])
        try w.replica("c", org: "fz-first", role: "hospital")
        try syncAll(w, ["a", "b", "c"])
        for name in ["a", "b", "c"] {
            let conflicts = try w.check(["conflicts"], in: name).stdout
            #expect(conflicts.contains(say("deleted", "删除")) && conflicts.contains(id), "\(name): \(conflicts)")
            #expect(try w.check(["show", id], in: name).stdout.contains("删除时另一台电脑在编辑。"), "\(name)")
        }
        #expect(try view(w, "a") == view(w, "b"))
        #expect(try view(w, "a") == view(w, "c"))

        // The deleter keeps it after all; every replica sees it back, with the surviving edit.
        try w.check(["restore", id], in: order[0])
        try syncAll(w, ["a", "b", "c"])
        for name in ["a", "b", "c"] {
            #expect(try w.check(["conflicts", "--json"], in: name).stdout.contains(id) == false, "\(name)")
            #expect(try w.check(["show", id], in: name).stdout.contains("删除时另一台电脑在编辑。"), "\(name)")
        }
        #expect(try view(w, "a") == view(w, "b"))
        #expect(try view(w, "a") == view(w, "c"))
    }

    @Test(arguments: [["a", "b"], ["b", "a"]])
    func deletedWhileEditedThenDeletedAgainIsGoneEverywhere(order: [String]) throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try w.draft(in: "a", "确认删除的草稿")
        try syncAll(w, ["a", "b"])
        try w.check(["delete", id], in: "a")
        try w.check(["edit", id, "--set", "项目简介=并发编辑。"], in: "b")
        for name in order { try w.check(["sync"], in: name) }
        try syncAll(w, ["a", "b"])
        try w.check(["delete", id], in: order[1])   // confirm
        try syncAll(w, ["a", "b"])
        try w.replica("c", org: "fz-first", role: "hospital")
        try syncAll(w, ["a", "b", "c"])
        for name in ["a", "b", "c"] {
            #expect(w.run(name, ["show", id]).status != 0, "\(name)")
            #expect(!(try w.check(["conflicts", "--json"], in: name).stdout.contains(id)), "\(name)")
        }
        #expect(try view(w, "a") == view(w, "c"))
    }
}
