import Foundation
import Testing
import TestSupport

/// `tianbao serve` stops on SIGTERM (systemd) and SIGINT (Ctrl-C) within two seconds with exit 0,
/// idle or with a kept-alive connection open. CI runs this against the release binary too, where
/// the optimiser once released the signal sources and the hub ignored both signals.
@Suite struct ServeSignalTests {
    @Test(arguments: [SIGTERM, SIGINT], [false, true])
    func serveStopsPromptlyAndCleanly(signal: Int32, keepAliveOpen: Bool) throws {
        let w = try CLIWorld()
        var held: RawConnection?
        if keepAliveOpen {
            let c = try RawConnection(port: UInt16(w.port))
            c.send("GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: keep-alive\r\n\r\n")
            #expect(c.readResponse()?.status == 200)
            held = c   // open and idle while the hub stops
        }
        let started = Date()
        let result = try #require(w.stopHub(signal, timeout: 10))
        let seconds = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(seconds < 2, "took \(seconds) s to stop")
        #expect(result.stderr.contains(signal == SIGINT ? "stopping (SIGINT)" : "stopping (SIGTERM)"))
        #expect(result.stderr.contains("stopped"))
        if let held { #expect(held.isClosed()) }
    }
}
