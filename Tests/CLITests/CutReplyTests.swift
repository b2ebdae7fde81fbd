#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A reply cut inside its status line, its headers or its body is a network fault: `tianbao sync`
/// exits 75 (try later) and says so; it never crashes (libcurl's client used to abort the process).
@Suite struct CutReplyTests {
    /// A one-connection-at-a-time server on loopback that reads a request head and answers `reply`,
    /// then closes.
    final class CuttingServer: @unchecked Sendable {
        let fd: Int32
        let port: UInt16
        private let reply: [UInt8]

        init(reply: String) throws {
            self.reply = Array(reply.utf8)
            (fd, port) = Loopback.listen()
            Thread { [self] in serve() }.start()
        }

        private func serve() {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                var seen: [UInt8] = []
                while !String(decoding: seen, as: UTF8.self).contains("\r\n\r\n") {
                    let n = recv(c, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    seen += buffer[0..<n]
                    if seen.count > 1 << 20 { break }
                }
                _ = reply.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(c)
            }
        }

        func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    static let cuts = [
        "HTTP/1.1 20",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le",
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"protocol\":",
    ]

    @Test(arguments: cuts)
    func aCutReplyIsTryLaterNeverACrash(reply: String) throws {
        let server = try CuttingServer(reply: reply)
        defer { server.stop() }
        let dir = TemporaryDirectory(prefix: "tianbao-cut")
        let folder = dir.file("replica")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let replica = String(repeating: "ab", count: 16)
        try "{\"hub\":\"http://127.0.0.1:\(server.port)\",\"replica\":\"\(replica)\",\"org\":\"fz-first\",\"role\":\"hospital\"}"
            .write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        try "\(replica).\(String(repeating: "c", count: 64))\n".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        let result = Subprocess.run(["sync", "--dir", folder, "--budget", "1"])
        #expect(result.status == 75, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(say("nothing was lost", "没有丢失任何内容")), "\(result.stderr)")
    }
}
