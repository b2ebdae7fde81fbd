import Foundation
import Testing
import TestSupport

/// One `tianbao serve` per database: a second one on the same file (a unit file started twice, a
/// restart that overlaps) is refused at once, and the first keeps serving.
@Suite struct ServeLockTests {
    @Test func aSecondHubOnTheSameDatabaseIsRefusedAndTheFirstKeepsServing() throws {
        let w = try CLIWorld()
        let second = Subprocess.run(["serve", "--db", w.hubDB, "--listen", "127.0.0.1:0"], timeout: 20)
        #expect(second.status == 75, "a second hub on the same database exited \(second.status): \(second.stderr)")
        #expect(second.stderr.contains(w.hubDB), "the refusal does not name the database: \(second.stderr)")
        #expect(second.stderr.contains(Subprocess.speaksChinese ? "绝不能由两个中心进程同时服务" : "must never serve one database"), "\(second.stderr)")

        // The first still answers, and once it stopped, the database is free for the next one.
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.check(["sync"], in: "a")
        #expect(w.stopHub()?.status == 0)
        try w.startHub()
        try w.check(["sync"], in: "a")
    }
}
