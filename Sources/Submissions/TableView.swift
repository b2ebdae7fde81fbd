import Messages
import Foundation

/// How a table is cut for the reader: only the library (入库), only some of the national guide's
/// scenarios or categories, grouped by either. The cut is written on the table itself (a header
/// line, the title) so a printed page never passes for the whole table.
public struct TableView: Hashable, Sendable {
    public enum Grouping: String, Sendable, CaseIterable {
        /// By 参考指引场景 (the guide's scenario numbers).
        case guide
        /// By the guide's 13 categories (“人工智能+”医疗服务 …).
        case category
    }

    /// Only the records the province selected.
    public var library = false
    /// Only records tagged with one of these scenario numbers.
    public var scenarios: Set<Int>?
    /// Only records tagged with a scenario of this category (its full name).
    public var category: String?
    public var groupBy: Grouping?

    public init(library: Bool = false, scenarios: Set<Int>? = nil, category: String? = nil, groupBy: Grouping? = nil) {
        self.library = library
        self.scenarios = scenarios
        self.category = category
        self.groupBy = groupBy
    }

    /// The category `reference` names: its full name, its name without “人工智能+”, or its place (1–13).
    public static func category(named reference: String, in guide: GuideCatalog = .national) throws -> String {
        let categories = guide.categories
        if categories.contains(reference) { return reference }
        if let n = Int(reference), categories.indices.contains(n - 1) { return categories[n - 1] }
        if let short = categories.first(where: { shortName($0) == reference }) { return short }
        throw DomainError.refused(code: "unknown_category",
                                  reason: Message.unknownCategory.text(reference, Suggestion.phrase(reference, among: categories.map(shortName)),
                                                                     categories.enumerated().map { "\($0.offset + 1) \(shortName($0.element))" }.joined(separator: "、")))
    }

    static func shortName(_ category: String) -> String {
        category.replacingOccurrences(of: "“人工智能+”", with: "")
    }

    /// Whether a record tagged with `numbers` passes the filters.
    func admits(_ numbers: [Int], guide: GuideCatalog) -> Bool {
        if let scenarios, !numbers.contains(where: scenarios.contains) { return false }
        if let category, !numbers.contains(where: { guide.scenario($0)?.category == category }) { return false }
        return true
    }

    /// The record's group under ``groupBy``: where it sorts (its first scenario or category in
    /// the guide's order; untagged last) and what its cell says (every one it is tagged with).
    func group(_ numbers: [Int], guide: GuideCatalog) -> (order: Int, label: String) {
        guard let groupBy else { return (0, "") }
        switch groupBy {
        case .guide:
            let known = numbers.sorted().compactMap(guide.scenario)
            guard let first = known.first else { return (Int.max, "（未标注）") }
            return (first.number, known.map { "\($0.number) \($0.name)" }.joined(separator: "、"))
        case .category:
            let categories = guide.categories
            var mine: [String] = []
            for n in numbers.sorted() { if let c = guide.scenario(n)?.category, !mine.contains(c) { mine.append(c) } }
            let ordered = mine.sorted { (categories.firstIndex(of: $0) ?? 99) < (categories.firstIndex(of: $1) ?? 99) }
            guard let first = ordered.first else { return (Int.max, "（未标注）") }
            return (categories.firstIndex(of: first) ?? 99, ordered.map(Self.shortName).joined(separator: "、"))
        }
    }

    /// The header line that says how the table was cut, or nil when it was not.
    var filterLine: CompiledTable.Line? {
        var parts: [String] = []
        if let scenarios { parts.append("参考指引场景 " + scenarios.sorted().map(String.init).joined(separator: "、")) }
        if let category { parts.append("参考指引场景类别 " + Self.shortName(category)) }
        return parts.isEmpty ? nil : CompiledTable.Line(label: "筛选", value: parts.joined(separator: "；"))
    }

    /// The column a grouped table opens with.
    var groupColumn: TableSpec.Column? {
        switch groupBy {
        case .guide: TableSpec.Column(label: "参考指引场景", source: TableView.groupSource)
        case .category: TableSpec.Column(label: "参考指引场景类别", source: TableView.groupSource)
        case nil: nil
        }
    }

    static let groupSource = "@group"
}
