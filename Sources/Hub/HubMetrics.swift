import Foundation
import Synchronization

/// Counters for `GET /metrics`, in Prometheus' text format.
final class HubMetrics: Sendable {
    private struct State {
        var requests: [String: Int] = [:]      // "route|status"
        var accepted = 0
        var refused = 0
        var syncBuckets = [Int](repeating: 0, count: HubMetrics.buckets.count)
        var syncCount = 0
        var syncSum = 0.0
    }

    static let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())

    func request(route: String, status: Int) {
        state.withLock { $0.requests["\(route)|\(status)", default: 0] += 1 }
    }

    func changes(accepted: Int, refused: Int) {
        state.withLock {
            $0.accepted += accepted
            $0.refused += refused
        }
    }

    func sync(seconds: Double) {
        state.withLock { s in
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { s.syncBuckets[i] += 1 }
            s.syncCount += 1
            s.syncSum += seconds
        }
    }

    /// The exposition text: `replicas` enrolled (not revoked), and `perReplica` (replica, org, role,
    /// last sync ms) only for a scraper holding the metrics token.
    func render(replicas: Int, perReplica: [(String, String, String, Int64?)]) -> String {
        let s = state.withLock { $0 }
        var out = ProcessMetrics.render()
        out += "# HELP tianbao_http_requests_total HTTP requests by route and status code.\n# TYPE tianbao_http_requests_total counter\n"
        for key in s.requests.keys.sorted() {
            let parts = key.split(separator: "|")
            out += "tianbao_http_requests_total{route=\"\(parts[0])\",code=\"\(parts[1])\"} \(s.requests[key]!)\n"
        }
        out += "# HELP tianbao_changes_accepted_total Pushed changes applied.\n# TYPE tianbao_changes_accepted_total counter\n"
        out += "tianbao_changes_accepted_total \(s.accepted)\n"
        out += "# HELP tianbao_changes_refused_total Pushed changes refused.\n# TYPE tianbao_changes_refused_total counter\n"
        out += "tianbao_changes_refused_total \(s.refused)\n"
        out += "# HELP tianbao_sync_duration_seconds Time to answer a sync request.\n# TYPE tianbao_sync_duration_seconds histogram\n"
        for (i, bound) in Self.buckets.enumerated() {
            out += "tianbao_sync_duration_seconds_bucket{le=\"\(bound)\"} \(s.syncBuckets[i])\n"
        }
        out += "tianbao_sync_duration_seconds_bucket{le=\"+Inf\"} \(s.syncCount)\n"
        out += "tianbao_sync_duration_seconds_sum \(s.syncSum)\ntianbao_sync_duration_seconds_count \(s.syncCount)\n"
        out += "# HELP tianbao_replicas Enrolled replicas (revoked ones excluded).\n# TYPE tianbao_replicas gauge\n"
        out += "tianbao_replicas \(replicas)\n"
        out += "# HELP tianbao_replica_last_sync_timestamp_seconds When each replica last synced.\n# TYPE tianbao_replica_last_sync_timestamp_seconds gauge\n"
        for (replica, org, role, last) in perReplica {
            guard let last else { continue }
            out += "tianbao_replica_last_sync_timestamp_seconds{replica=\"\(replica)\",org=\"\(org)\",role=\"\(role)\"} \(Double(last) / 1000)\n"
        }
        return out
    }
}
