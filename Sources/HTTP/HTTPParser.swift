/// Reads a request head from the bytes received so far, strictly: a malformed head is a 400, a
/// head over a limit a 414 or 431, and ambiguous framing (both `Content-Length` and
/// `Transfer-Encoding`, or two `Content-Length`s) a 400 — the request-smuggling cases. So is a
/// control character anywhere in the head, and any byte in the target but visible ASCII: what
/// one component reads as a line break another reads as data.
struct HTTPParser {
    let limits: HTTPLimits

    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    struct Head {
        var request: HTTPRequestHead
        var framing: Framing
        var expectsContinue: Bool
    }

    /// A request the server refuses, with the status to answer.
    struct Refusal: Error, Equatable {
        let status: HTTPStatus
        let message: String
    }

    enum HeadResult {
        case needMore
        case head(Head, consumed: Int)
    }

    func parseHead(_ buffer: [UInt8]) throws(Refusal) -> HeadResult {
        guard let end = Self.find(buffer, [13, 10, 13, 10]) else {
            if let lineEnd = Self.find(buffer, [13, 10]) {
                if lineEnd > limits.maxRequestLineBytes { throw Refusal(status: .uriTooLong, message: "request line longer than \(limits.maxRequestLineBytes) bytes") }
            } else if buffer.count > limits.maxRequestLineBytes {
                throw Refusal(status: .uriTooLong, message: "request line longer than \(limits.maxRequestLineBytes) bytes")
            }
            if buffer.count > limits.maxRequestLineBytes + limits.maxHeaderBytes {
                throw Refusal(status: .headerFieldsTooLarge, message: "headers larger than \(limits.maxHeaderBytes) bytes")
            }
            // A client ending its lines with a bare LF would otherwise wait out the request timeout.
            if Self.findBareLF(buffer) { throw Self.bareLineBreak }
            return .needMore
        }
        let lines = Self.split(Array(buffer[..<end]))
        guard let requestLine = lines.first else { throw Refusal(status: .badRequest, message: "empty request") }
        if requestLine.count > limits.maxRequestLineBytes { throw Refusal(status: .uriTooLong, message: "request line longer than \(limits.maxRequestLineBytes) bytes") }
        if end - requestLine.count > limits.maxHeaderBytes { throw Refusal(status: .headerFieldsTooLarge, message: "headers larger than \(limits.maxHeaderBytes) bytes") }
        if lines.count - 1 > limits.maxHeaderCount { throw Refusal(status: .headerFieldsTooLarge, message: "more than \(limits.maxHeaderCount) header lines") }

        guard let line = String(validating: requestLine, as: UTF8.self) else { throw Refusal(status: .badRequest, message: "request line is not UTF-8") }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }),
              parts[1].hasPrefix("/") || parts[1] == "*" else {
            throw Refusal(status: .badRequest, message: "malformed request line")
        }
        // The target reaches the handler and the access log: a control byte in it could forge a log line.
        guard parts[1].utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Refusal(status: .badRequest, message: "the request target holds a space, a control character or a non-ASCII byte; percent-encode it")
        }
        let version: (Int, Int)
        switch parts[2] {
        case "HTTP/1.1": version = (1, 1)
        case "HTTP/1.0": version = (1, 0)
        default:
            if parts[2].hasPrefix("HTTP/") { throw Refusal(status: .versionNotSupported, message: "only HTTP/1.0 and HTTP/1.1 are served") }
            throw Refusal(status: .badRequest, message: "malformed request line")
        }

        var headers = HTTPHeaders()
        for raw in lines.dropFirst() {
            guard let first = raw.first, first != 32, first != 9 else { throw Refusal(status: .badRequest, message: "folded header lines are not accepted") }
            try Self.checkFieldBytes(raw)
            guard let colon = raw.firstIndex(of: 58) else { throw Refusal(status: .badRequest, message: "header line without a colon") }
            let nameBytes = raw[..<colon]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(Self.isTokenByte) else { throw Refusal(status: .badRequest, message: "malformed header name") }
            guard let value = String(validating: raw[(colon + 1)...], as: UTF8.self) else { throw Refusal(status: .badRequest, message: "header value is not UTF-8") }
            headers.add(String(decoding: nameBytes, as: UTF8.self), value.trimmingCharacters())
        }
        if version.1 == 1 && headers.values("Host").count != 1 { throw Refusal(status: .badRequest, message: "HTTP/1.1 requests carry exactly one Host header") }

        let lengths = headers.values("Content-Length")
        let encodings = headers.values("Transfer-Encoding")
        let framing: Framing
        if !lengths.isEmpty && !encodings.isEmpty {
            throw Refusal(status: .badRequest, message: "both Content-Length and Transfer-Encoding: refusing an ambiguous body")
        } else if lengths.count > 1 {
            throw Refusal(status: .badRequest, message: "more than one Content-Length")
        } else if let length = lengths.first {
            guard !length.isEmpty, length.count <= 18, length.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(length) else {
                throw Refusal(status: .badRequest, message: "Content-Length is not a number")
            }
            if n > limits.maxBodyBytes { throw Refusal(status: .contentTooLarge, message: "body of \(n) bytes is over the limit of \(limits.maxBodyBytes)") }
            framing = n == 0 ? .none : .length(n)
        } else if !encodings.isEmpty {
            let codings = encodings.joined(separator: ",").split(separator: ",").map { $0.trimmingCharacters().lowercased() }
            guard codings == ["chunked"] else { throw Refusal(status: .notImplemented, message: "only Transfer-Encoding: chunked is supported") }
            framing = .chunked
        } else {
            framing = .none
        }
        let expects = headers["Expect"]?.lowercased() == "100-continue"
        let request = HTTPRequestHead(method: String(parts[0]), target: String(parts[1]), headers: headers, version: version)
        return .head(Head(request: request, framing: framing, expectsContinue: expects), consumed: end + 4)
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

    /// A header or trailer line may hold visible characters, spaces, tabs and non-ASCII text; a
    /// bare CR or LF, a NUL or another control character is a smuggling or log-forging attempt.
    static func checkFieldBytes(_ line: ArraySlice<UInt8>) throws(Refusal) {
        if let bad = line.first(where: { $0 != 9 && ($0 < 0x20 || $0 == 0x7F) }) {
            if bad == 10 || bad == 13 { throw bareLineBreak }
            throw Refusal(status: .badRequest, message: "a header line holds the control character 0x\(String(bad, radix: 16, uppercase: true)); only tab, space and visible characters are allowed")
        }
    }

    static let bareLineBreak = Refusal(status: .badRequest, message: "a bare CR or LF inside the head; end every line with CRLF")

    /// Whether `buffer` holds an LF that does not follow a CR.
    static func findBareLF(_ buffer: [UInt8]) -> Bool {
        buffer.indices.contains { buffer[$0] == 10 && ($0 == 0 || buffer[$0 - 1] != 13) }
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
