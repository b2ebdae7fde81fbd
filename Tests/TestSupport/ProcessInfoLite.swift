import Foundation

/// Environment access for tests, kept in one place.
public enum ProcessInfoLite {
    public static func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
}
