import HTTP
import GzipCodec

/// Bytes as a connection delivers them, read as the server reads them. A request it accepts,
/// written out again plainly, reads back the same.
enum HTTPFuzz {
    static let limits: HTTPLimits = {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1 << 20   // a gzip bomb costs time, not findings
        return limits
    }()

    /// For reading a rewrite back: the framing headers it adds count against the header limits
    /// (a request with exactly 100 lines gains one; a fuzzer found that).
    static let rewriteLimits: HTTPLimits = {
        var relaxed = HTTPFuzz.limits
        relaxed.maxHeaderCount += 2
        relaxed.maxHeaderBytes += 128
        return relaxed
    }()

    /// The framing headers the plain rewrite replaces: the body goes out decoded, with a length.
    static let framing: Set<String> = ["content-length", "transfer-encoding", "content-encoding"]

    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        let read = RequestFraming.requests(in: bytes, limits: limits)
        if let refused = read.refused, !(400...505).contains(refused.status.code) { return .broken("refused with status \(refused.status)") }
        if read.requests.isEmpty { return .refused }
        for request in read.requests {
            // Written back three ways — plainly, chunked (split where the body's bytes say, with a
            // trailer) and gzip-compressed in chunks — it reads back the same every time.
            for (how, wire) in [("plainly", write(request)), ("chunked", write(request, chunked: true)),
                                ("gzipped and chunked", write(request, chunked: true, gzip: true))] {
                let again = RequestFraming.requests(in: wire, limits: rewriteLimits)
                guard again.refused == nil, again.requests.count == 1, let back = again.requests.first else {
                    return .broken("a request read once is refused when written \(how): \(again.refused?.message ?? "\(again.requests.count) requests")")
                }
                guard back.method == request.method, back.target == request.target, back.version == request.version,
                      back.body == request.body, fields(back) == fields(request) else {
                    return .broken("a request written \(how) reads back different")
                }
            }
        }
        return .accepted
    }

    static func fields(_ request: HTTPRequest) -> [String] {
        request.headers.fields.filter { !framing.contains($0.name.lowercased()) }.map { "\($0.name): \($0.value)" }
    }

    static func write(_ request: HTTPRequest, chunked: Bool = false, gzip: Bool = false) -> [UInt8] {
        var head = "\(request.method) \(request.target) HTTP/\(request.version.major).\(request.version.minor)\r\n"
        for field in fields(request) { head += field + "\r\n" }
        let body = gzip ? Gzip.compress(request.body) : request.body
        if gzip { head += "Content-Encoding: gzip\r\n" }
        guard chunked else {
            if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
            return Array((head + "\r\n").utf8) + body
        }
        head += "Transfer-Encoding: chunked\r\n\r\n"
        var wire = Array(head.utf8)
        var offset = 0
        while offset < body.count {
            let size = min(body.count - offset, 1 + Int(body[offset] % 37))
            wire += Array("\(String(size, radix: 16));n=\(offset)\r\n".utf8) + body[offset..<(offset + size)] + [13, 10]
            offset += size
        }
        return wire + Array("0\r\nX-Body-Bytes: \(body.count)\r\n\r\n".utf8)
    }
}
