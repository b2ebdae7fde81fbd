import Foundation
import Synchronization
import Testing
@testable import HTTP
import TestSupport

/// Ways for a test to see what the server did: served another client, logged, used memory.

/// Whether a new client still gets a 200 (the server keeps serving after whatever came before).
func expectStillServes(_ port: UInt16, headers: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
    let c = try RawConnection(port: port)
    c.send("GET /alive HTTP/1.1\r\nHost: x\r\n\(headers)Connection: close\r\n\r\n")
    #expect(c.readResponse()?.status == 200, "a new client is no longer served", sourceLocation: sourceLocation)
}

/// The access log, kept for inspection.
final class AccessLogRecorder: Sendable {
    private let entries = Mutex<[HTTPServer.AccessEntry]>([])

    var logger: @Sendable (HTTPServer.AccessEntry) -> Void { { [self] entry in entries.withLock { $0.append(entry) } } }

    var all: [HTTPServer.AccessEntry] { entries.withLock { $0 } }

    /// The first entry for `path`, waiting up to `seconds` for it.
    func entry(for path: String, within seconds: Double = 10) -> HTTPServer.AccessEntry? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let entry = all.first(where: { $0.path == path }) { return entry }
            Thread.sleep(forTimeInterval: 0.01)
        } while Date() < deadline
        return nil
    }
}

/// Waits up to `seconds` for `condition`; whether it came true.
func eventually(within seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

/// This process's resident memory now, or its peak since ``resetPeakResidentBytes()`` (the
/// server runs in this process), from /proc.
func residentBytes(peak: Bool = false) throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let field = peak ? "VmHWM:" : "VmRSS:"
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field) })
    let kilobytes = try #require(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) })
    return kilobytes * 1024
}

/// Starts the peak over: memory freed again before a test looks would otherwise go unseen.
func resetPeakResidentBytes() throws {
    try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}
