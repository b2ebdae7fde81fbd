import Foundation
import HTTP
import Testing
import TestSupport
import GzipCodec

/// Strangers against the real `tianbao serve` process: what they cost the hub is measured in the
/// hub process itself (its peak resident memory), and a legitimate replica still gets in.
@Suite(.serialized) struct SecurityHTTPTests {
    /// The hub process's peak resident memory so far, in MiB (`VmHWM` in /proc/PID/status).
    func peakMiB(_ w: CLIWorld) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(w.server!.process.processIdentifier)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }!
        return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1])! / 1024
    }

    @Test func unauthenticatedGzipBombsCostTheHubNothing() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let before = try peakMiB(w)
        // 8 MiB of `[],` compressed to a few KiB: inflated and parsed, each cost ~130 MB before.
        let bomb = Gzip.compress(Array("{\"x\":[".utf8) + [UInt8](repeating: 0, count: 0) + Array(String(repeating: "[],", count: 2_796_000).utf8) + Array("[]]}".utf8), level: 9)
        #expect(bomb.count < 64 * 1024)
        let statuses = Mutex48()
        DispatchQueue.concurrentPerform(iterations: 48) { _ in
            guard let c = try? RawConnection(port: UInt16(w.port)) else { return }
            c.write(Array("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n".utf8) + bomb)
            statuses.add(c.readResponse(seconds: 10)?.status ?? 0)
        }
        #expect(statuses.all == Array(repeating: 401, count: 48))
        let growth = try peakMiB(w) - before
        print("gzip bombs: 48 × \(bomb.count) B inflating to 8 MiB each; the hub's peak memory grew \(String(format: "%.1f", growth)) MiB")
        #expect(growth < 32, "the hub's peak memory grew by \(growth) MiB")
        try w.check(["sync"], in: "hospital")   // still serving
    }

    @Test func aChunkedTrailerFloodIsCutOffEarly() throws {
        let w = try CLIWorld()
        let (_, token) = try enrolledToken(w)
        let before = try peakMiB(w)
        let c = try RawConnection(port: UInt16(w.port))
        c.write(Array("POST /v1/sync HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(token)\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n".utf8))
        let line = Array(("X-Flood: " + String(repeating: "a", count: 1_000) + "\r\n").utf8)
        var sent = 0
        while sent < 256 * 1024 * 1024, c.write(line) { sent += line.count }
        let response = c.readResponse(seconds: 5)
        #expect(response.map { [400, 431].contains($0.status) } == true, "\(response?.text ?? "no response")")
        #expect(sent < 8 * 1024 * 1024, "the hub read \(sent) bytes of trailers before refusing")
        let growth = try peakMiB(w) - before
        print("trailer flood: refused after \(sent) bytes sent; the hub's peak memory grew \(String(format: "%.1f", growth)) MiB")
        #expect(growth < 32, "the hub's peak memory grew by \(growth) MiB")
        #expect(try RawConnection(port: UInt16(w.port)).roundTrip("GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")?.status == 200)
    }

    @Test func idleConnectionsDoNotLockOutAReplica() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        // More idle connections than the hub serves at once (512), held open.
        var idle: [RawConnection] = []
        for _ in 0..<600 { if let c = try? RawConnection(port: UInt16(w.port)) { idle.append(c) } }
        #expect(idle.count == 600)
        let result = w.run("hospital", ["sync"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try RawConnection(port: UInt16(w.port)).roundTrip("GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")?.status == 200)
        idle.removeAll()
    }

    @Test func aForgedLogLineIsRefusedAndTheLogStaysOneLinePerRequest() throws {
        let w = try CLIWorld()
        let c = try RawConnection(port: UInt16(w.port))
        c.send("GET /healthz\n2026-11-23T00:00:00Z 83effc1c/fj-province POST /v1/sync 200 in=1 out=1 0.1ms HTTP/1.1\r\nHost: hub\r\n\r\n")
        #expect(c.readResponse()?.status == 400)
        let bareLF = try RawConnection(port: UInt16(w.port))
        bareLF.send("GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Bad: a\nb\r\n\r\n")
        #expect(bareLF.readResponse()?.status == 400)
        let nul = try RawConnection(port: UInt16(w.port))
        nul.send(Array("GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Bad: a".utf8) + [0] + Array("b\r\n\r\n".utf8))
        #expect(nul.readResponse()?.status == 400)
        usleep(200_000)
        let log = w.server!.stderrSoFar
        #expect(!log.contains("\n2026-11-23T00:00:00Z 83effc1c/fj-province"), "\(log)")
    }

    func enrolledToken(_ w: CLIWorld) throws -> (String, String) {
        let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", "fz-first", "--role", "hospital", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(enrolled.stdout.utf8)) as! [String: Any]
        return ((object["replica"] as! [String: Any])["id"] as! String, object["token"] as! String)
    }

    /// A token pasted in the wrong place is not repeated back: not on stderr, not in --json.
    @Test func aTokenPastedInTheWrongPlaceIsNotEchoed() throws {
        let w = try CLIWorld()
        let (replica, token) = try enrolledToken(w)
        let secret = String(token.split(separator: ".")[1])
        try w.replica("h", org: "fz-first", role: "hospital")
        for arguments in [["show", token, "--json"], ["sync", token, "--json"], ["list", "--call", token]] {
            let result = w.run("h", arguments)
            #expect(result.status != 0)
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "\(arguments[0]) echoed the token: \(result.stderr)")
        }
        // Revoking a leaked token by the token itself: it is the replica it names that is revoked.
        let revoked = w.run(nil, ["hub", "revoke", "--db", w.hubDB, token, "--json"])
        #expect(revoked.status == 0 && revoked.stdout.contains(replica) && !revoked.stdout.contains(secret), "\(revoked.stderr)")
    }
}

/// Statuses collected from many threads.
final class Mutex48: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int] = []
    func add(_ status: Int) { lock.withLock { statuses.append(status) } }
    var all: [Int] { lock.withLock { statuses } }
}

extension RawConnection {
    /// Sends a request and reads its response.
    func roundTrip(_ request: String) -> RawResponse? {
        send(request)
        return readResponse()
    }
}
