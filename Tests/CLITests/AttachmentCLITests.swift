import Crypto
import Foundation
import Testing
import TestSupport

/// Attached files through the real binary: `attach`, `show`, `sync`, `extract`, and a bundle
/// carried to the hub by hand.
@Suite struct AttachmentCLITests {
    /// A scan-sized PDF of `size` bytes from `seed`, written to `path`.
    @discardableResult
    static func pdf(_ path: String, size: Int, seed: UInt64 = 3) throws -> [UInt8] {
        let bytes = ScanBytes.pdf(size, seed: seed)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return bytes
    }

    static func draft(_ w: CLIWorld, in replica: String) throws -> String {
        try w.check(["new", "fujian-2027", "application", "--set", "项目名称=影像辅助诊断"], in: replica).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aScanAttachedOnOneReplicaIsExtractedByteForByteOnAnother() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try Self.draft(w, in: "a")
        let bytes = try Self.pdf(w.dir.file("申请表扫描件.pdf"), size: 20 << 20)
        try w.check(["attach", id, w.dir.file("申请表扫描件.pdf")], in: "a")
        let shown = try w.check(["show", id], in: "a").stdout
        #expect(shown.contains("【附件】") && shown.contains("申请表扫描件.pdf  20 MiB  application/pdf") && shown.contains("在本机"), "\(shown)")
        let sent = try w.check(["sync", "--json"], in: "a").stdout
        #expect(sent.contains("\"filesSent\" : 1") || sent.contains("\"filesSent\":1"), "\(sent)")
        try w.check(["sync"], in: "b")
        let json = try w.check(["show", id, "--json"], in: "b").stdout
        #expect(json.contains("\"here\" : true") || json.contains("\"here\":true"), "\(json)")
        try w.check(["extract", id, "申请表扫描件.pdf", "--out", w.dir.file("copy.pdf")], in: "b")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("copy.pdf")))) == bytes)
        // Written once: an existing file is not overwritten.
        let again = w.run("b", ["extract", id, "申请表扫描件.pdf", "--out", w.dir.file("copy.pdf")])
        #expect(again.status != 0 && again.stderr.contains(say("already exists", "已存在")))
    }

    @Test func aBundleCarriesTheFileToTheHubByteForByte() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        try w.replica("b", org: "fz-first", role: "hospital")
        let id = try Self.draft(w, in: "a")
        let bytes = try Self.pdf(w.dir.file("scan.pdf"), size: 20 << 20, seed: 11)
        try w.check(["attach", id, w.dir.file("scan.pdf"), "--name", "盖章页.pdf"], in: "a")
        try w.check(["bundle", "export", "--out", w.dir.file("a.bundle")], in: "a")
        try w.check(["hub", "import", "--db", w.hubDB, w.dir.file("a.bundle")])
        try w.check(["sync"], in: "b")
        try w.check(["extract", id, "盖章页.pdf", "--out", w.dir.file("from-hub.pdf")], in: "b")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("from-hub.pdf")))) == bytes)
        // A colleague's replica takes the same bundle by hand too.
        try w.replica("c", org: "fz-first", role: "hospital")
        try w.check(["bundle", "import", w.dir.file("a.bundle")], in: "c")
        try w.check(["extract", id, "盖章页.pdf", "--out", w.dir.file("from-bundle.pdf")], in: "c")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("from-bundle.pdf")))) == bytes)
        // One byte of the file changed in the bundle: refused whole, nothing applied.
        var damaged = Array(try Data(contentsOf: URL(fileURLWithPath: w.dir.file("a.bundle"))))
        let part = try #require(damaged.firstRange(of: Array("{\"part\":\"".utf8)))
        damaged[part.upperBound + 100] = damaged[part.upperBound + 100] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(damaged).write(to: URL(fileURLWithPath: w.dir.file("damaged.bundle")))
        let refused = w.run(nil, ["hub", "import", "--db", w.hubDB, w.dir.file("damaged.bundle")])
        #expect(refused.status != 0 && refused.stderr.contains(say("does not match its hash", "与其哈希不符")), "\(refused.stderr)")
    }

    @Test func aFileOverTheBoundOrNotAScanIsRefusedWithWhy() throws {
        let w = try CLIWorld()
        try w.replica("a", org: "fz-first", role: "hospital")
        let id = try Self.draft(w, in: "a")
        try Self.pdf(w.dir.file("huge.pdf"), size: (32 << 20) + 1)
        let huge = w.run("a", ["attach", id, w.dir.file("huge.pdf")])
        #expect(huge.status == 65)
        #expect(huge.stderr.contains(say("33554433 bytes", "33554433 字节")) && huge.stderr.contains(say("at most 32 MiB", "最多 32 MiB")) && huge.stderr.contains(say("lower resolution", "较低分辨率")), "\(huge.stderr)")
        try Data("名单,电话\n".utf8).write(to: URL(fileURLWithPath: w.dir.file("list.csv")))
        let text = w.run("a", ["attach", id, w.dir.file("list.csv")])
        #expect(text.status == 65 && text.stderr.contains(say("not a PDF, PNG, JPEG, TIFF or OFD", "不是 PDF、PNG、JPEG、TIFF 或 OFD 文件")), "\(text.stderr)")
        #expect(!(try w.check(["show", id], in: "a").stdout.contains("【附件】")))
    }
}
