import Foundation
import Testing
import Replication
@testable import Submissions
import JSON

@Suite struct WorkflowEntryJSONTests {
    @Test(arguments: [
        (#"{"action":"submit","by":"fz-first","revision":"ab12"}"#, ["action": "submit", "by": "fz-first", "revision": "ab12"]),
        (#" { "text" : "同意推荐。\n\"好\"" , "by":"x\/y" } "#, ["text": "同意推荐。\n\"好\"", "by": "x/y"]),
        (#"{"a":"\u4e2d\ud83d\ude00","b":null}"#, ["a": "中😀"]),
        (#"{}"#, [:]),
    ])
    func parsesFlatObjects(_ text: String, _ expected: [String: String]) throws {
        guard case .object(let members) = try JSONTree.parse(Array(text.utf8)) else { Issue.record("not an object"); return }
        var strings: [String: String] = [:]
        for (key, value) in members { if case .string(let s) = value { strings[key] = s } }
        #expect(strings == expected)
    }

    @Test(arguments: [#"{"a":1}"#, #"{"a":"b""#, #"{"a":"b"} x"#, #"["a"]"#, #"{"a":"\x"}"#, "{\"a\":\"line\nbreak\"}", #"{"a":"\ud83d"}"#, ""])
    func refusesEverythingElse(_ text: String) {
        #expect(WorkflowEntry(.text(text)) == nil)
    }

    @Test func agreesWithJSONEncoderOnEntries() throws {
        let entry = WorkflowEntry(action: .return, revision: "0123456789abcdef", text: "请补充\"数据安全\"措施\n第二行 / 斜杠", by: "fj-fuzhou")
        let encoded = String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)
        #expect(WorkflowEntry(.text(encoded)) == entry)
        #expect(WorkflowEntry(entry.stored) == entry)
    }
}
