import Foundation
import Submissions
import Testing
import TestSupport

/// What every answer tells a cache, a proxy and a client (what redbot looks for), and that every
/// request is counted, even one refused before the hub saw it.
@Suite struct HTTPFaceTests {
    @Test func everyAnswerCarriesDateCachingAndAuthenticationHeaders() throws {
        let f = try HubFixture()
        let whoami = try #require(try f.raw("GET", "/v1/whoami", token: nil, body: []))
        #expect(whoami.status == 401)
        #expect(whoami.headers["www-authenticate"] == "Bearer realm=\"tianbao\"")
        #expect(whoami.headers["cache-control"] == "no-store")
        let date = try #require(whoami.headers["date"])
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let parsed = try #require(format.date(from: date), "Date is IMF-fixdate: \(date)")
        #expect(abs(parsed.timeIntervalSinceNow) < 120)

        let unauthenticated = try #require(try f.raw("POST", "/v1/sync", token: nil, body: Array("{}".utf8)))
        #expect(unauthenticated.status == 401 && unauthenticated.headers["www-authenticate"] != nil)

        let replica = try f.replica("fz-first", role: .hospital)
        let small = try #require(try f.raw("GET", "/v1/whoami", token: replica.token, body: []))
        #expect(small.status == 200)
        #expect(small.headers["cache-control"] == "no-store", "a token's answer is no one else's")
        #expect(small.headers["vary"] == "Accept-Encoding", "an answer that may be compressed varies by Accept-Encoding, compressed or not")
        #expect(small.headers["content-encoding"] == nil)

        let health = try #require(try f.raw("GET", "/healthz", token: nil, body: []))
        #expect(health.headers["cache-control"] == "no-store" && health.headers["date"] != nil, "a liveness answer is true only now: no cache keeps it")
        let wrongMethod = try #require(try f.raw("DELETE", "/healthz", token: nil, body: []))
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET, HEAD")
    }

    @Test func requestsRefusedBeforeRoutingAreCounted() throws {
        let f = try HubFixture()
        let replica = try f.replica("fz-first", role: .hospital)
        let corrupt = try #require(try f.raw("POST", "/v1/sync", token: replica.token, body: [0x1f, 0x8b, 0, 1, 2, 3], headers: ["Content-Encoding: gzip"]))
        #expect(corrupt.status == 400)
        let unsupported = try #require(try f.raw("POST", "/v1/sync", token: replica.token, body: Array("{}".utf8), headers: ["Content-Encoding: br"]))
        #expect(unsupported.status == 415)
        let metrics = String(decoding: try #require(try f.raw("GET", "/metrics", token: nil, body: [])).body, as: UTF8.self)
        #expect(metrics.contains("tianbao_http_requests_total{route=\"/v1/sync\",code=\"400\"} 1"), "\(metrics)")
        #expect(metrics.contains("tianbao_http_requests_total{route=\"/v1/sync\",code=\"415\"} 1"), "\(metrics)")
        // The process's own figures, in the names every Prometheus client library uses, and the build.
        for name in ["process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ", "process_max_fds ", "process_start_time_seconds "] {
            #expect(metrics.contains("\n" + name), "\(name) missing")
        }
        #expect(metrics.contains("tianbao_build_info{version=\"0.1.0\"} 1"))
        let resident = metrics.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
        #expect(resident > 1_000_000 && resident < 4_000_000_000, "a plausible RSS: \(resident)")
    }
}
