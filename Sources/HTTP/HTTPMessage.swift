import GzipCodec

/// Header fields in arrival order; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.lowercased() == name.lowercased() }
        fields.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

/// A request as far as its head: what an ``HTTPServer/Admission`` hook decides on, before the
/// server reads a byte of the body.
public struct HTTPRequestHead: Sendable {
    public var method: String
    /// The request target as sent (`/v1/sync?x=1`).
    public var target: String
    public var headers: HTTPHeaders
    /// HTTP/1.0 or HTTP/1.1, as (1, 0) or (1, 1).
    public var version: (major: Int, minor: Int)

    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), version: (Int, Int) = (1, 1)) {
        self.method = method
        self.target = target
        self.headers = headers
        self.version = (version.0, version.1)
    }

    /// The target without its query.
    public var path: String { HTTPRequest.path(of: target) }
}

/// A request as the handler sees it: whole, body decoded.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (`/v1/sync?x=1`).
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// HTTP/1.0 or HTTP/1.1, as (1, 0) or (1, 1).
    public var version: (major: Int, minor: Int)

    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], version: (Int, Int) = (1, 1)) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.version = (version.0, version.1)
    }

    init(head: HTTPRequestHead, body: [UInt8]) {
        self.init(method: head.method, target: head.target, headers: head.headers, body: body, version: head.version)
    }

    /// The target without its query.
    public var path: String { Self.path(of: target) }

    static func path(of target: String) -> String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }

    /// Whether the client accepts a gzip-encoded response.
    public var acceptsGzip: Bool {
        guard let accept = headers["Accept-Encoding"] else { return false }
        return accept.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters() }
            guard parts.first?.lowercased() == "gzip" else { return false }
            return !parts.dropFirst().contains { $0.replacingOccurrencesOfSpaces() == "q=0" || $0.replacingOccurrencesOfSpaces() == "q=0.0" }
        }
    }

    /// Whether the connection stays open after this request (HTTP/1.1 rules).
    var keepAlive: Bool {
        let connection = headers["Connection"]?.lowercased() ?? ""
        if version.minor >= 1 { return !connection.contains("close") }
        return connection.contains("keep-alive")
    }
}

/// A response; the server adds `Content-Length`, `Connection` and `Date`.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Who the request was served for, for the access log only (never sent).
    public var principal: String?

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func text(_ status: HTTPStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }

    /// This response gzip-compressed when the request accepts it and the body is worth it.
    public func compressed(for request: HTTPRequest) -> HTTPResponse {
        guard request.acceptsGzip, body.count >= 512, headers["Content-Encoding"] == nil else { return self }
        var copy = self
        // Our own deflate: zlib's level 1 was 44% of the hub's CPU serving a clone; this one
        // takes half its time for 3–5% more bytes (FastDeflate).
        copy.body = Gzip.compressFast(body)
        copy.headers.set("Content-Encoding", "gzip")
        copy.headers.set("Vary", "Accept-Encoding")
        return copy
    }
}

extension StringProtocol {
    /// Without the optional white space (SP, HTAB) at either end. Byte by byte: as characters, a
    /// space followed by a combining mark is one character and would stay (a fuzzer found it).
    func trimmingCharacters() -> String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    func replacingOccurrencesOfSpaces() -> String { String(decoding: utf8.filter { $0 != 0x20 }, as: UTF8.self) }
}
