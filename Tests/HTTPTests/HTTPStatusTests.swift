import Testing
@testable import HTTP

@Suite struct HTTPStatusTests {
    @Test func theStatusLineCarriesTheCodeAndItsReason() {
        let line = { (status: HTTPStatus) in
            String(decoding: HTTPServer.serialize(HTTPResponse(status: status), keepAlive: false), as: UTF8.self).split(separator: "\r\n").first.map(String.init)
        }
        #expect(line(.methodNotAllowed) == "HTTP/1.1 405 Method Not Allowed")
        #expect(line(.headerFieldsTooLarge) == "HTTP/1.1 431 Request Header Fields Too Large")
        // A code without a name is still sent, with a neutral phrase.
        #expect(line(HTTPStatus(code: 418)) == "HTTP/1.1 418 Status 418")
        #expect(HTTPStatus.contentTooLarge == 413)
    }
}
