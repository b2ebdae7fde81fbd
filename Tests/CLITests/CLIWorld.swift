import Foundation
import TestSupport

/// A hub started with `tianbao serve` and replicas made with `tianbao init`, all through the binary.
final class CLIWorld: @unchecked Sendable {
    let dir = TemporaryDirectory(prefix: "tianbao-cli")
    var hubDB: String { dir.file("hub.sqlite") }
    private(set) var server: Subprocess.Running?
    private(set) var url = ""
    private(set) var port = 0
    private var wrapped = false

    static let organizations = """
    [{"code":"fj-province","name":"福建省卫生健康委员会","kind":"province","provincial":false,"contact":"薛鹏","phone":"0591-87832310"},
     {"code":"fj-fuzhou","name":"福州市卫生健康委员会","kind":"city","provincial":false,"contact":"林晓","phone":"0591-87111111"},
     {"code":"fj-xiamen","name":"厦门市卫生健康委员会","kind":"city","provincial":false},
     {"code":"fz-first","name":"福州市第一医院","kind":"hospital","city":"fj-fuzhou","provincial":false,"level":"三级甲等","uscc":"91350100M000100Y43"},
     {"code":"xm-first","name":"厦门市第一医院","kind":"hospital","city":"fj-xiamen","provincial":false}]
    """

    /// The 2027 round of the Fujian call: the 2026 template with a deadline still ahead.
    static func nextRound() throws -> String {
        let url = Subprocess.buildDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Submissions/Resources/calls/fujian-2026.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        object["id"] = "fujian-2027"
        object["deadline"] = "2099-01-31"
        object["issued"] = "2026-11-01"
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    init() throws {
        try Self.organizations.write(toFile: dir.file("orgs.json"), atomically: true, encoding: .utf8)
        try Self.nextRound().write(toFile: dir.file("fujian-2027.json"), atomically: true, encoding: .utf8)
        try check(["hub", "orgs", "--db", hubDB, "--load", dir.file("orgs.json")])
        try check(["hub", "publish", "--db", hubDB, dir.file("fujian-2027.json")])
        try startHub()
    }

    // Through stopHub: a hub under the faketime wrapper is signalled itself (the wrapper passes
    // no signal on), so a test that fails midway does not leave the run waiting on it.
    deinit { _ = stopHub() }

    /// Starts `tianbao serve` on a free port (the same one again after a restart: replicas know
    /// the hub by it). A port another socket took meanwhile is tried again until it frees.
    /// `clock`: a `faketime` offset (such as `+3d`) for the hub's clock; the hub then runs as
    /// the `faketime` wrapper's child.
    func startHub(clock: String? = nil) throws {
        let listen = port == 0 ? "127.0.0.1:0" : "127.0.0.1:\(port)"
        func launch() -> Subprocess.Running {
            let serve = ["serve", "--db", hubDB, "--listen", listen]
            guard let clock, let faketime = Tools.faketime else { return Subprocess.start(serve) }
            return Subprocess.start(["-f", clock, Subprocess.tianbao] + serve, executable: faketime)
        }
        wrapped = clock != nil
        var running = launch()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = running.stderrSoFar
            if let range = text.range(of: "serving on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                port = Int(digits) ?? 0
                url = "http://127.0.0.1:\(port)"
                server = running
                return
            }
            if !running.process.isRunning && port != 0 {
                usleep(200_000)
                running = launch()
            }
            usleep(20_000)
        }
        throw CLIWorldError("the hub did not start: \(running.stderrSoFar)")
    }

    func stopHub(_ signal: Int32 = SIGTERM, timeout: Double = 15) -> Subprocess.Result? {
        // The faketime wrapper does not pass signals on: the hub, its child, is signalled itself.
        if wrapped, let pid = server?.process.processIdentifier {
            _ = Subprocess.run(["-\(signal)", "-P", String(pid)], executable: "/usr/bin/pkill")
            _ = server?.process.waitUntilExit()
        }
        let result = server?.stop(signal, timeout: timeout)
        server = nil
        return result
    }

    /// Enrols and initialises a replica in its own folder; returns the folder.
    @discardableResult
    func replica(_ name: String, org: String, role: String, label: String? = nil) throws -> String {
        let enrolled = try check(["hub", "enroll", "--db", hubDB, "--org", org, "--role", role, "--json"] + (label.map { ["--label", $0] } ?? []))
        let token = try JSONSerialization.jsonObject(with: Data(enrolled.stdout.utf8)) as! [String: Any]
        try check(["init", "--hub", url, "--token", (token["token"] as! String), "--dir", dir.file(name)])
        return dir.file(name)
    }

    /// Runs `tianbao` in replica `name`'s folder.
    func run(_ name: String?, _ arguments: [String], environment: [String: String] = [:]) -> Subprocess.Result {
        Subprocess.run(arguments + (name.map { ["--dir", dir.file($0)] } ?? []), environment: environment)
    }

    /// A draft application of the 2027 round named `title`, made in replica `name`; returns its id.
    func draft(in name: String, _ title: String) throws -> String {
        try check(["new", "fujian-2027", "application", "--set", "项目名称=\(title)"], in: name).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs and requires exit 0.
    @discardableResult
    func check(_ arguments: [String], in name: String? = nil) throws -> Subprocess.Result {
        let result = run(name, arguments)
        guard result.status == 0 else {
            throw CLIWorldError("tianbao \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }
}

struct CLIWorldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
