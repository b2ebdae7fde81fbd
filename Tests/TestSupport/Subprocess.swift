import Foundation

/// Runs the built `tianbao` binary as a user would, capturing its output and exit code.
///
/// Output goes to files, not pipes, so a child that prints a lot never blocks on a full pipe.
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// Ended by a signal (a crash, or a kill), `status` then being the signal's number.
        public var signaled = false

        /// An exit a user can act on: not a crash, not an internal error (70).
        public var isOrderly: Bool { !signaled && status != 70 }
    }

    /// The package's build folder, found from this file's path.
    public static let buildDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug")

    /// The binary under test: `$TIANBAO_BIN` (CI sets it to the release build: test what ships),
    /// else the debug build.
    public static var tianbao: String {
        ProcessInfo.processInfo.environment["TIANBAO_BIN"].map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? buildDirectory.appendingPathComponent("tianbao").path
    }

    /// The locale every `tianbao` under test runs in: `$TIANBAO_TEST_LANG` (CI runs the subprocess
    /// tests once more under `zh_CN.UTF-8`), else `C.UTF-8`.
    public static var language: String {
        ProcessInfo.processInfo.environment["TIANBAO_TEST_LANG"] ?? "C.UTF-8"
    }

    /// Whether the binary under test speaks Chinese (its messages; field labels are Chinese either way).
    public static var speaksChinese: Bool { language.lowercased().hasPrefix("zh") }

    /// Runs `tianbao` with `arguments`; the environment is a clean one plus `environment`.
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                           timeout: Double = 120, executable: String? = nil) -> Result {
        let process = start(arguments, environment: environment, directory: directory, executable: executable)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { usleep(5_000) }
        if process.process.isRunning { process.process.terminate() }
        process.process.waitUntilExit()
        return process.result()
    }

    /// A running `tianbao`.
    public final class Running: @unchecked Sendable {
        public let process: Process
        let out: String, err: String

        init(process: Process, out: String, err: String) {
            self.process = process
            self.out = out
            self.err = err
        }

        public var stderrSoFar: String { (try? String(contentsOfFile: err, encoding: .utf8)) ?? "" }

        public func result() -> Result {
            Result(status: process.terminationStatus,
                   stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                   signaled: process.terminationReason == .uncaughtSignal)
        }

        /// Sends `signal` and waits for the process to end.
        public func stop(_ signal: Int32 = SIGTERM, timeout: Double = 15) -> Result {
            kill(process.processIdentifier, signal)
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            // One that ignored the signal is killed, so a test fails instead of hanging.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return result()
        }
    }

    /// Starts `tianbao` (or `executable`, e.g. faketime wrapping it) with `arguments`.
    public static func start(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                             executable: String? = nil) -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? tianbao)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": language]
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let base = NSTemporaryDirectory() + "tianbao-run-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        process.standardInput = FileHandle.nullDevice
        try! process.run()
        return Running(process: process, out: base + ".out", err: base + ".err")
    }
}
