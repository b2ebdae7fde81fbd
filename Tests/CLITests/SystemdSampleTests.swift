import Foundation
import Testing
import TestSupport

/// Examples/systemd/tianbao-hub.service as systemd itself reads it: `systemd-analyze verify` finds
/// nothing wrong (with the unit's paths pointed at the binary under test), and `systemd-analyze
/// security` rates the hardened unit OK, not EXPOSED.
@Suite(.enabled(if: SystemdAnalyze.present, "needs systemd-analyze (Debian's systemd package; present on any Debian with systemd)"))
struct SystemdSampleTests {
    static let analyze = SystemdAnalyze.path
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/systemd/tianbao-hub.service").path

    /// The sample with its binary's path replaced by the binary under test, as an operator installs it.
    static func installed(in dir: String) throws -> String {
        let unit = try String(contentsOfFile: sample, encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/tianbao serve"))
        let path = dir + "/tianbao-hub.service"
        try unit.replacingOccurrences(of: "/usr/local/bin/tianbao", with: Subprocess.tianbao).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theUnitVerifies() throws {
        let dir = TemporaryDirectory()
        let unit = try Self.installed(in: dir.path)
        let result = Subprocess.run(["verify", unit], timeout: 60, executable: Self.analyze)
        // A container without systemd as PID 1 still reads the unit; only "not running" notes are not about it.
        let problems = result.stderr.split(separator: "\n").filter { line in
            !line.contains("System has not been booted with systemd") && !line.contains("Failed to connect to bus")
                && !line.contains("Failed to setup working directory") && !line.isEmpty
        }
        #expect(result.status == 0 && problems.isEmpty, "systemd-analyze verify: \(result.status)\n\(result.stderr)")
    }

    @Test func theUnitIsHardened() throws {
        let dir = TemporaryDirectory()
        let unit = try Self.installed(in: dir.path)
        let result = Subprocess.run(["security", "--offline=true", "--no-pager", unit], timeout: 60, executable: Self.analyze)
        let overall = result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let score = overall.flatMap { line in
            line.split(separator: " ").compactMap { Double($0) }.first
        }
        #expect(score != nil, "no exposure level in: \(result.stdout.suffix(400)) \(result.stderr)")
        #expect((score ?? 10) <= 2.0, "systemd-analyze security rates the sample \(String(describing: overall))")
        #expect(!result.stdout.contains("EXPOSED") && !result.stdout.contains("UNSAFE"))
    }
}

enum SystemdAnalyze {
    static let path = "/usr/bin/systemd-analyze"
    static var present: Bool { FileManager.default.isExecutableFile(atPath: path) }
}
