import Foundation

/// The national guide's 84 scenarios (《卫生健康行业人工智能应用场景参考指引》), by number.
public struct GuideCatalog: Sendable {
    public struct Scenario: Codable, Hashable, Sendable {
        public let number: Int
        public let name: String
        public let category: String
        public let part: String
    }

    public let scenarios: [Scenario]

    public static let national: GuideCatalog = {
        struct File: Codable { let scenarios: [Scenario] }
        guard let data = ShippedResource.json("national-guide-scenarios", in: "reference"), let file = try? JSONDecoder().decode(File.self, from: data)
        else { return GuideCatalog(scenarios: []) }
        return GuideCatalog(scenarios: file.scenarios)
    }()

    public func scenario(_ number: Int) -> Scenario? { scenarios.first { $0.number == number } }

    public var categories: [String] {
        var seen: [String] = []
        for s in scenarios where !seen.contains(s.category) { seen.append(s.category) }
        return seen
    }
}
