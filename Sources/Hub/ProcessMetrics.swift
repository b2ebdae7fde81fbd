import Foundation
import SyncProtocol

/// The process's own figures in Prometheus' conventional names (`process_*`, as every client
/// library exports them), read from /proc when it is there, and the build that is running.
enum ProcessMetrics {
    /// When this process started (seconds since the epoch): read once.
    static let startTime = Date().timeIntervalSince1970

    static func render() -> String {
        var out = ""
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\n"
        out += "process_cpu_seconds_total \(cpu)\n"
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
           let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
            out += "process_resident_memory_bytes \(pages * Int(sysconf(Int32(_SC_PAGESIZE))))\n"
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
            out += "process_open_fds \(fds.count)\n"
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            out += "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\n"
            out += "process_max_fds \(limit.rlim_cur)\n"
        }
        out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\n"
        out += "process_start_time_seconds \(startTime)\n"
        out += "# HELP tianbao_build_info The build that is running (always 1).\n# TYPE tianbao_build_info gauge\n"
        out += "tianbao_build_info{version=\"\(Build.version)\"} 1\n"
        return out
    }
}
