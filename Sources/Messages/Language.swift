import Foundation

/// The language messages are written in: Chinese under a Chinese locale, English otherwise.
public enum Language: Sendable {
    case english, chinese

    /// Read once, from the environment as POSIX orders it: `LC_ALL`, then `LC_MESSAGES`, then `LANG`.
    public static let current: Language = detect(ProcessEnvironment.current())

    public static func detect(_ environment: [String: String]) -> Language {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        return locale.lowercased().hasPrefix("zh") ? .chinese : .english
    }
}
