import Foundation
import Synchronization
import Testing
@testable import HTTP
import TestSupport
import GzipCodec

/// The server over real sockets: keep-alive, framing, every limit, timeouts, shutdown.
@Suite struct HTTPServerTests {
    /// An echo server: the body back, with the method and path in headers.
    static func echo(_ limits: HTTPLimits = HTTPLimits(), delay: Double = 0) throws -> (HTTPServer, UInt16) {
        let server = HTTPServer(limits: limits) { request in
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            if request.path == "/big" { return HTTPResponse(status: 200, body: Array(repeating: UInt8(ascii: "a"), count: 10_000)).compressed(for: request) }
            return HTTPResponse(status: 200, headers: HTTPHeaders([("X-Method", request.method), ("X-Path", request.path)]), body: request.body)
        }
        return (server, try server.start(host: "127.0.0.1", port: 0))
    }

    func stillServes(_ port: UInt16, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectStillServes(port, sourceLocation: sourceLocation)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let (server, port) = try Self.echo()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        for i in 0..<3 {
            c.send("POST /echo/\(i) HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let r = try #require(c.readResponse())
            #expect(r.status == 200)
            #expect(r.text == "hello")
            #expect(r.headers["x-path"] == "/echo/\(i)")
            #expect(r.headers["connection"] == "keep-alive")
        }
        c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(c.readResponse()?.headers["connection"] == "close")
        #expect(c.isClosed())
        // HTTP/1.0 closes unless asked to keep alive.
        let old = try RawConnection(port: port)
        old.send("GET / HTTP/1.0\r\n\r\n")
        #expect(old.readResponse()?.headers["connection"] == "close")
    }

    @Test func chunkedBodiesAndExpectContinue() throws {
        let (server, port) = try Self.echo()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
        #expect(c.readResponse()?.text == "hello world")
        c.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        c.send("abc")
        #expect(c.readResponse()?.text == "abc")
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\n\r\n", 400),                                                          // no Host
        ("GET /x HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("GET /x HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
        ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", 400),
        ("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400),
        ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\na", 415),
        ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 400),
    ])
    func malformedRequestsGetAClearStatusAndAClosedConnection(_ request: String, _ status: Int) throws {
        let (server, port) = try Self.echo()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send(request)
        let r = try #require(c.readResponse())
        #expect(r.status == status)
        #expect(r.headers["connection"] == "close")
        // The server's plain default (the hub passes its own JSON writer): the code, then why.
        let code = [400: "bad_request", 408: "timeout", 413: "body_too_large", 414: "request_line_too_long", 415: "unsupported_encoding",
                    431: "headers_too_large", 501: "not_implemented", 505: "http_version"][status] ?? "?"
        #expect(r.text.hasPrefix(code + ": "), "\(r.text)")
        #expect(c.isClosed())
        try stillServes(port)
    }

    @Test func limitsAreEnforced() throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1_000
        limits.maxHeaderBytes = 2_000
        limits.maxHeaderCount = 10
        limits.maxRequestLineBytes = 200
        let (server, port) = try Self.echo(limits)
        defer { server.stop() }
        func status(_ request: String) throws -> Int? {
            let c = try RawConnection(port: port)
            c.send(request)
            return c.readResponse()?.status
        }
        #expect(try status("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n") == 413)
        #expect(try status("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" + String(repeating: "a", count: 1001) + "\r\n0\r\n\r\n") == 413)
        #expect(try status("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 3_000))\r\n\r\n") == 431)
        #expect(try status("GET /x HTTP/1.1\r\nHost: x\r\n" + (0..<11).map { "X-\($0): v\r\n" }.joined() + "\r\n") == 431)
        #expect(try status("GET /\(String(repeating: "p", count: 300)) HTTP/1.1\r\nHost: x\r\n\r\n") == 414)
        // A gzip bomb stops at the limit.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 100_000))
        let c = try RawConnection(port: port)
        c.send(Array("POST /x HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n".utf8) + bomb)
        #expect(c.readResponse()?.status == 413)
        try stillServes(port)
    }

    @Test func aSlowClientTimesOutWithoutBlockingOthers() throws {
        var limits = HTTPLimits()
        limits.requestTimeoutSeconds = 0.5
        let (server, port) = try Self.echo(limits)
        defer { server.stop() }
        let slow = try RawConnection(port: port)
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n")   // and never finishes the head
        let started = Date()
        try stillServes(port)                              // others are served meanwhile
        #expect(Date().timeIntervalSince(started) < 0.4)
        let r = try #require(slow.readResponse(seconds: 3))
        #expect(r.status == 408)
        #expect(slow.isClosed())
        // A body that stalls half way times out too.
        let stalled = try RawConnection(port: port)
        stalled.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a little")
        #expect(stalled.readResponse(seconds: 3)?.status == 408)
    }

    @Test func idleKeepAliveConnectionsAreClosed() throws {
        var limits = HTTPLimits()
        limits.idleTimeoutSeconds = 0.3
        let (server, port) = try Self.echo(limits)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.readResponse()?.status == 200)
        #expect(c.isClosed(within: 2))
    }

    @Test func gzipBothWays() throws {
        let (server, port) = try Self.echo()
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: deflate, gzip\r\n\r\n")
        let r = try #require(c.readResponse())
        #expect(r.headers["content-encoding"] == "gzip")
        #expect(r.body.count < 200)
        #expect(try Gzip.decompress(r.body, limit: 100_000) == Array(repeating: UInt8(ascii: "a"), count: 10_000))
        c.send("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n")
        #expect(c.readResponse()?.body.count == 10_000)
        let body = Array("压缩的请求体".utf8)
        let packed = Gzip.compress(body)
        c.send(Array("POST /x HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: \(packed.count)\r\n\r\n".utf8) + packed)
        #expect(c.readResponse()?.body == body)
    }

    @Test func stoppingFinishesRequestsInFlight() throws {
        let (server, port) = try Self.echo(delay: 0.4)
        let c = try RawConnection(port: port)
        c.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        Thread.sleep(forTimeInterval: 0.1)
        let stopped = Mutex(false)
        let thread = Thread { server.stop(); stopped.withLock { $0 = true } }
        thread.start()
        let r = try #require(c.readResponse())
        #expect(r.status == 200)
        #expect(r.text == "ok")
        #expect(r.headers["connection"] == "close")
        let deadline = Date().addingTimeInterval(3)
        while !stopped.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(stopped.withLock { $0 })
        #expect(throws: (any Error).self) { _ = try RawConnection(port: port) }
    }
}
