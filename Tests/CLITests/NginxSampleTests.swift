import Foundation
import Testing
import TestSupport

/// Examples/nginx/tianbao-hub.conf as an operator deploys it, on the nginx Debian stable ships:
/// `nginx -t` accepts it, and it carries the hub's answers over TLS with a private CA's certificate.
@Suite(.enabled(if: Nginx.path != nil, "needs nginx (apt-get install nginx-light; Tests/run.sh installs it)"))
struct NginxSampleTests {
    static var nginx: String? { Nginx.path }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length); _ = getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func run(_ executable: String, _ arguments: [String]) -> Subprocess.Result {
        Subprocess.run(arguments, timeout: 60, executable: executable)
    }

    @Test func theSampleLoadsAndCarriesTheHubOverTLS() throws {
        let w = try CLIWorld()
        let dir = w.dir.file("nginx")
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        // A private CA (as a 卫生专网 runs one) and the hub's certificate signed by it.
        let openssl = "/usr/bin/openssl"
        for step in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem", "-days", "2", "-subj", "/CN=Tianbao Test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/privkey.pem", "-out", "\(dir)/hub.csr", "-subj", "/CN=localhost"],
        ] { #expect(Self.run(openssl, step).status == 0) }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        #expect(Self.run(openssl, ["x509", "-req", "-in", "\(dir)/hub.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
                                   "-out", "\(dir)/fullchain.pem", "-days", "2", "-extfile", "\(dir)/san.ext"]).status == 0)

        // The sample with this machine's paths and ports, nothing else changed.
        let root = Subprocess.buildDirectory.deletingLastPathComponent().deletingLastPathComponent()
        var sample = try String(contentsOf: root.appendingPathComponent("Examples/nginx/tianbao-hub.conf"), encoding: .utf8)
        let port = Self.freePort()
        for (from, to) in [("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"), ("/etc/ssl/tianbao/", "\(dir)/"),
                           ("/var/log/nginx/", "\(dir)/logs/"), ("http://127.0.0.1:8040", "http://127.0.0.1:\(w.port)")] {
            #expect(sample.contains(from), "the sample no longer says \(from)")
            sample = sample.replacingOccurrences(of: from, with: to)
        }
        try sample.write(toFile: "\(dir)/tianbao-hub.conf", atomically: true, encoding: .utf8)
        try """
        pid \(dir)/nginx.pid;
        error_log \(dir)/logs/error.log;
        events {}
        http {
            client_body_temp_path \(dir)/body; proxy_temp_path \(dir)/proxy;
            fastcgi_temp_path \(dir)/fastcgi; uwsgi_temp_path \(dir)/uwsgi; scgi_temp_path \(dir)/scgi;
            include \(dir)/tianbao-hub.conf;
        }
        """.write(toFile: "\(dir)/nginx.conf", atomically: true, encoding: .utf8)

        let check = Self.run(Self.nginx!, ["-t", "-p", dir, "-c", "\(dir)/nginx.conf"])
        #expect(check.status == 0, "nginx -t: \(check.stderr)")
        let server = Subprocess.start(["-p", dir, "-c", "\(dir)/nginx.conf", "-g", "daemon off;"], executable: Self.nginx!)
        defer { _ = server.stop() }
        var answer: Subprocess.Result?
        for _ in 0..<50 {
            answer = Self.run("/usr/bin/curl", ["-sS", "--cacert", "\(dir)/ca.pem", "https://localhost:\(port)/healthz", "-D", "-"])
            if answer?.status == 0 { break }
            usleep(100_000)
        }
        #expect(answer?.status == 0 && answer?.stdout.contains("{\"status\":\"ok\"}") == true, "through nginx over TLS: \(answer?.stderr ?? "")")
        let untrusted = Self.run("/usr/bin/curl", ["-sS", "https://localhost:\(port)/healthz"])
        #expect(untrusted.status != 0, "without the private CA the certificate is not trusted")
        let whoami = Self.run("/usr/bin/curl", ["-sS", "--cacert", "\(dir)/ca.pem", "https://localhost:\(port)/v1/whoami", "-D", "-"])
        #expect(whoami.stdout.contains("401") && whoami.stdout.lowercased().contains("www-authenticate: bearer"), "\(whoami.stdout)")

        // A replica on a machine that does not trust the private CA: a configuration to fix (78),
        // said with what to do — not "try later" (75), which cron would wait out for ever.
        let enrolled = try w.check(["hub", "enroll", "--db", w.hubDB, "--org", "fz-first", "--role", "hospital", "--json"]).stdout
        let token = try #require((try JSONSerialization.jsonObject(with: Data(enrolled.utf8)) as? [String: Any])?["token"] as? String)
        let untrustedInit = w.run(nil, ["init", "--hub", "https://localhost:\(port)", "--token", token, "--dir", w.dir.file("tls-replica")])
        #expect(untrustedInit.status == 78 && untrustedInit.stderr.contains(say("does not trust the hub's TLS certificate", "本机不信任省平台的 TLS 证书"))
                && untrustedInit.stderr.contains("update-ca-certificates"), "\(untrustedInit.status): \(untrustedInit.stderr)")
    }
}

enum Nginx {
    static let path: String? = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
