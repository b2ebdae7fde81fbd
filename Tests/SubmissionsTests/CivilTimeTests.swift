import Foundation
import Submissions
import Testing
import TestSupport

/// Moments as the CLI prints them (`show`, `log`, `completeness`), by arithmetic: what a
/// `DateFormatter` on the Gregorian calendar writes, at any offset, before 1970 too.
@Suite struct CivilTimeTests {
    @Test func secondsAtAnOffsetAreWhatAFormatterWrites() {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var random = SeededRandom(seed: seed)
        let edges: [Int64] = [0, -1, -1_000, 951_782_400_000, 4_102_444_800_000, 1_798_732_799_999]
        let samples = edges + (0..<20_000).map { _ in Int64(random.next() % 8_000_000_000_000) - 2_208_988_800_000 }
        for hours in [8, 0, -5] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            formatter.timeZone = TimeZone(secondsFromGMT: hours * 3600)
            for ms in samples {
                let seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)
                let expected = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
                #expect(CivilTime.text(milliseconds: ms, offsetSeconds: Int64(hours) * 3600) == expected,
                        "seed \(seed) (replay with TIANBAO_SEED): \(ms) at UTC\(hours)")
            }
        }
    }
}
