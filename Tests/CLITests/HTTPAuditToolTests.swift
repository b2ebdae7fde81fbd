import Foundation
import Testing
import TestSupport

/// An outside tool on this machine's PATH (pip installs into /usr/local/bin, or a pyenv's bin).
enum OutsideTool {
    static func path(_ name: String) -> String? {
        let search = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", NSHomeDirectory() + "/.local/bin"]
        return search.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs it with the test process's PATH (a Python tool finds its interpreter there).
    static func run(_ executable: String, _ arguments: [String], timeout: Double) -> Subprocess.Result {
        Subprocess.run(arguments, environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                       timeout: timeout, executable: executable)
    }
}

/// The hub's HTTP face as an auditor's tools see it: schemathesis holds the hub to
/// Sync/openapi.yaml with its default checks, and redbot finds every header a cache and a client
/// need on each endpoint. Tests/run.sh installs both from PyPI; without them these say so and skip.
@Suite struct HTTPAuditToolTests {
    static func hub() throws -> (CLIWorld, token: String) {
        let w = try CLIWorld()
        let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", "fz-first", "--role", "hospital", "--json"])
        let token = try #require((try JSONSerialization.jsonObject(with: Data(enrolled.stdout.utf8)) as? [String: Any])?["token"] as? String)
        return (w, token)
    }

    @Test(.enabled(if: OutsideTool.path("schemathesis") != nil, "needs schemathesis (pip install schemathesis; Tests/run.sh installs it)"))
    func schemathesisFindsNothingWithItsDefaultChecks() throws {
        let (w, token) = try Self.hub()
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sync/openapi.yaml").path
        // The command the README gives, with a fixed seed so a failure can be replayed.
        let result = OutsideTool.run(OutsideTool.path("schemathesis")!, [
            "run", spec, "--url", w.url, "-H", "Authorization: Bearer \(token)", "--max-examples", "40", "--seed", "20261207",
        ], timeout: 600)
        #expect(result.status == 0, "schemathesis: exit \(result.status)\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("passed"), "\(result.stdout.suffix(2000))")
        #expect(w.stopHub()?.status == 0, "the hub kept running through every generated request")
    }

    @Test(.enabled(if: OutsideTool.path("redbot") != nil, "needs redbot (pip install redbot; Tests/run.sh installs it)"))
    func redbotFindsEveryHeaderOnEveryEndpoint() throws {
        let (w, _) = try Self.hub()
        for path in ["/healthz", "/metrics", "/v1/whoami", "/v1/sync", "/v1/files/01900000-0000-7000-8000-000000000001/" + String(repeating: "0", count: 64), "/nowhere"] {
            let result = OutsideTool.run(OutsideTool.path("redbot")!, ["-o", "har", w.url + path], timeout: 120)
            #expect(result.status == 0, "redbot \(path): \(result.stderr)")
            let har = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout.prefix(300))")
            let entry = try #require(((har["log"] as? [String: Any])?["entries"] as? [[String: Any]])?.first)
            let notes = entry["_red_messages"] as? [[String: Any]] ?? []
            let headers = (((entry["response"] as? [String: Any])?["headers"]) as? [[String: Any]] ?? []).compactMap { ($0["name"] as? String)?.lowercased() }
            // Nothing redbot rates bad, and no warning about a header that is missing.
            let bad = notes.filter { ($0["level"] as? String) == "BAD" || (($0["level"] as? String) == "WARN" && "\($0["summary"] ?? "")".lowercased().contains("header")) }
            #expect(bad.isEmpty, "\(path): \(bad)")
            // Vary where an answer may be compressed; a file's bytes never are.
            for header in ["date", "cache-control"] + (path.hasPrefix("/v1/files/") ? [] : ["vary"]) {
                #expect(headers.contains(header), "\(path) answers without \(header): \(headers)")
            }
            let status = (entry["response"] as? [String: Any])?["status"] as? Int
            if status == 401 { #expect(headers.contains("www-authenticate"), "\(path): 401 without WWW-Authenticate") }
            if status == 405 { #expect(headers.contains("allow"), "\(path): 405 without Allow") }
        }
    }
}
