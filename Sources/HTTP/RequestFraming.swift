import GzipCodec

/// How a request's body is cut from the bytes of a connection and decoded: the part of reading a
/// request that involves no socket, shared by the server and by anything that must read requests
/// exactly as the server does (the fuzzer, tests).
public enum RequestFraming {
    /// A request the server refuses: the status it answers and why.
    public struct Refused: Error, Equatable, Sendable {
        public let status: HTTPStatus
        public let message: String
    }

    /// Every whole request at the start of `bytes`, read as the server reads one connection, and
    /// the refusal that ended the reading, if one did. Incomplete trailing bytes are left unread.
    public static func requests(in bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> (requests: [HTTPRequest], refused: Refused?) {
        var buffer = bytes
        var requests: [HTTPRequest] = []
        let parser = HTTPParser(limits: limits)
        do {
            while !buffer.isEmpty {
                guard case .head(let head, let consumed) = try parser.parseHead(buffer) else { break }
                buffer.removeFirst(consumed)
                let gzipped = try isGzipped(head.request)
                var bytesIn = 0
                guard var body = try body(head.framing, &buffer, limits: limits, bytesIn: &bytesIn, more: { _ in false }) else { break }
                if gzipped { body = try gunzip(body, limit: limits.maxBodyBytes) }
                requests.append(HTTPRequest(head: head.request, body: body))
            }
        } catch {
            return (requests, Refused(status: error.status, message: error.message))
        }
        return (requests, nil)
    }

    /// Whether the body is gzip-encoded; any coding but gzip and identity is refused (415).
    static func isGzipped(_ head: HTTPRequestHead) throws(HTTPParser.Refusal) -> Bool {
        switch head.headers["Content-Encoding"]?.lowercased() {
        case nil, "identity": return false
        case "gzip": return true
        case let encoding?:
            throw HTTPParser.Refusal(status: .unsupportedMediaType, message: "Content-Encoding \(encoding) is not supported; send gzip or identity")
        }
    }

    /// The body `framing` announces, cut from the front of `buffer`; `more` appends what arrives
    /// next and answers false when nothing more will (the body is then nil: incomplete). Counts the
    /// bytes used into `bytesIn`.
    static func body(_ framing: HTTPParser.Framing, _ buffer: inout [UInt8], limits: HTTPLimits, bytesIn: inout Int,
                     more: (inout [UInt8]) -> Bool) throws(HTTPParser.Refusal) -> [UInt8]? {
        switch framing {
        case .none:
            return []
        case .length(let n):
            // Room for all of it at once: a body of megabytes (a file's part) is not grown, and
            // copied, a read at a time.
            buffer.reserveCapacity(min(n, limits.maxBodyBytes) + 1024)
            while buffer.count < n {
                guard more(&buffer) else { bytesIn += buffer.count; return nil }
            }
            bytesIn += n
            if buffer.count == n {
                let body = buffer
                buffer = []
                return body
            }
            defer { buffer.removeFirst(n) }
            return Array(buffer.prefix(n))
        case .chunked:
            var decoder = ChunkedDecoder(limits: limits)
            while true {
                let used: Int
                do {
                    used = try decoder.feed(buffer[...])
                } catch {
                    bytesIn += buffer.count
                    throw error
                }
                buffer.removeFirst(used)
                bytesIn += used
                if decoder.isDone { return decoder.body }
                guard more(&buffer) else { bytesIn += buffer.count; return nil }
            }
        }
    }

    static func gunzip(_ body: [UInt8], limit: Int) throws(HTTPParser.Refusal) -> [UInt8] {
        do {
            return try Gzip.decompress(body, limit: limit)
        } catch .tooLarge {
            throw HTTPParser.Refusal(status: .contentTooLarge, message: "decompressed body over the limit of \(limit) bytes")
        } catch {
            throw HTTPParser.Refusal(status: .badRequest, message: "the gzip body is corrupt, truncated or followed by other bytes")
        }
    }
}
