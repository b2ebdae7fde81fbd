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
                && untrustedInit.stderr.contains("update-ca-certificates") && untrustedInit.stderr.contains("--ca-file"), "\(untrustedInit.status): \(untrustedInit.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.dir.file("tls-replica") + "/config.json"), "a failed init leaves no replica behind")

        // The same replica given the private CA: it initialises and syncs over TLS through nginx,
        // trusting that CA alone (the system's trust store does not know it).
        let made = w.run(nil, ["init", "--hub", "https://localhost:\(port)", "--token", token, "--ca-file", "\(dir)/ca.pem", "--dir", w.dir.file("tls-replica")])
        #expect(made.status == 0, "init --ca-file: \(made.stderr)")
        let config = (try? String(contentsOfFile: w.dir.file("tls-replica") + "/config.json", encoding: .utf8)) ?? ""
        #expect(config.contains("\"caFile\" : \"hub-ca.pem\""), "kept in the replica's config: \(config)")
        try FileManager.default.removeItem(atPath: "\(dir)/ca.pem")   // the copy in the replica's folder is what counts
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=专网同步"], in: "tls-replica").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let synced = w.run("tls-replica", ["sync", "--json"])
        #expect(synced.status == 0 && synced.stdout.contains("\"pushed\" : "), "sync over TLS with the private CA: \(synced.stderr)")
        // An attached scan travels the same way (its parts are POSTed, then fetched back by range).
        try Data("%PDF-1.4\n".utf8 + (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: w.dir.file("scan.pdf")))
        try w.check(["attach", id, w.dir.file("scan.pdf")], in: "tls-replica")
        let sent = w.run("tls-replica", ["sync", "--json"])
        #expect(sent.status == 0 && sent.stdout.contains("\"filesSent\" : 1"), "a file over TLS with the private CA: \(sent.stdout) \(sent.stderr)")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        #expect(!(try w.check(["list"], in: "city").stdout.contains(id)), "a draft stays with its unit")
        let atHub = try w.check(["hub", "verify", "--db", w.hubDB, "--json"]).stdout
        #expect(atHub.contains("\"anomalies\" : [\n\n  ]") || atHub.contains("\"anomalies\" : []"), "the hub holds what came over TLS, verified: \(atHub.prefix(400))")

        // Another CA's certificate is not a key to this hub: 78 again, with what to do.
        let other = w.dir.file("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        #expect(Self.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(other)/k.pem", "-out", "\(other)/other-ca.pem",
                                    "-days", "2", "-subj", "/CN=Another CA"]).status == 0)
        let wrong = w.run("tls-replica", ["sync", "--ca-file", "\(other)/other-ca.pem"])
        #expect(wrong.status == 78 && wrong.stderr.contains("--ca-file"), "\(wrong.status): \(wrong.stderr)")
        #expect(w.run("tls-replica", ["sync"]).status == 0, "the wrong CA was not adopted: the one that works stays")
        #expect(!FileManager.default.fileExists(atPath: w.dir.file("tls-replica") + "/hub-ca.pem.new"), "nothing half adopted is left")

        // The same CA given again replaces the copy; a replica that had none (its hub moved behind
        // the private CA) learns it from 'sync --ca-file', as the exit-78 message says.
        let folder = w.dir.file("tls-replica")
        try FileManager.default.copyItem(atPath: folder + "/hub-ca.pem", toPath: w.dir.file("ca-again.pem"))
        let again = w.run("tls-replica", ["sync", "--ca-file", w.dir.file("ca-again.pem")])
        #expect(again.status == 0, "the right CA again: \(again.stderr)")
        var plain = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as! [String: Any]
        plain["caFile"] = nil
        try JSONSerialization.data(withJSONObject: plain).write(to: URL(fileURLWithPath: folder + "/config.json"))
        try FileManager.default.removeItem(atPath: folder + "/hub-ca.pem")
        let lost = w.run("tls-replica", ["sync"])
        #expect(lost.status == 78 && lost.stderr.contains("sync --ca-file"), "\(lost.status): \(lost.stderr)")
        let learnt = w.run("tls-replica", ["sync", "--ca-file", w.dir.file("ca-again.pem")])
        #expect(learnt.status == 0, "\(learnt.stderr)")
        #expect(w.run("tls-replica", ["sync"]).status == 0, "kept for the syncs after")
        // A CA file means nothing to a hub reached over plain http: refused, not silently ignored.
        let http = w.run(nil, ["init", "--hub", w.url, "--token", token, "--ca-file", w.dir.file("ca-again.pem"), "--dir", w.dir.file("http-replica")])
        #expect(http.status == 64 && http.stderr.contains("https"), "\(http.stderr)")
        let notPEM = w.run("tls-replica", ["sync", "--ca-file", w.hubDB])
        #expect(notPEM.status == 65 && notPEM.stderr.contains("BEGIN CERTIFICATE"), "\(notPEM.stderr)")
    }
}

enum Nginx {
    static let path: String? = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
