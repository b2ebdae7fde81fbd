import Foundation
@testable import Hub
import Submissions
import Testing
import TestSupport

/// The dashboard's own pieces: the times it and the log print, and text that stays text.
@Suite struct DashboardPageTests {
    @Test func timesAreChinaTimeToTheMinuteAsAFormatterWouldSayThem() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        let edges: [Int64] = [0, -1, -60_000, 951_782_400_000 - 8 * 3_600_000, 4_102_444_800_000, 1_798_732_799_999]
        // 1900 to about 2150, to the millisecond.
        let samples = edges + (0..<20_000).map { _ in Int64(random.next() % 8_000_000_000_000) - 2_208_988_800_000 }
        for ms in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms.floorDivided1000) ))
            #expect(DashboardPage.time(ms) == expected, "seed \(seed) (replay with TIANBAO_SEED): \(ms)")
        }
    }

    /// The access log's and a refusal's moments, as `ISO8601DateFormatter` writes them (it cost a
    /// tenth of the hub's time in a rush, made for each line).
    @Test func logTimesAreWhatAnISOFormatterWrites() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        let formatter = ISO8601DateFormatter()
        let edges: [Int64] = [0, -1, -1_000, 951_782_400_000, 4_102_444_800_000, 1_798_732_799_999]
        let samples = edges + (0..<20_000).map { _ in Int64(random.next() % 8_000_000_000_000) - 2_208_988_800_000 }
        for ms in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms.floorDivided1000)))
            #expect(CivilTime.iso8601(milliseconds: ms) == expected, "seed \(seed) (replay with TIANBAO_SEED): \(ms)")
        }
    }

    @Test func namesAndLabelsAreEscaped() {
        #expect(DashboardPage.escape("<script>alert('x')</script>&\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
    }
}

private extension Int64 {
    /// Whole seconds, rounded down, as the page's minutes count them.
    var floorDivided1000: Int64 { self >= 0 ? self / 1000 : -((-self + 999) / 1000) }
}
