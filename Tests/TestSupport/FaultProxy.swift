#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A TCP proxy on loopback that stands between replicas and a hub and breaks the network on
/// purpose, from a seed: it cuts connections at random byte offsets either way, truncates replies,
/// delays them, sends a request to the hub twice, answers 500/502/503 (before or after the hub has
/// acted), and resets connections mid-request.
///
/// It understands just enough HTTP/1.1 to find where a request ends (a head and a Content-Length
/// body, one request per connection, as Tianbao's client sends them), so every fault is decided
/// per request and every kind can be counted.
public final class FaultProxy: Sendable {
    public enum Fault: String, CaseIterable, Sendable {
        /// The connection closes while the client sends: only part of the request is read, and only
        /// that reaches the hub (a client with more to send sees a reset).
        case cutRequest
        /// The connection is reset while the client sends; the hub sees part of the request.
        case resetRequest
        /// The hub acts on the request; the reply reaches the client only in part.
        case cutReply
        /// The hub acts on the request; the reply is lost and the connection reset.
        case resetAfterReply
        /// The reply comes late.
        case delay
        /// The hub receives the request twice; the client sees the second reply.
        case duplicate
        /// The client's connection is dropped unanswered, and its request reaches the hub later, after
        /// whatever the client sent next: an old request arriving after a newer one.
        case lateDuplicate
        /// The proxy answers 502/503 without the hub seeing anything.
        case gatewayError
        /// The hub acts on the request; the client sees 500/503 instead of its reply.
        case errorAfterHub
    }

    public let port: UInt16
    private let listener: Int32
    private let upstream: UInt16
    private struct State {
        var random: SeededRandom
        var faultRate: Double
        var injected: [Fault: Int] = [:]
        var requests = 0
        var stopped = false
    }
    private let state: Mutex<State>

    /// A proxy to the hub on loopback port `upstream`; a fraction `faultRate` of requests meets a
    /// fault, chosen from `seed`.
    public init(upstream: UInt16, seed: UInt64, faultRate: Double = 0.35) {
        self.upstream = upstream
        (listener, port) = Loopback.listen()
        state = Mutex(State(random: SeededRandom(seed: seed), faultRate: faultRate))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Turns faults off (a clean final sync) or on again.
    public func setFaultRate(_ rate: Double) { state.withLock { $0.faultRate = rate } }

    /// How many faults of each kind were injected so far.
    public var injected: [Fault: Int] { state.withLock { $0.injected } }
    public var totalInjected: Int { injected.values.reduce(0, +) }
    public var requests: Int { state.withLock { $0.requests } }

    public var summary: String {
        let counts = injected.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        return "\(totalInjected) faults in \(requests) requests (\(counts.joined(separator: ", ")))"
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        // Checked before each accept: once stopped, the listener's number may belong to another socket.
        while !state.withLock({ $0.stopped }) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    /// A fault for the next request, with the random numbers it needs, drawn under the lock so
    /// the schedule depends only on the seed and the order requests arrive in.
    private func draw() -> (Fault?, UInt64) {
        state.withLock { s in
            s.requests += 1
            let roll = Double(s.random.next() % 10_000) / 10_000
            let extra = s.random.next()
            guard roll < s.faultRate else { return (nil, extra) }
            let fault = Fault.allCases[Int(s.random.next() % UInt64(Fault.allCases.count))]
            s.injected[fault, default: 0] += 1
            return (fault, extra)
        }
    }

    private func serve(_ client: Int32) {
        var resetClient = false
        defer { if resetClient { Loopback.reset(client) } else { close(client) } }
        let (fault, r) = draw()
        if fault == .cutRequest || fault == .resetRequest {
            // Cut within the first 4 KiB, before the whole request is read: a client still sending
            // meets the reset while it writes.
            let part = readPart(client, upTo: 1 + Int(r % 4_096))
            if let hub = Loopback.connect(port: upstream) {
                Loopback.send(hub, part[...])
                if fault == .resetRequest { Loopback.reset(hub) } else { close(hub) }
            }
            resetClient = fault == .resetRequest
            return
        }
        guard let request = readRequest(client) else { return }
        switch fault {
        case nil, .cutRequest?, .resetRequest?:
            relay(request, to: client)
        case .lateDuplicate?:
            Thread { [self] in
                usleep(UInt32(100_000 + r % 1_400_000))
                _ = exchange(request)
            }.start()
        case .cutReply?:
            let reply = exchange(request)
            Loopback.send(client, reply[..<Int(r % UInt64(max(reply.count, 1)))])
        case .resetAfterReply?:
            _ = exchange(request)
            resetClient = true
        case .delay?:
            let reply = exchange(request)
            usleep(UInt32(50_000 + r % 400_000))
            Loopback.send(client, reply[...])
        case .duplicate?:
            _ = exchange(request)
            relay(request, to: client)
        case .gatewayError?:
            Loopback.send(client, Self.errorReply(r % 2 == 0 ? 502 : 503))
        case .errorAfterHub?:
            _ = exchange(request)
            Loopback.send(client, Self.errorReply(r % 2 == 0 ? 500 : 503))
        }
    }

    private func relay(_ request: [UInt8], to client: Int32) {
        Loopback.send(client, exchange(request)[...])
    }

    /// Sends `request` to the hub on a connection of its own and reads its whole reply (the
    /// client asked for `Connection: close`, so the hub closes when done).
    private func exchange(_ request: [UInt8]) -> [UInt8] {
        guard let hub = Loopback.connect(port: upstream) else { return [] }
        defer { close(hub) }
        Loopback.send(hub, request[...])
        var reply: [UInt8] = []
        while let chunk = Loopback.receive(hub, seconds: 30), !chunk.isEmpty { reply += chunk }
        return reply
    }

    /// At most `limit` bytes of what the client sends: fewer when its request ends first.
    private func readPart(_ client: Int32, upTo limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < limit && Self.requestLength(bytes).map({ bytes.count < $0 }) ?? true {
            guard let chunk = Loopback.receive(client, seconds: 30), !chunk.isEmpty else { break }
            bytes += chunk
        }
        return Array(bytes.prefix(limit))
    }

    /// The whole request the client sends (a head and its Content-Length body).
    private func readRequest(_ client: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        while Self.requestLength(bytes).map({ bytes.count < $0 }) ?? true {
            guard let chunk = Loopback.receive(client, seconds: 30), !chunk.isEmpty, bytes.count < 1 << 26 else { return nil }
            bytes += chunk
        }
        return bytes
    }

    /// How long the request that `bytes` begins is, once its head has arrived.
    private static func requestLength(_ bytes: [UInt8]) -> Int? {
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return nil }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self).lowercased()
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return headEnd + length
    }

    private static func errorReply(_ status: Int) -> ArraySlice<UInt8> {
        let body = "{\"error\":\"proxy\",\"message\":\"injected \(status)\"}"
        let reason = [500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"][status] ?? "Error"
        return Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)[...]
    }
}
