import HTTP

/// Bytes as a connection delivers them, read as the server reads them. A request it accepts,
/// written out again plainly, reads back the same.
enum HTTPFuzz {
    static let limits: HTTPLimits = {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1 << 20   // a gzip bomb costs time, not findings
        return limits
    }()

    /// The framing headers the plain rewrite replaces: the body goes out decoded, with a length.
    static let framing: Set<String> = ["content-length", "transfer-encoding", "content-encoding"]

    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        let read = RequestFraming.requests(in: bytes, limits: limits)
        if let refused = read.refused, !(400...505).contains(refused.status) { return .broken("refused with status \(refused.status)") }
        if read.requests.isEmpty { return .refused }
        for request in read.requests {
            let plain = write(request)
            let again = RequestFraming.requests(in: plain, limits: limits)
            guard again.refused == nil, again.requests.count == 1, let back = again.requests.first else {
                return .broken("a request read once is refused when written plainly: \(again.refused?.message ?? "\(again.requests.count) requests")")
            }
            guard back.method == request.method, back.target == request.target, back.version == request.version,
                  back.body == request.body, fields(back) == fields(request) else {
                return .broken("a request written plainly reads back different")
            }
        }
        return .accepted
    }

    static func fields(_ request: HTTPRequest) -> [String] {
        request.headers.fields.filter { !framing.contains($0.name.lowercased()) }.map { "\($0.name): \($0.value)" }
    }

    static func write(_ request: HTTPRequest) -> [UInt8] {
        var head = "\(request.method) \(request.target) HTTP/\(request.version.major).\(request.version.minor)\r\n"
        for field in fields(request) { head += field + "\r\n" }
        if !request.body.isEmpty { head += "Content-Length: \(request.body.count)\r\n" }
        return Array((head + "\r\n").utf8) + request.body
    }
}
