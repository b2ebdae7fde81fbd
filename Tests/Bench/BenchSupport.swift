import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Timing, memory and child processes for the benchmarks.
enum Bench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    /// This process's peak resident set, in MiB.
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A fresh scratch folder for one benchmark.
    static func scratch(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "tianbao-bench-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs this executable again with `arguments` (a `--child` job); returns its exit status,
    /// wall time, and the peak resident memory of its own address space (MiB, as it reports).
    static func child(_ arguments: [String]) -> (status: Int32, seconds: Double, peakMiB: Double) {
        let path = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        let output = NSTemporaryDirectory() + "tianbao-bench-child-\(getpid()).out"
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return (-1, 0, 0) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let report = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        let kilobytes = report.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        return ((status >> 8) & 0xFF, elapsed, kilobytes / 1024)
    }

    /// Runs another program (its output dropped) and times it from spawn to exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, seconds: Double) {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return (-1, 0) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return ((status >> 8) & 0xFF, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

/// One row of the results table.
struct Figure {
    let name: String
    let ours: String
    let reference: String
    let ratio: Double?
    let target: String
    /// `nil`: reported, no target.
    let pass: Bool?
}

enum Report {
    static func print(_ figures: [Figure], mode: String) {
        let header = ["figure", "ours", "reference", "ratio", "target", "result"]
        let rows = figures.map { f in
            [f.name, f.ours, f.reference, f.ratio.map { String(format: "%.2f", $0) } ?? "—", f.target,
             f.pass.map { $0 ? "pass" : "MISS" } ?? "report"]
        }
        let widths = (0..<header.count).map { i in ([header] + rows).map { $0[i].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
        }
        Swift.print("\nTianbao benchmarks (\(mode) mode; ratios measured side by side in this run)\n")
        Swift.print(line(header))
        Swift.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { Swift.print(line(row)) }
        let missed = figures.filter { $0.pass == false }.count
        Swift.print("\n\(figures.filter { $0.pass == true }.count) targets met, \(missed) missed")
    }
}
