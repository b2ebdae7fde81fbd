/// Reads a request head from the bytes received so far, strictly: a malformed head is a 400, a
/// head over a limit a 414 or 431, and ambiguous framing (both `Content-Length` and
/// `Transfer-Encoding`, or two `Content-Length`s) a 400 — the request-smuggling cases.
struct HTTPParser {
    let limits: HTTPLimits

    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    struct Head {
        var method: String
        var target: String
        var version: (major: Int, minor: Int)
        var headers: HTTPHeaders
        var framing: Framing
        var expectsContinue: Bool
    }

    /// A request the server refuses, with the status to answer.
    struct Refusal: Error, Equatable {
        let status: Int
        let message: String
    }

    enum HeadResult {
        case needMore
        case head(Head, consumed: Int)
    }

    func parseHead(_ buffer: [UInt8]) throws(Refusal) -> HeadResult {
        guard let end = Self.find(buffer, [13, 10, 13, 10]) else {
            if let lineEnd = Self.find(buffer, [13, 10]) {
                if lineEnd > limits.maxRequestLineBytes { throw Refusal(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes") }
            } else if buffer.count > limits.maxRequestLineBytes {
                throw Refusal(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes")
            }
            if buffer.count > limits.maxRequestLineBytes + limits.maxHeaderBytes {
                throw Refusal(status: 431, message: "headers larger than \(limits.maxHeaderBytes) bytes")
            }
            return .needMore
        }
        let lines = Self.split(Array(buffer[..<end]))
        guard let requestLine = lines.first else { throw Refusal(status: 400, message: "empty request") }
        if requestLine.count > limits.maxRequestLineBytes { throw Refusal(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes") }
        if end - requestLine.count > limits.maxHeaderBytes { throw Refusal(status: 431, message: "headers larger than \(limits.maxHeaderBytes) bytes") }
        if lines.count - 1 > limits.maxHeaderCount { throw Refusal(status: 431, message: "more than \(limits.maxHeaderCount) header lines") }

        guard let line = String(validating: requestLine, as: UTF8.self) else { throw Refusal(status: 400, message: "request line is not UTF-8") }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }),
              parts[1].hasPrefix("/") || parts[1] == "*" else {
            throw Refusal(status: 400, message: "malformed request line")
        }
        let version: (Int, Int)
        switch parts[2] {
        case "HTTP/1.1": version = (1, 1)
        case "HTTP/1.0": version = (1, 0)
        default:
            if parts[2].hasPrefix("HTTP/") { throw Refusal(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are served") }
            throw Refusal(status: 400, message: "malformed request line")
        }

        var headers = HTTPHeaders()
        for raw in lines.dropFirst() {
            guard let first = raw.first, first != 32, first != 9 else { throw Refusal(status: 400, message: "folded header lines are not accepted") }
            guard let colon = raw.firstIndex(of: 58) else { throw Refusal(status: 400, message: "header line without a colon") }
            let nameBytes = raw[..<colon]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(Self.isTokenByte) else { throw Refusal(status: 400, message: "malformed header name") }
            guard let value = String(validating: raw[(colon + 1)...], as: UTF8.self) else { throw Refusal(status: 400, message: "header value is not UTF-8") }
            headers.add(String(decoding: nameBytes, as: UTF8.self), value.trimmingCharacters())
        }
        if version.1 == 1 && headers.values("Host").count != 1 { throw Refusal(status: 400, message: "HTTP/1.1 requests carry exactly one Host header") }

        let lengths = headers.values("Content-Length")
        let encodings = headers.values("Transfer-Encoding")
        let framing: Framing
        if !lengths.isEmpty && !encodings.isEmpty {
            throw Refusal(status: 400, message: "both Content-Length and Transfer-Encoding: refusing an ambiguous body")
        } else if lengths.count > 1 {
            throw Refusal(status: 400, message: "more than one Content-Length")
        } else if let length = lengths.first {
            guard !length.isEmpty, length.count <= 18, length.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(length) else {
                throw Refusal(status: 400, message: "Content-Length is not a number")
            }
            if n > limits.maxBodyBytes { throw Refusal(status: 413, message: "body of \(n) bytes is over the limit of \(limits.maxBodyBytes)") }
            framing = n == 0 ? .none : .length(n)
        } else if !encodings.isEmpty {
            let codings = encodings.joined(separator: ",").split(separator: ",").map { $0.trimmingCharacters().lowercased() }
            guard codings == ["chunked"] else { throw Refusal(status: 501, message: "only Transfer-Encoding: chunked is supported") }
            framing = .chunked
        } else {
            framing = .none
        }
        let expects = headers["Expect"]?.lowercased() == "100-continue"
        return .head(Head(method: String(parts[0]), target: String(parts[1]), version: version, headers: headers,
                          framing: framing, expectsContinue: expects), consumed: end + 4)
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    static func find(_ buffer: [UInt8], _ needle: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= needle.count + start else { return nil }
        var i = start
        while i <= buffer.count - needle.count {
            if buffer[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where buffer[i + j] != needle[j] { match = false; break }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    /// Splits on CRLF; a bare LF inside the head is malformed and ends up inside a line.
    static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 {
                lines.append(bytes[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }
}

/// Decodes a chunked body as its bytes arrive.
struct ChunkedDecoder {
    let limit: Int
    private(set) var body: [UInt8] = []
    private var position = 0
    private var remainingInChunk = 0
    private var state = State.size

    init(limit: Int) { self.limit = limit }

    enum State { case size, data, dataEnd, trailers, done }

    var isDone: Bool { state == .done }

    /// Consumes what it can of `buffer`; returns how many bytes of it belong to the body.
    mutating func feed(_ buffer: [UInt8]) throws(HTTPParser.Refusal) -> Int? {
        while state != .done {
            switch state {
            case .size:
                guard let end = HTTPParser.find(buffer, [13, 10], from: position) else {
                    if buffer.count - position > 1024 { throw HTTPParser.Refusal(status: 400, message: "malformed chunk size") }
                    return nil
                }
                let line = buffer[position..<end].prefix { $0 != UInt8(ascii: ";") }
                guard !line.isEmpty, line.count <= 8, let size = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(), radix: 16), size >= 0 else {
                    throw HTTPParser.Refusal(status: 400, message: "malformed chunk size")
                }
                if body.count + size > limit { throw HTTPParser.Refusal(status: 413, message: "body over the limit of \(limit) bytes") }
                position = end + 2
                remainingInChunk = size
                state = size == 0 ? .trailers : .data
            case .data:
                let available = min(remainingInChunk, buffer.count - position)
                if available == 0 { return nil }
                body.append(contentsOf: buffer[position..<(position + available)])
                position += available
                remainingInChunk -= available
                if remainingInChunk == 0 { state = .dataEnd }
            case .dataEnd:
                guard buffer.count - position >= 2 else { return nil }
                guard buffer[position] == 13, buffer[position + 1] == 10 else { throw HTTPParser.Refusal(status: 400, message: "chunk not followed by CRLF") }
                position += 2
                state = .size
            case .trailers:
                guard let end = HTTPParser.find(buffer, [13, 10], from: position) else { return nil }
                if end == position { state = .done } // the empty line after the trailers
                position = end + 2
            case .done:
                break
            }
        }
        return position
    }
}
