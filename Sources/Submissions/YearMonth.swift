/// A month, as the notices write periods: 2023年5月, 2023-05, 2023.05, 2023/5.
public struct YearMonth: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `2023-05`, `2023年5月`, `2023.5`, `2023/05`, `202305`; two-digit years are 20xx.
    public init?(_ text: some StringProtocol) {
        let cleaned = String(text).trimmingSpaces().replacingAll(["年", ".", "/", "-"], with: " ").replacingAll(["月"], with: "")
        let parts = cleaned.split(separator: " ")
        var y: Int?, m: Int?
        if parts.count == 2 {
            y = Int(parts[0]); m = Int(parts[1])
        } else if parts.count == 1, parts[0].count == 6 {
            y = Int(parts[0].prefix(4)); m = Int(parts[0].suffix(2))
        }
        guard var year = y, let month = m else { return nil }
        if year < 100 { year += 2000 }
        self.init(year: year, month: month)
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// `2023-05`, the stored form.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// `2023年05月`, as the notices print it.
    public var chinese: String { "\(year)年\(month < 10 ? "0" : "")\(month)月" }
}

/// 年月 to 年月, stored `2023-05/2024-12`.
public struct Period: Hashable, Sendable {
    public let start: YearMonth
    public let end: YearMonth

    /// Parses `2023年5月-2024年12月`, `2023-05/2024-12`, `2023.05—2024.12`, `2023-05至2024-12`.
    public static func parse(_ text: String) -> Result<Period, PeriodError> {
        let unified = text.trimmingSpaces().replacingAll(["至", "—", "–", "－", "~", "～", "到"], with: "/")
        var halves = unified.split(separator: "/").map(String.init)
        if halves.count != 2 {
            // 2023年5月-2024年12月 and 2023.05-2024.12 separate the halves with the same dash the
            // months might use: split where a new year begins.
            halves = Self.splitOnDash(unified)
        }
        guard halves.count == 2, let start = YearMonth(halves[0]), let end = YearMonth(halves[1]) else {
            return .failure(.unreadable)
        }
        guard start < end else { return .failure(.endNotAfterStart(start, end)) }
        return .success(Period(start: start, end: end))
    }

    private static func splitOnDash(_ text: String) -> [String] {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        // Candidates: every dash position; keep the one where both sides read as months.
        for i in 1..<max(parts.count, 1) {
            let left = parts[..<i].joined(separator: "-"), right = parts[i...].joined(separator: "-")
            if YearMonth(left) != nil && YearMonth(right) != nil { return [left, right] }
        }
        return []
    }

    public var stored: String { "\(start)/\(end)" }
    /// `2023年05月-2024年12月`
    public var chinese: String { "\(start.chinese)-\(end.chinese)" }

    public enum PeriodError: Error, Equatable {
        case unreadable
        case endNotAfterStart(YearMonth, YearMonth)
    }
}

