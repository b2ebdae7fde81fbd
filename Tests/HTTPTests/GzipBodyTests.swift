import Foundation
import GzipCodec
import Testing
@testable import HTTP
import TestSupport

/// A gzip body followed by anything is refused by the server, which stays up.
@Suite struct GzipBodyTests {
    let text = Array("汇总表，第一版。".utf8)

    @Test func theServerAnswers400ToTrailingGarbage() throws {
        let server = HTTPServer { HTTPResponse(status: 200, body: $0.body) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let body = Gzip.compress(text) + Array("garbage".utf8)
        let c = try RawConnection(port: port)
        c.write(Array("POST /x HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let r = try #require(c.readResponse())
        #expect(r.status == 400)
        #expect(r.text.contains("gzip"))
        #expect(c.isClosed())
        try expectStillServes(port)
    }
}
