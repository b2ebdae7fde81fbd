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
        out += Exposition.metric("tianbao_http_requests_total", "counter", "HTTP requests by route and status code.", samples: s.requests.keys.sorted().map { key in
            let parts = key.split(separator: "|")
            return ("{route=\"\(parts[0])\",code=\"\(parts[1])\"}", String(s.requests[key]!))
        })
        out += Exposition.metric("tianbao_changes_accepted_total", "counter", "Pushed changes applied.", s.accepted)
        out += Exposition.metric("tianbao_changes_refused_total", "counter", "Pushed changes refused.", s.refused)
        out += "# HELP tianbao_sync_duration_seconds Time to answer a sync request.\n# TYPE tianbao_sync_duration_seconds histogram\n"
        for (i, bound) in Self.buckets.enumerated() {
            out += "tianbao_sync_duration_seconds_bucket{le=\"\(bound)\"} \(s.syncBuckets[i])\n"
        }
        out += "tianbao_sync_duration_seconds_bucket{le=\"+Inf\"} \(s.syncCount)\n"
        out += "tianbao_sync_duration_seconds_sum \(s.syncSum)\ntianbao_sync_duration_seconds_count \(s.syncCount)\n"
        out += Exposition.metric("tianbao_replicas", "gauge", "Enrolled replicas (revoked ones excluded).", replicas)
        out += Exposition.metric("tianbao_replica_last_sync_timestamp_seconds", "gauge", "When each replica last synced.", samples: perReplica.compactMap { replica, org, role, last in
            last.map { ("{replica=\"\(replica)\",org=\"\(org)\",role=\"\(role)\"}", String(Double($0) / 1000)) }
        })
        return out
    }
}
