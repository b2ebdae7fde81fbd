#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets: one thread per connection, keep-alive, every read
/// bounded by a deadline, every limit in ``HTTPLimits``. It knows nothing of what it serves.
///
///     let server = HTTPServer { request in .text(200, "ok") }
///     let port = try server.start(host: "127.0.0.1", port: 0)
///     …
///     server.stop()    // finishes requests in flight, then returns
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// One line of the access log: never a header value or a body.
    public struct AccessEntry: Sendable {
        public let method: String
        public let path: String
        public let status: Int
        public let bytesIn: Int
        public let bytesOut: Int
        public let milliseconds: Double
        /// Whatever the handler put in the `X-Log-Principal` response header (it is not sent).
        public let principal: String?
    }

    public let limits: HTTPLimits
    private let handler: Handler
    private let logger: (@Sendable (AccessEntry) -> Void)?
    private let state = Mutex(State())

    private struct State {
        var listener: Int32 = -1
        var stopping = false
        var active = 0
        var acceptThreadDone = true
    }

    public init(limits: HTTPLimits = HTTPLimits(), logger: (@Sendable (AccessEntry) -> Void)? = nil, handler: @escaping Handler) {
        self.limits = limits
        self.handler = handler
        self.logger = logger
    }

    /// Starts listening and serving in the background; returns the port (useful with port 0).
    @discardableResult
    public func start(host: String, port: UInt16) throws -> UInt16 {
        let (fd, bound) = try Socket.listen(host: host, port: port)
        state.withLock {
            $0.listener = fd
            $0.stopping = false
            $0.acceptThreadDone = false
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "http-accept"
        thread.start()
        return bound
    }

    /// Connections being served now.
    public var activeConnections: Int { state.withLock { $0.active } }

    /// Stops accepting, lets requests in flight finish (up to the grace period), closes idle
    /// connections, and returns when all are done.
    public func stop() {
        state.withLock { $0.stopping = true }
        let deadline = Date().addingTimeInterval(limits.shutdownGraceSeconds)
        while Date() < deadline {
            let (active, acceptDone) = state.withLock { ($0.active, $0.acceptThreadDone) }
            if active == 0 && acceptDone { break }
            usleep(10_000)
        }
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop(_ listener: Int32) {
        defer {
            close(listener)
            state.withLock { $0.acceptThreadDone = true }
        }
        while !stopping {
            guard Socket.wait(listener, milliseconds: 200) else { continue }
            let fd = accept(listener, nil, nil)
            if fd < 0 { continue }
            let admitted = state.withLock { s -> Bool in
                guard s.active < limits.maxConnections, !s.stopping else { return false }
                s.active += 1
                return true
            }
            guard admitted else {
                let busy = HTTPResponse.error(503, code: "busy", message: "the server is at its connection limit; try again shortly")
                _ = Socket.send(fd, Self.serialize(busy, keepAlive: false), deadline: Date().addingTimeInterval(1))
                close(fd)
                continue
            }
            let thread = Thread { [self] in
                serve(fd)
                close(fd)
                state.withLock { $0.active -= 1 }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Serves requests on one connection until it closes, times out or the server stops.
    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        let parser = HTTPParser(limits: limits)
        while true {
            var requestDeadline: Date? = buffer.isEmpty ? nil : Date().addingTimeInterval(limits.requestTimeoutSeconds)
            let idleDeadline = Date().addingTimeInterval(limits.idleTimeoutSeconds)
            var head: HTTPParser.Head
            var consumed: Int
            // The head.
            while true {
                do {
                    if case .head(let h, let c) = try parser.parseHead(buffer) { head = h; consumed = c; break }
                } catch {
                    return refuse(fd, error, started: Date(), bytesIn: buffer.count)
                }
                if buffer.isEmpty && stopping { return }
                let deadline = requestDeadline ?? idleDeadline
                let left = Int(deadline.timeIntervalSinceNow * 1000)
                if left <= 0 {
                    if requestDeadline == nil { return }  // idle keep-alive connection: just close
                    return refuse(fd, .init(status: 408, message: "the request did not arrive within \(Int(limits.requestTimeoutSeconds)) s"), started: Date(), bytesIn: buffer.count)
                }
                guard Socket.wait(fd, milliseconds: min(left, 200)) else { continue }
                if Socket.receive(fd, into: &buffer) == 0 { return }
                if requestDeadline == nil { requestDeadline = Date().addingTimeInterval(limits.requestTimeoutSeconds) }
            }
            let started = Date()
            let deadline = requestDeadline ?? Date().addingTimeInterval(limits.requestTimeoutSeconds)
            buffer.removeFirst(consumed)
            if head.expectsContinue && head.framing != .none {
                _ = Socket.send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: deadline)
            }
            // The body.
            var body: [UInt8] = []
            switch head.framing {
            case .none:
                break
            case .length(let n):
                while buffer.count < n {
                    guard readMore(fd, &buffer, until: deadline) else {
                        return refuse(fd, .init(status: 408, message: "the body did not arrive within \(Int(limits.requestTimeoutSeconds)) s"), started: started, bytesIn: consumed + buffer.count)
                    }
                }
                body = Array(buffer.prefix(n))
                buffer.removeFirst(n)
            case .chunked:
                var decoder = ChunkedDecoder(limit: limits.maxBodyBytes)
                while true {
                    let fed: Int?
                    do {
                        fed = try decoder.feed(buffer)
                    } catch {
                        return refuse(fd, error, started: started, bytesIn: consumed + buffer.count)
                    }
                    if let used = fed, decoder.isDone {
                        buffer.removeFirst(used)
                        break
                    }
                    guard readMore(fd, &buffer, until: deadline) else {
                        return refuse(fd, .init(status: 408, message: "the body did not arrive within \(Int(limits.requestTimeoutSeconds)) s"), started: started, bytesIn: consumed + buffer.count)
                    }
                }
                body = decoder.body
            }
            let bytesIn = consumed + body.count
            // A compressed body.
            if let encoding = head.headers["Content-Encoding"]?.lowercased(), encoding != "identity" {
                guard encoding == "gzip" else {
                    return refuse(fd, .init(status: 415, message: "Content-Encoding \(encoding) is not supported; send gzip or identity"), started: started, bytesIn: bytesIn)
                }
                do {
                    body = try Gzip.decompress(body, limit: limits.maxBodyBytes)
                } catch .tooLarge {
                    return refuse(fd, .init(status: 413, message: "decompressed body over the limit of \(limits.maxBodyBytes) bytes"), started: started, bytesIn: bytesIn)
                } catch {
                    return refuse(fd, .init(status: 400, message: "the gzip body is corrupt"), started: started, bytesIn: bytesIn)
                }
            }
            let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body, version: head.version)
            var response = handler(request)
            let principal = response.headers["X-Log-Principal"]
            response.headers = HTTPHeaders(response.headers.fields.filter { $0.name != "X-Log-Principal" }.map { ($0.name, $0.value) })
            let keepAlive = request.keepAlive && !stopping
            let bytes = Self.serialize(response, keepAlive: keepAlive, head: request.method == "HEAD")
            let sent = Socket.send(fd, bytes, deadline: Date().addingTimeInterval(limits.writeTimeoutSeconds))
            log(request.method, request.path, response.status, bytesIn, bytes.count, started, principal)
            if !sent || !keepAlive { return }
        }
    }

    private func readMore(_ fd: Int32, _ buffer: inout [UInt8], until deadline: Date) -> Bool {
        while true {
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            if left <= 0 { return false }
            if Socket.wait(fd, milliseconds: left) { return Socket.receive(fd, into: &buffer) > 0 }
        }
    }

    /// Answers a request the server will not handle, and closes the connection.
    private func refuse(_ fd: Int32, _ refusal: HTTPParser.Refusal, started: Date, bytesIn: Int) {
        let code = switch refusal.status {
        case 408: "timeout"
        case 413: "body_too_large"
        case 414: "request_line_too_long"
        case 431: "headers_too_large"
        case 415: "unsupported_encoding"
        case 501: "not_implemented"
        case 505: "http_version"
        default: "bad_request"
        }
        let response = HTTPResponse.error(refusal.status, code: code, message: refusal.message)
        let bytes = Self.serialize(response, keepAlive: false)
        _ = Socket.send(fd, bytes, deadline: Date().addingTimeInterval(2))
        log("-", "-", refusal.status, bytesIn, bytes.count, started, nil)
    }

    private func log(_ method: String, _ path: String, _ status: Int, _ bytesIn: Int, _ bytesOut: Int, _ started: Date, _ principal: String?) {
        logger?(AccessEntry(method: method, path: path, status: status, bytesIn: bytesIn, bytesOut: bytesOut,
                            milliseconds: Date().timeIntervalSince(started) * 1000, principal: principal))
    }

    static func serialize(_ response: HTTPResponse, keepAlive: Bool, head: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        for (name, value) in response.headers where name.lowercased() != "content-length" && name.lowercased() != "connection" {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(response.body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        return Array(text.utf8) + (head ? [] : response.body)
    }
}
