import Foundation
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
        let record = try JSONSerialization.jsonObject(with: Data(id.utf8)) as! [String: String]
        try w.check(["sync"], in: "hospital")
        try w.check(["sync"], in: "city")
        let log = try w.check(["log", record["id"]!], in: "hospital").stdout
        #expect(log.contains("林晓（信息科）（福州市第一医院）"), "\(log)")
        #expect(log.contains("[typed as: 福建省卫生健康委员会]"), "\(log)")
        #expect(!log.contains("  福建省卫生健康委员会  "), "a typed name stood in for the enrolled identity: \(log)")
        #expect(log.contains("(UTC+8)"))
        let json = try w.check(["log", record["id"]!, "--json"], in: "hospital").stdout
        let entries = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: String]]
        #expect(entries.allSatisfy { $0["enrolled"] == "林晓（信息科）" && $0["unit"] == "福州市第一医院" && $0["typed"] == "福建省卫生健康委员会" })
    }
}
