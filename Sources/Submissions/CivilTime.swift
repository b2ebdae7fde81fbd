/// A moment as calendar fields, by plain arithmetic on the proleptic Gregorian calendar
/// (H. Hinnant's days-to-civil): cheap and safe on any thread, where a formatter per log line
/// cost the hub a tenth of its time in a rush, and a `DateFormatter` a command 1.3 ms to make.
public struct CivilTime: Equatable, Sendable {
    let year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64

    /// `ms` after 1970 UTC, seen at `offsetSeconds` east of UTC.
    init(milliseconds ms: Int64, offsetSeconds: Int64 = 0) {
        let seconds = ms.floorDivided(by: 1000) + offsetSeconds
        let days = seconds.floorDivided(by: 86_400), inDay = seconds - days * 86_400
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097), dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        (hour, minute, second) = (inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    /// `2026-12-07T04:17:12Z`, as `ISO8601DateFormatter` writes a UTC moment.
    public static func iso8601(milliseconds ms: Int64) -> String {
        let t = CivilTime(milliseconds: ms)
        return "\(four(t.year))-\(two(t.month))-\(two(t.day))T\(two(t.hour)):\(two(t.minute)):\(two(t.second))Z"
    }

    /// `2026-12-07 12:17:12`, to the second, at `offsetSeconds` east of UTC.
    public static func text(milliseconds ms: Int64, offsetSeconds: Int64) -> String {
        let t = CivilTime(milliseconds: ms, offsetSeconds: offsetSeconds)
        return "\(four(t.year))-\(two(t.month))-\(two(t.day)) \(two(t.hour)):\(two(t.minute)):\(two(t.second))"
    }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func four(_ n: Int64) -> String { n >= 0 && n < 1000 ? String(repeating: "0", count: 4 - "\(n)".count) + "\(n)" : "\(n)" }
}

extension Int64 {
    /// Division rounding toward minus infinity (a moment before 1970 stays in its own day).
    func floorDivided(by d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
