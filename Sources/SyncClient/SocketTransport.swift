import Messages
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SyncProtocol
import GzipCodec

/// HTTP/1.1 over a plain TCP connection, for `http://` hubs (loopback, a private network).
///
/// URLSession (libcurl) ends the whole process with a fatal error when a reply is cut inside its
/// status line or headers ("Transfer completed, but there's no response"). A replica must never
/// crash on a network fault, so plain HTTP is spoken here, where a cut reply is just an error: try
/// later. (Over TLS libcurl reports such a cut as an error, so `https://` stays with URLSession.)
public struct SocketTransport: SyncTransport {
    public let timeoutSeconds: Double
    /// The most a reply may hold (after decompression): far above a page, far below a machine.
    public static let maxReplyBytes = 64 << 20

    public init(timeoutSeconds: Double = 60) { self.timeoutSeconds = timeoutSeconds }

    public func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        var headers = [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")]
        var payload = body
        if body.count > 1024 {
            headers.append(("Content-Encoding", "gzip"))
            payload = Gzip.compress(body)
        }
        return try exchange("POST", url, headers: headers, body: payload)
    }

    public func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        try exchange(method, url, headers: headers + [("Authorization", "Bearer \(token)")], body: body)
    }

    public func get(_ url: URL, token: String? = nil) throws(TransportError) -> TransportReply {
        try exchange("GET", url, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], body: [])
    }

    private func exchange(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8]) throws(TransportError) -> TransportReply {
        guard let host = url.host else { throw TransportError(Message.urlNoHost.text(url.absoluteString)) }
        let port = url.port ?? 80
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let fd = try connect(host: host, port: port, deadline: deadline)
        defer { close(fd) }
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
        head += "User-Agent: \(Build.userAgent)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try write(fd, Array((head + "\r\n").utf8), deadline: deadline, host: host)
        if !body.isEmpty { try write(fd, body, deadline: deadline, host: host) }
        return try readReply(fd, deadline: deadline, host: host)
    }

    private func connect(host: String, port: Int, deadline: Date) throws(TransportError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else { throw TransportError(Message.cannotReachHub.text(host, String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(result) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var reason = "no address"
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if wait(fd, for: Int16(POLLOUT), deadline: deadline) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return fd }
                    reason = String(cString: strerror(error))
                } else {
                    reason = Message.timedOut.text()
                }
            } else {
                reason = String(cString: strerror(errno))
            }
            close(fd)
        }
        throw TransportError(Message.cannotReachHub.text(host, reason))
    }

    private func wait(_ fd: Int32, for events: Int16, deadline: Date) -> Bool {
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            if left == 0 { return false }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let n = poll(&pfd, 1, left)
            if n > 0 { return true }
            if n < 0 && errno != EINTR { return false }
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8], deadline: Date, host: String) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            guard wait(fd, for: Int16(POLLOUT), deadline: deadline) else { throw TransportError(Message.hubSlowToTake.text(host)) }
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard n > 0 else { throw TransportError(Message.hubBrokeSending.text(host, String(cString: strerror(errno)))) }
            offset += n
        }
    }

    /// Reads one reply whole: status line, headers, and a body of `Content-Length` bytes (or up to
    /// the end of the connection). Anything cut short or malformed is an error, never a crash.
    private func readReply(_ fd: Int32, deadline: Date, host: String) throws(TransportError) -> TransportReply {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var headEnd: Int?
        var expected: Int?
        var closed = false
        while true {
            if headEnd == nil, let end = find(buffer, [13, 10, 13, 10]) { headEnd = end }
            if let end = headEnd {
                if expected == nil {
                    expected = try contentLength(Self.headLines(buffer[..<end]).dropFirst(), host: host)
                    if let length = expected, length > 0, length <= Self.maxReplyBytes { buffer.reserveCapacity(end + 4 + length) }
                }
                if let length = expected, length >= 0, buffer.count >= end + 4 + length { break }
                if closed { break }
            } else if closed {
                throw TransportError(Message.hubCutHead.text(host))
            }
            if buffer.count > Self.maxReplyBytes { throw TransportError(Message.hubReplyTooLarge.text(Self.maxReplyBytes >> 20)) }
            guard wait(fd, for: Int16(POLLIN), deadline: deadline) else { throw TransportError(Message.hubSlowToAnswer.text(host)) }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            if n < 0 { throw TransportError(Message.hubBroke.text(host, String(cString: strerror(errno)))) }
            if n == 0 { closed = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
        guard let end = headEnd else { throw TransportError(Message.hubNoReply.text(host)) }
        let lines = Self.headLines(buffer[..<end]).map { String(decoding: $0, as: UTF8.self) }
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw TransportError(Message.hubBadStatusLine.text(host))
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw TransportError(Message.hubBadHeader.text(host)) }
            headers[line[..<colon].lowercased()] = Self.trimmed(line[line.index(after: colon)...])
        }
        if headers["transfer-encoding"] != nil { throw TransportError(Message.hubChunked.text(host)) }
        var body: [UInt8]
        if let length = expected {
            let held = buffer.count - (end + 4)
            guard held >= length else { throw TransportError(Message.hubCutBody.text(host, length - held)) }
            body = Array(buffer[(end + 4)..<(end + 4 + length)])
        } else {
            body = Array(buffer[(end + 4)...])
        }
        if headers["content-encoding"]?.lowercased() == "gzip" {
            do { body = try Gzip.decompress(body, limit: Self.maxReplyBytes) } catch {
                throw TransportError(Message.hubGzipDamaged.text())
            }
        }
        return TransportReply(status: status, body: body, headers: headers)
    }

    private func contentLength(_ lines: ArraySlice<ArraySlice<UInt8>>, host: String) throws(TransportError) -> Int? {
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  String(decoding: line[..<colon], as: UTF8.self).lowercased() == "content-length" else { continue }
            guard let n = Int(Self.trimmed(String(decoding: line[(colon + 1)...], as: UTF8.self))), n >= 0 else {
                throw TransportError(Message.hubBadLength.text(host))
            }
            return n
        }
        return nil
    }

    /// A reply's head split at CRLF, as bytes: Foundation's string splitting cost a sync more
    /// than the hub's own work on it. (`HTTPParser.split` is its twin on the server's side; the
    /// client may not import the server's HTTP module.)
    static func headLines(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex, i = head.startIndex
        while i < head.endIndex {
            if head[i] == 13, i + 1 < head.endIndex, head[i + 1] == 10 {
                lines.append(head[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    /// Without the spaces and tabs HTTP allows around a header's value.
    static func trimmed(_ text: some StringProtocol) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    private func find(_ buffer: [UInt8], _ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] && buffer[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}

/// The transport for a hub's address: plain sockets for `http://`; for `https://`, libcurl,
/// trusting the system's store, or only `caFile` when the replica names a private CA.
public enum HubTransport {
    public static func make(for url: URL, caFile: String? = nil, timeoutSeconds: Double = 60) -> any SyncTransport {
        if url.scheme == "http" { return SocketTransport(timeoutSeconds: timeoutSeconds) }
        return CurlTransport(caFile: caFile, timeoutSeconds: timeoutSeconds)
    }

    /// A GET (`/v1/whoami`, `/healthz`) by the same rule.
    public static func get(_ url: URL, token: String? = nil, caFile: String? = nil, timeoutSeconds: Double = 30) throws(TransportError) -> TransportReply {
        if url.scheme == "http" { return try SocketTransport(timeoutSeconds: timeoutSeconds).get(url, token: token) }
        return try CurlTransport(caFile: caFile, timeoutSeconds: timeoutSeconds).get(url, token: token)
    }
}
