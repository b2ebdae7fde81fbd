import Foundation
import SyncProtocol

/// The process's own figures in Prometheus' conventional names (`process_*`, as every client
/// library exports them), read from /proc when it is there, and the build that is running.
enum ProcessMetrics {
    /// When this process started (seconds since the epoch): read once.
    static let startTime = Date().timeIntervalSince1970

    static func render() -> String {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        var out = Exposition.metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu)
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
           let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            out += Exposition.metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", pages * Int(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            out += Exposition.metric("process_open_fds", "gauge", "Number of open file descriptors.", fds.count)
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            out += Exposition.metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", limit.rlim_cur)
        }
        out += Exposition.metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", startTime)
        out += Exposition.metric("tianbao_build_info", "gauge", "The build that is running (always 1).", samples: [("{version=\"\(Build.version)\"}", "1")])
        return out
    }
}
