#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import HTTP
import TestSupport

/// Clients that try to exhaust the server's memory, threads or connection slots. One at a time:
/// they load the process, and one of them measures its memory.
@Suite(.serialized) struct ResourceExhaustionTests {
    /// 64 KiB at a time of a trailer that never ends.
    enum Flood: CaseIterable {
        case oneLineWithoutCRLF, shortLines

        var start: String { self == .oneLineWithoutCRLF ? "X-Flood: " : "" }
        var chunk: [UInt8] {
            switch self {
            case .oneLineWithoutCRLF: [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
            case .shortLines: Array(String(repeating: "X-Flood: \(String(repeating: "a", count: 1_014))\r\n", count: 64).utf8)
            }
        }
    }

    @Test(arguments: Flood.allCases)
    func aTrailerFloodIsRefusedEarlyWithoutGrowingMemory(_ flood: Flood) throws {
        let server = HTTPServer { HTTPResponse(status: 200, body: $0.body) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        // Where /proc cannot reset the peak, the memory still held after the refusal is all one can see.
        let peakKnown = (try? resetPeakResidentBytes()) != nil
        let before = try residentBytes()
        c.write(Array("POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\(flood.start)".utf8))
        var sent = 0
        let chunk = flood.chunk
        while sent < 64 << 20, c.write(chunk) { sent += chunk.count }
        let r = c.readResponse()
        let growth = try residentBytes(peak: peakKnown) - before
        #expect(r?.status == 431)
        #expect(c.isClosed())
        #expect(sent < 64 << 20, "the server read all 64 MiB of trailer")
        #expect(growth < 32 << 20, "resident memory peaked \(growth >> 20) MiB above where it started")
        try expectStillServes(port)
    }

    @Test func aClientThatNeverReadsIsCutOffAtTheWriteTimeout() throws {
        var limits = HTTPLimits()
        limits.writeTimeoutSeconds = 0.5
        let log = AccessLogRecorder()
        // More than the kernel buffers on both ends hold (4 MiB send buffer at most here).
        let size = 12 << 20
        let server = HTTPServer(limits: limits, logger: log.logger) { request in
            HTTPResponse(status: 200, body: request.path == "/huge" ? [UInt8](repeating: 1, count: size) : [])
        }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let c = try RawConnection(port: port)
        var small: Int32 = 16 * 1024
        setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        c.send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n")   // and never reads
        // The write gives up (the entry is logged once it does) and the connection's thread ends.
        #expect(log.entry(for: "/huge", within: 20) != nil, "the write to a client that never reads did not time out")
        #expect(eventually(within: 10) { server.activeConnections == 0 })
        try expectStillServes(port)
        // The client, reading at last, finds the response cut short and the connection closed.
        let received = c.readAll(seconds: 10)
        #expect(received.count < size)
        #expect(c.isClosed())
    }

    /// Opens a connection and waits until the server counts it idle, so that idle order is open order.
    static func idle(_ server: HTTPServer, _ port: UInt16, request: Bool) throws -> RawConnection {
        let idleBefore = server.idleConnections
        let c = try RawConnection(port: port)
        if request {
            c.send("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponse()?.status == 200)
        }
        #expect(eventually { server.idleConnections == idleBefore + 1 })
        return c
    }

    @Test func atTheCapTheConnectionIdleTheLongestMakesRoom() throws {
        var limits = HTTPLimits()
        limits.maxConnections = 8
        let server = HTTPServer(limits: limits) { _ in HTTPResponse(status: 200) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        // Two kept-alive connections between requests, then six that have sent nothing.
        var held: [RawConnection] = []
        for i in 0..<8 { held.append(try Self.idle(server, port, request: i < 2)) }
        #expect(server.activeConnections == 8)

        try expectStillServes(port)
        #expect(held[0].isClosed(), "the connection idle the longest was not the one evicted")
        #expect(eventually { server.activeConnections == 7 })
        // A client that keeps its connection fills the free slot; the next newcomer evicts the next idlest.
        let keeper = try RawConnection(port: port)
        keeper.send("GET /keeper HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(keeper.readResponse()?.status == 200)
        #expect(eventually { server.activeConnections == 8 })
        try expectStillServes(port)
        #expect(held[1].isClosed())
        // The others were left alone, and are served when they get round to asking.
        held[2].send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(held[2].readResponse()?.status == 200)
        keeper.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(keeper.readResponse()?.status == 200)
    }

    @Test func whenEveryConnectionIsMidRequestANewcomerGets503() throws {
        var limits = HTTPLimits()
        limits.maxConnections = 8
        let server = HTTPServer(limits: limits) { _ in HTTPResponse(status: 200) }
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        var busy: [RawConnection] = []
        for _ in 0..<8 {
            let c = try RawConnection(port: port)
            c.send("GET /half HTTP/1.1\r\nHost")   // half a head: mid-request
            busy.append(c)
        }
        #expect(eventually { server.activeConnections == 8 && server.idleConnections == 0 })

        let newcomer = try RawConnection(port: port)
        let r = try #require(newcomer.readResponse())
        #expect(r.status == 503)
        #expect(r.text.contains("mid-request"))
        #expect(newcomer.isClosed())
        #expect(busy.allSatisfy { !$0.isClosed(within: 0.05) }, "a connection mid-request was evicted")

        // One leaves; the server serves again.
        busy[0].hangUp()
        #expect(eventually { server.activeConnections == 7 })
        try expectStillServes(port)
        for c in busy { c.hangUp() }
    }
}
