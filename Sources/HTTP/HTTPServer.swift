#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets: one thread per connection, keep-alive, every read
/// bounded by a deadline, every limit in ``HTTPLimits``. It knows nothing of what it serves.
///
///     let server = HTTPServer(admit: { head in
///         head.headers["Authorization"] == nil ? .text(401, "send a bearer token") : nil
///     }) { request in .text(200, "ok") }
///     let port = try server.start(host: "127.0.0.1", port: 0)
///     …
///     server.stop()    // finishes requests in flight, then returns
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// Decides on a request from its head alone: nil lets it through, a response refuses it.
    ///
    /// It runs before the server reads, decompresses or `100 Continue`s the body, so a client
    /// that may not send one (no credentials, say) costs a head's worth of work, never a body's.
    /// A refusal is sent with `Connection: close` and the connection is closed, the body unread.
    public typealias Admission = @Sendable (HTTPRequestHead) -> HTTPResponse?

    /// Writes the server's own refusals (400, 408, 413, 503 busy…) in the application's form: a
    /// status, a short code such as `body_too_large`, and a message. Plain text unless told.
    public typealias ErrorWriter = @Sendable (_ status: HTTPStatus, _ code: String, _ message: String) -> HTTPResponse
    public static let plainErrors: ErrorWriter = { status, code, message in .text(status, "\(code): \(message)\n") }

    public let limits: HTTPLimits
    private let handler: Handler
    private let admit: Admission?
    private let logger: (@Sendable (AccessEntry) -> Void)?
    /// Told of every request answered before the handler saw it (a refused head, framing or
    /// body, an admission refused), so what counts requests counts these too; the path is nil when
    /// the head itself was refused.
    private let refused: (@Sendable (String?, HTTPStatus) -> Void)?
    private let errors: ErrorWriter
    private let state = Mutex(State())

    private struct State {
        var listener: Int32 = -1
        var stopping = false
        var connections = ConnectionTable()
        var acceptThreadDone = true
    }

    public init(limits: HTTPLimits = HTTPLimits(), logger: (@Sendable (AccessEntry) -> Void)? = nil,
                errors: @escaping ErrorWriter = HTTPServer.plainErrors, admit: Admission? = nil,
                refused: (@Sendable (_ path: String?, _ status: HTTPStatus) -> Void)? = nil, handler: @escaping Handler) {
        self.refused = refused
        self.limits = limits
        self.handler = handler
        self.admit = admit
        self.logger = logger
        self.errors = errors
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
    public var activeConnections: Int { state.withLock { $0.connections.count } }

    /// Connections waiting for a request, which a newcomer at the cap may displace.
    var idleConnections: Int { state.withLock { $0.connections.idleCount } }

    /// Stops accepting, lets requests in flight finish (up to the grace period), closes idle
    /// connections, and returns when all are done.
    public func stop() {
        state.withLock { $0.stopping = true }
        let deadline = Date().addingTimeInterval(limits.shutdownGraceSeconds)
        while Date() < deadline {
            let (active, acceptDone) = state.withLock { ($0.connections.count, $0.acceptThreadDone) }
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
            if fd < 0 {
                // Out of descriptors: the pending connection stays readable, so without a pause
                // this loop would spin a core until one is freed.
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(50_000) }
                continue
            }
            let (admitted, stoppingNow) = state.withLock { s -> (Int?, Bool) in
                s.stopping ? (nil, true) : (s.connections.admit(fd, capacity: limits.maxConnections), false)
            }
            guard let id = admitted else {
                let busy = errors(.serviceUnavailable, "busy", stoppingNow ? "the server is stopping; try again shortly"
                    : "all \(limits.maxConnections) connections are mid-request; try again shortly")
                _ = Socket.send(fd, Self.serialize(busy, keepAlive: false), deadline: Date().addingTimeInterval(1))
                close(fd)
                continue
            }
            let thread = Thread { [self] in
                serve(fd, id)
                state.withLock { $0.connections.remove(id) }
                close(fd)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Serves requests on one connection until it closes, times out, is evicted or the server stops.
    private func serve(_ fd: Int32, _ id: Int) {
        var buffer: [UInt8] = []
        while true {
            guard let (head, consumed, deadline) = readHead(fd, id, &buffer) else { return }
            let started = Date()
            buffer.removeFirst(consumed)
            if let admit, let refusal = admit(head.request) {
                refused?(head.request.path, refusal.status)
                _ = respond(fd, refusal, to: head.request, keepAlive: false, started: started, bytesIn: consumed)
                return
            }
            let gzipped: Bool
            do {
                gzipped = try RequestFraming.isGzipped(head.request)
            } catch {
                return refuse(fd, error, head.request, started: started, bytesIn: consumed)
            }
            if head.expectsContinue && head.framing != .none {
                _ = Socket.send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: deadline)
            }
            var body: [UInt8]
            var bytesIn = consumed
            do throws(HTTPParser.Refusal) {
                let late = HTTPParser.Refusal(status: .requestTimeout, message: "the body did not arrive within \(Int(limits.requestTimeoutSeconds)) s")
                guard let read = try RequestFraming.body(head.framing, &buffer, limits: limits, bytesIn: &bytesIn,
                                                         more: { self.readMore(fd, &$0, until: deadline) }) else { throw late }
                body = gzipped ? try RequestFraming.gunzip(read, limit: limits.maxBodyBytes) : read
            } catch {
                return refuse(fd, error, head.request, started: started, bytesIn: bytesIn)
            }
            let request = HTTPRequest(head: head.request, body: body)
            let response = handler(request)
            let keepAlive = request.keepAlive && !stopping  // after the handler: a stop may have begun meanwhile
            let sent = respond(fd, response, to: head.request, keepAlive: keepAlive, started: started, bytesIn: bytesIn)
            if !sent || !keepAlive { return }
        }
    }

    /// Reads until `buffer` holds a whole head; returns it with the deadline for the rest of the
    /// request, or nil when the connection is to end (closed, idle too long, evicted, stopping,
    /// or a refusal already sent).
    private func readHead(_ fd: Int32, _ id: Int, _ buffer: inout [UInt8]) -> (HTTPParser.Head, consumed: Int, deadline: Date)? {
        let parser = HTTPParser(limits: limits)
        // Only a connection waiting for the first byte of a request may be evicted.
        if buffer.isEmpty { state.withLock { $0.connections.markIdle(id) } }
        var requestDeadline: Date? = buffer.isEmpty ? nil : Date().addingTimeInterval(limits.requestTimeoutSeconds)
        let idleDeadline = Date().addingTimeInterval(limits.idleTimeoutSeconds)
        while true {
            do {
                if case .head(let head, let consumed) = try parser.parseHead(buffer) {
                    return (head, consumed, requestDeadline ?? Date().addingTimeInterval(limits.requestTimeoutSeconds))
                }
            } catch {
                refuse(fd, error, nil, started: Date(), bytesIn: buffer.count)
                return nil
            }
            if buffer.isEmpty && stopping { return nil }
            let deadline = requestDeadline ?? idleDeadline
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            if left <= 0 {
                if requestDeadline == nil { return nil }  // idle keep-alive connection: just close
                refuse(fd, .init(status: .requestTimeout, message: "the request did not arrive within \(Int(limits.requestTimeoutSeconds)) s"), nil,
                       started: Date(), bytesIn: buffer.count)
                return nil
            }
            guard Socket.wait(fd, milliseconds: min(left, 200)) else { continue }
            if buffer.isEmpty && !state.withLock({ $0.connections.claim(id) }) { return nil }  // evicted while idle
            if Socket.receive(fd, into: &buffer) == 0 { return nil }
            if requestDeadline == nil { requestDeadline = Date().addingTimeInterval(limits.requestTimeoutSeconds) }
        }
    }

    /// Sends `response` within the write timeout and logs it; false when the client did not take it.
    private func respond(_ fd: Int32, _ response: HTTPResponse, to request: HTTPRequestHead, keepAlive: Bool,
                         started: Date, bytesIn: Int) -> Bool {
        let bytes = Self.serialize(response, keepAlive: keepAlive, head: request.method == "HEAD")
        let sent = Socket.send(fd, bytes, deadline: Date().addingTimeInterval(limits.writeTimeoutSeconds))
        log(request.method, request.path, response.status, bytesIn, bytes.count, started, response.principal)
        return sent
    }

    private func readMore(_ fd: Int32, _ buffer: inout [UInt8], until deadline: Date) -> Bool {
        while true {
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            if left <= 0 { return false }
            if Socket.wait(fd, milliseconds: left) { return Socket.receive(fd, into: &buffer) > 0 }
        }
    }

    /// Answers a request the server will not handle, and closes the connection. `request` is nil
    /// when the head itself was refused: its method and path are not to be trusted, even in a log.
    private func refuse(_ fd: Int32, _ refusal: HTTPParser.Refusal, _ request: HTTPRequestHead?, started: Date, bytesIn: Int) {
        let code = switch refusal.status {
        case .requestTimeout: "timeout"
        case .contentTooLarge: "body_too_large"
        case .uriTooLong: "request_line_too_long"
        case .headerFieldsTooLarge: "headers_too_large"
        case .unsupportedMediaType: "unsupported_encoding"
        case .notImplemented: "not_implemented"
        case .versionNotSupported: "http_version"
        default: "bad_request"
        }
        let response = errors(refusal.status, code, refusal.message)
        self.refused?(request?.path, refusal.status)
        let bytes = Self.serialize(response, keepAlive: false)
        _ = Socket.send(fd, bytes, deadline: Date().addingTimeInterval(2))
        log(request?.method ?? "-", request?.path ?? "-", refusal.status, bytesIn, bytes.count, started, nil)
    }

    private func log(_ method: String, _ path: String, _ status: HTTPStatus, _ bytesIn: Int, _ bytesOut: Int, _ started: Date, _ principal: String?) {
        logger?(AccessEntry(method: Self.loggable(method), path: Self.loggable(path), status: status, bytesIn: bytesIn, bytesOut: bytesOut,
                            milliseconds: Date().timeIntervalSince(started) * 1000, principal: principal.map(Self.loggable)))
    }

    static func serialize(_ response: HTTPResponse, keepAlive: Bool, head: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n"
        for (name, value) in response.headers where name.lowercased() != "content-length" && name.lowercased() != "connection" {
            text += "\(name): \(value)\r\n"
        }
        if response.headers["Date"] == nil { text += "Date: \(httpDate(time(nil)))\r\n" }
        text += "Content-Length: \(response.body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        return Array(text.utf8) + (head ? [] : response.body)
    }
}
