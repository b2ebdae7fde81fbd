import Foundation
import Testing
@testable import HTTP
import TestSupport

/// Bytes a lenient parser would let through: control characters in the head, loose chunk sizes,
/// trailers that never end.
@Suite struct RequestSyntaxTests {
    /// Sends `request` to a fresh echo server; returns the status, having checked that the
    /// connection was closed and that the server still serves.
    func refusal(_ request: [UInt8], limits: HTTPLimits = HTTPLimits(), log: AccessLogRecorder? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
        let server = HTTPServer(limits: limits, logger: log?.logger) { HTTPResponse(status: 200, body: $0.body) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.write(request)
        let r = c.readResponse()
        #expect(r?.headers["connection"] == "close", sourceLocation: sourceLocation)
        #expect(c.isClosed(), sourceLocation: sourceLocation)
        try expectStillServes(port, sourceLocation: sourceLocation)
        return r?.status
    }

    @Test(arguments: [
        "X-A: one\ntwo",                 // a bare LF: a second header to a lenient proxy
        "X-A: one\rtwo",                 // a bare CR
        "X-A: one\0two",                 // NUL
        "X-A: one\u{1}two",              // another control character
        "X-A: one\u{7F}two",             // DEL
        "X-A\n: one",                    // a bare LF in the name
        "X-A: one\r\nX-B: two\nHost: y", // a smuggled second Host
    ])
    func aControlCharacterInAHeaderLineIs400(_ field: String) throws {
        #expect(try refusal(Array("GET /x HTTP/1.1\r\nHost: x\r\n\(field)\r\n\r\n".utf8)) == 400)
    }

    @Test func aTabInAHeaderValueIsFine() throws {
        let server = HTTPServer { HTTPResponse(status: 200, body: Array(($0.headers["X-A"] ?? "").utf8)) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("GET /x HTTP/1.1\r\nHost: x\r\nX-A: one\ttwo\r\n\r\n")
        #expect(c.readResponse()?.text == "one\ttwo")
    }

    @Test func aHeadWithBareLFLineEndsIsRefusedWithoutWaitingForTheTimeout() throws {
        #expect(try refusal(Array("GET /x HTTP/1.1\nHost: x\n\n".utf8)) == 400)
    }

    @Test(arguments: [
        Array("GET /a\nforged HTTP/1.1\r\nHost: x\r\n\r\n".utf8),   // would forge a line in the access log
        Array("GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        Array("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        Array("GET /a\u{7F}b HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        Array("GET /a\u{1B}[2J HTTP/1.1\r\nHost: x\r\n\r\n".utf8), // a terminal escape
        Array("GET /文件 HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        Array("GET /a".utf8) + [0xFF] + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
    ])
    func aTargetWithAByteOutsideVisibleASCIIIs400(_ request: [UInt8]) throws {
        let log = AccessLogRecorder()
        #expect(try refusal(request, log: log) == 400)
        // Refused before its head was trusted: logged without a path.
        #expect(eventually { log.all.contains { $0.status == 400 } })
        #expect(log.all.filter { $0.status == 400 }.map(\.path) == ["-"])
    }

    @Test func theAccessLogEscapesEverythingButVisibleASCII() throws {
        #expect(HTTPServer.loggable("/v1/sync") == "/v1/sync")
        #expect(HTTPServer.loggable("/a\nGET /forged 200") == "/a%0AGET%20/forged%20200")
        #expect(HTTPServer.loggable("/%0A/文\u{1B}\u{7F}") == "/%250A/%E6%96%87%1B%7F")
        // A percent-encoded target is served, and logged so that it cannot be mistaken for its decoding.
        let log = AccessLogRecorder()
        let server = HTTPServer(logger: log.logger) { _ in HTTPResponse(status: 200) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("GET /a%0Ab HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.readResponse()?.status == 200)
        #expect(log.entry(for: "/a%250Ab") != nil)
    }

    @Test(arguments: ["+5", "-0", " 5", "5 ", "0x5", "5 ;x=1", "123456789", "", ";x=1", "5;x=\u{0}", "5;x\u{7F}"])
    func aChunkSizeThatIsNotOneToEightHexDigitsIs400(_ size: String) throws {
        let request = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nhello\r\n0\r\n\r\n"
        #expect(try refusal(Array(request.utf8)) == 400)
    }

    @Test func chunkSizesWithExtensionsAndTrailersAreServed() throws {
        let server = HTTPServer { HTTPResponse(status: 200, body: $0.body) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0005;a=1;b=\"x y\"\r\nhello\r\nA\r\n 01234567 \r\n0\r\nX-Sum: 1\r\nX-Other: \t2\r\n\r\n")
        #expect(c.readResponse()?.text == "hello 01234567 ")
        // The connection is still in step: the next request on it is served.
        c.send("POST /y HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        #expect(c.readResponse()?.text == "ok")
    }

    @Test func chunkLinesAndTrailersAreBounded() throws {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 2_000
        limits.maxHeaderCount = 10
        let head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        // A chunk-size line with extensions past the limit, refused before its end arrives.
        #expect(try refusal(Array((head + "5;" + String(repeating: "e", count: 1_100)).utf8), limits: limits) == 400)
        // Too many trailer lines; too many trailer bytes; a trailer line that never ends.
        let lines = (0..<11).map { "X-\($0): v\r\n" }.joined()
        #expect(try refusal(Array((head + "0\r\n" + lines + "\r\n").utf8), limits: limits) == 431)
        let big = "X-Big: \(String(repeating: "b", count: 1_000))\r\n"
        #expect(try refusal(Array((head + "0\r\n" + big + big + "\r\n").utf8), limits: limits) == 431)
        #expect(try refusal(Array((head + "0\r\nX-Endless: " + String(repeating: "b", count: 2_100)).utf8), limits: limits) == 431)
        // A malformed trailer line.
        #expect(try refusal(Array((head + "0\r\nno colon here\r\n\r\n").utf8), limits: limits) == 400)
        #expect(try refusal(Array((head + "0\r\nX-A: a\nb\r\n\r\n").utf8), limits: limits) == 400)
    }
}
