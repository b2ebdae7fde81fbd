import Foundation
import Synchronization
import Testing
@testable import HTTP
import TestSupport
import GzipCodec

/// The admission hook decides on the head alone: a refused request's body is never read,
/// decompressed or invited with `100 Continue`, and the handler never sees it.
@Suite struct AdmissionTests {
    static let token = "X-Token: let-me-in\r\n"

    final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    /// A server that admits only requests carrying `X-Token: let-me-in`, and counts handler calls.
    static func guarded() throws -> (server: HTTPServer, port: UInt16, handled: Counter, log: AccessLogRecorder) {
        let handled = Counter()
        let log = AccessLogRecorder()
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1 << 20   // keeps the bomb, and what it costs the test process, small
        let server = HTTPServer(limits: limits, logger: log.logger, admit: { head in
            head.headers["X-Token"] == "let-me-in" ? nil : .text(401, "send X-Token")
        }) { request in
            handled.increment()
            return HTTPResponse(status: 200, body: request.body)
        }
        return (server, try server.start(host: "127.0.0.1", port: 0), handled, log)
    }

    @Test func aRefusedRequestsGzipBombIsNeitherReadNorDecompressed() throws {
        let (server, port, handled, log) = try Self.guarded()
        defer { server.stop() }
        // Over a thousand times smaller than what it inflates to, and that is over the body limit.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: server.limits.maxBodyBytes + 1))
        let head = "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n"
        let c = try RawConnection(port: port)
        c.write(Array(head.utf8) + bomb)
        let r = try #require(c.readResponse())
        #expect(r.status == 401)
        #expect(r.headers["connection"] == "close")
        #expect(c.isClosed())
        #expect(handled.count == 0)
        let entry = try #require(log.entry(for: "/v1/sync"))
        #expect(entry.method == "POST")
        #expect(entry.status == 401)
        #expect(entry.bytesIn == head.utf8.count, "only the head was counted as read")

        // With the token the same bomb gets as far as decompression, which stops at the limit.
        let admitted = try RawConnection(port: port)
        admitted.write(Array(head.replacingOccurrences(of: "Host: x\r\n", with: "Host: x\r\n\(Self.token)").utf8) + bomb)
        #expect(admitted.readResponse()?.status == 413)
        #expect(handled.count == 0)
        // And a sound body reaches the handler.
        let body = Gzip.compress(Array("合法的请求".utf8))
        let ok = try RawConnection(port: port)
        ok.write(Array("POST /v1/sync HTTP/1.1\r\nHost: x\r\n\(Self.token)Content-Encoding: gzip\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        #expect(ok.readResponse()?.text == "合法的请求")
        #expect(handled.count == 1)
        try expectStillServes(port, headers: Self.token)
    }

    @Test func aRefusalComesInsteadOf100Continue() throws {
        let (server, port, handled, _) = try Self.guarded()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("POST /v1/sync HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
        let answer = String(decoding: c.readAll(), as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 401 "))
        #expect(!answer.contains("100 Continue"))
        #expect(handled.count == 0)

        // Admitted, the client is invited to send its body.
        let admitted = try RawConnection(port: port)
        admitted.send("POST /v1/sync HTTP/1.1\r\nHost: x\r\n\(Self.token)Expect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        var interim: [UInt8] = []
        #expect(eventually { interim += admitted.readAll(seconds: 0.05); return interim.count >= 25 })
        #expect(String(decoding: interim, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        admitted.send("ok")
        #expect(admitted.readResponse()?.text == "ok")
        try expectStillServes(port, headers: Self.token)
    }

    @Test func aRequestWithoutABodyIsRefusedAndLoggedToo() throws {
        let (server, port, handled, log) = try Self.guarded()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("GET /v1/whoami?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.readResponse()?.status == 401)
        #expect(c.isClosed())
        #expect(handled.count == 0)
        #expect(log.entry(for: "/v1/whoami")?.method == "GET")
        try expectStillServes(port, headers: Self.token)
    }
}
