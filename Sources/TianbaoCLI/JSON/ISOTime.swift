import Foundation

/// Every moment a `--json` output carries: ISO 8601 with its offset from UTC, to the second, in
/// China's +08:00 unless a call says otherwise (e.g. `2026-01-30T23:59:59+08:00`). Never raw
/// milliseconds, never a display string.
enum ISOTime {
    static func string(_ ms: Int64, offsetHours: Int = 8) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxxxx"
        formatter.timeZone = TimeZone(secondsFromGMT: offsetHours * 3600)
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func string(optional ms: Int64?, offsetHours: Int = 8) -> String? { ms.map { string($0, offsetHours: offsetHours) } }
}
