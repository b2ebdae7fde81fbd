#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A plain TCP connection for tests that must send exactly the bytes they choose (malformed,
/// slow, or half a request) and read exactly what comes back.
public final class RawConnection {
    public let fd: Int32

    public init(port: UInt16, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends all of `bytes`, blocking while the peer's window is full; false once the peer has
    /// closed or reset the connection (how a test sees that a server stopped reading).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Shuts the connection down both ways without closing the descriptor (that is for deinit):
    /// the server sees end-of-file at once.
    public func hangUp() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Everything received until the peer closes or `seconds` pass.
    public func readAll(seconds: Double = 5) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk.prefix(n)
        }
        return out
    }

    /// One response: reads until its head and `Content-Length` bytes of body have arrived.
    public func readResponse(seconds: Double = 5) -> RawResponse? {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            if let response = RawResponse(out), response.complete { return response }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk.prefix(n)
        }
        return RawResponse(out)
    }

    /// Whether the server has closed the connection (within `seconds`).
    public func isClosed(within seconds: Double = 2) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var byte: UInt8 = 0
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) > 0 { return recv(fd, &byte, 1, Int32(MSG_PEEK)) <= 0 }
        }
        return false
    }
}

/// A response as bytes, split into status, headers and body.
public struct RawResponse {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]
    let complete: Bool

    init?(_ bytes: [UInt8]) {
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var rest = Array(bytes[(end + 4)...])
        if status == 100 {
            guard let next = RawResponse(rest) else { return nil }
            self = next
            return
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        complete = rest.count >= length
        rest = Array(rest.prefix(length))
        self.status = status
        self.headers = headers
        self.body = rest
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}
