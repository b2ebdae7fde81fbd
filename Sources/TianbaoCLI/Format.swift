import Messages
import Foundation
import Submissions

/// How times, durations and JSON are printed.
enum Format {
    /// A moment as a date and time in the call's offset from UTC (China's +8 unless a call says
    /// otherwise), never raw milliseconds.
    static func time(_ ms: Int64, offsetHours: Int = 8) -> String {
        CivilTime.text(milliseconds: ms, offsetSeconds: Int64(offsetHours) * 3600) + " (UTC\(offsetHours >= 0 ? "+" : "")\(offsetHours))"
    }

    static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        let days = minutes / 1440, hours = minutes % 1440 / 60, mins = minutes % 60
        if days > 0 { return Message.durationDays.text(days, hours) }
        if hours > 0 { return Message.durationHours.text(hours, mins) }
        return Message.durationMinutes.text(mins)
    }
}

enum JSONOut {
    static func print(_ io: IO, _ value: some Encodable) throws {
        io.print(try text(value))
    }

    /// One compact line, for output read while the command runs on (`serve --json`).
    static func line(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Record `id` as it stands on this replica, in the shape every command prints it.
    static func record(_ id: String, _ workspace: Workspace) throws -> RecordJSON {
        let submission = try workspace.submission(id)
        return RecordJSON(submission, form: try workspace.template(of: submission).1, own: workspace.actor.org)
    }
}
