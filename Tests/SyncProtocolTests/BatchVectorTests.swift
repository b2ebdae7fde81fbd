import Foundation
import Testing
import SyncProtocol

/// The batch-format cases in `Sync/vectors/batches/`: each file is read whole, or refused whole
/// with the reason `expect.json` names.
@Suite struct BatchVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sync/vectors/batches")

    struct Expect: Decodable {
        struct Case: Decodable { let changes: Int?; let refuse: String? }
        let cases: [String: Case]
    }

    @Test func everyBatchIsReadWholeOrRefusedWhole() throws {
        let expect = try JSONDecoder().decode(Expect.self, from: Data(contentsOf: Self.directory.appendingPathComponent("expect.json")))
        #expect(expect.cases.count >= 9)
        for (file, want) in expect.cases.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(file)))
            do {
                let changes = try ChangeBatch.decode(bytes)
                #expect(want.refuse == nil, "\(file) was read but must be refused: \(want.refuse ?? "")")
                #expect(changes.count == want.changes, "\(file)")
            } catch {
                #expect(want.refuse.map { "\(error)".contains($0) } == true, "\(file): \(error)")
            }
        }
    }
}
