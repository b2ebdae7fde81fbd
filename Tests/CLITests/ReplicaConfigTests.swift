import Foundation
import Messages
import Testing
@testable import TianbaoCLI
import TestSupport

/// A replica's `config.json`, read straight from its JSON (no `Codable`): what it accepts and what
/// it calls damaged.
@Suite struct ReplicaConfigTests {
    typealias Config = ReplicaDirectory.Config

    func read(_ text: String) -> Config? { Config(json: Array(text.utf8)) }

    @Test func theFourNamesAreNeededAndTheTwoNotesMayBeMissingOrNull() throws {
        let whole = try #require(read(#"{"hub":"https://hub","replica":"ab","org":"fz-first","role":"hospital","name":"张三","caFile":"hub-ca.pem"}"#))
        #expect((whole.hub, whole.replica, whole.org, whole.role, whole.name, whole.caFile)
            == ("https://hub", "ab", "fz-first", "hospital", "张三", "hub-ca.pem"))
        let bare = try #require(read(#"{"hub":"h","replica":"r","org":"o","role":"city","name":null}"#))
        #expect(bare.name == nil && bare.caFile == nil)
        for missing in ["hub", "replica", "org", "role"] {
            var members = ["hub": "h", "replica": "r", "org": "o", "role": "city"]
            members[missing] = nil
            let text = "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
            #expect(read(text) == nil, "a config without \(missing) reads")
            #expect(read(text.replacingOccurrences(of: "}", with: ",\"\(missing)\":null}")) == nil, "a null \(missing) reads")
        }
    }

    @Test func aMemberOfAnotherTypeOrNoJSONIsDamaged() {
        #expect(read(#"{"hub":"h","replica":"r","org":"o","role":"city","name":7}"#) == nil)
        #expect(read(#"{"hub":["h"],"replica":"r","org":"o","role":"city"}"#) == nil)
        #expect(read(#"["hub","replica"]"#) == nil)
        #expect(read("") == nil)
        #expect(read(#"{"hub":"h","replica":"r","org":"o","role":"city""#) == nil, "cut short")
    }

    @Test func theCommandSaysTheConfigIsDamagedAndWhatToDo() throws {
        let folder = TemporaryDirectory()
        try #"{"hub":"http://127.0.0.1:9","replica":"0f","org":7,"role":"province"}"#
            .write(toFile: folder.file("config.json"), atomically: true, encoding: .utf8)
        let result = Subprocess.run(["list", "--dir", folder.path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains(say("\(folder.file("config.json")) is damaged", "\(folder.file("config.json")) 已损坏")), "\(result.stderr)")
    }
}
