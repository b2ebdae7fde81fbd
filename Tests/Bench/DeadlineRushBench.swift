import Crypto
import Foundation
import Hub
import Replication
import Submissions
import Synchronization
import SyncClient
import SyncProtocol

/// (11) The deadline rush: every hospital of a province pushes one complete application and
/// submits it, then every replica (hospitals and city commissions, with their real read scopes)
/// syncs, all in one window, against one hub. The hub runs as its own process (`tianbao serve`,
/// the binary beside this one) so its peak memory is its own; the reference is one replica's
/// idle sync measured against the same hub just before.
///
/// The applications are filled in and submitted offline before; the window is a minute (ten
/// seconds quick): each hospital's push comes at a seeded random moment of its first half, each
/// replica's sync at one of its second half — a province's last hour before a deadline, sixty
/// times over. Everybody at the same instant is measured too and
/// reported: on one hub it is a queue, whose p99 is the whole burst's length. So is what the rush
/// itself adds to the syncs that make the p99 (the cities', each bringing its hospitals'
/// applications): the same pulls, made after by a second replica of each city, one at a time.
struct DeadlineRushBench {
    let scale: Scale

    var hospitals: Int { scale.full ? 500 : 100 }
    var cities: Int { scale.full ? 20 : 10 }
    var window: Double { scale.full ? 60 : 10 }

    func run() throws -> [Figure] {
        let dir = Bench.scratch("rush")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cityOrgs = (1...cities).map { Organization(code: "c\($0)", name: "第\($0)设区市卫生健康委员会", kind: .city) }
        let hospitalOrgs = (1...hospitals).map { i -> Organization in
            let body = "91350100M" + String(format: "%08d", i)
            return Organization(code: "h\(i)", name: "第\(i)医院", kind: .hospital, city: cityOrgs[i % cities].code,
                                uscc: body + String(USCC.checkCharacter(for: body)!))
        }
        // Set up on the hub's file, then serve it from its own process.
        var tokens: [(Organization, Role, String, ReplicaID)] = []
        var quietTokens: [(Organization, Role, String, ReplicaID)] = []
        do {
            var configuration = Hub.Configuration(path: "\(dir)/hub.sqlite")
            configuration.maxClockSkewMilliseconds = .max / 4
            let hub = try Hub(configuration: configuration)
            try hub.saveOrganizations([Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province)] + cityOrgs + hospitalOrgs)
            try hub.publish(try Self.rushCall())
            for org in hospitalOrgs + cityOrgs {
                let role: Role = org.kind == .city ? .city : .hospital
                let enrolled = try hub.enroll(org: org.code, role: role)
                tokens.append((org, role, enrolled.token, enrolled.replica))
            }
            // A second replica of each city, quiet in the window: after it, each pulls what its
            // city's replica pulled in the window, on an idle hub, for what the rush itself adds.
            for org in cityOrgs {
                let enrolled = try hub.enroll(org: org.code, role: .city)
                quietTokens.append((org, .city, enrolled.token, enrolled.replica))
            }
            hub.close()
        }
        let server = try HubProcess(db: "\(dir)/hub.sqlite")
        defer { server.stop() }
        let url = URL(string: server.url)!

        let everyClient: [SyncClient] = try (tokens + quietTokens).enumerated().map { i, entry in
            var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
            configuration.newReplicaID = entry.3
            configuration.durability = .processCrash
            let store = try ReplicaStore(path: "\(dir)/r\(i).sqlite", configuration: configuration)
            let client = SyncClient(store: store, hub: url, token: entry.2, transport: SocketTransport(timeoutSeconds: 120))
            // As `tianbao init` makes them: each replica signs its changes, and the hub verifies them.
            client.signer = try SyncClient.Signer(privateKey: Ed25519.makePrivateKey(), token: entry.2)
            return client
        }
        defer { for client in everyClient { client.store.close() } }
        let clients = Array(everyClient.prefix(tokens.count)), quiet = Array(everyClient.dropFirst(tokens.count))
        let shared = ConcurrencyBench.Shared(everyClient)
        // Every replica's first sync (organisations, the call): set-up, not measured.
        let (_, setUpErrors) = Self.all(shared, indices: Array(everyClient.indices)) { client, _ in try Bench.seconds { _ = try Self.sync(client) } }
        guard setUpErrors.isEmpty else { throw RushError("set-up: \(setUpErrors.count) first syncs failed: \(setUpErrors[0])") }
        // And again, so everyone holds everyone's keys: the rush begins where cron leaves a province.
        let (_, againErrors) = Self.all(shared, indices: Array(everyClient.indices)) { client, _ in try Bench.seconds { _ = try Self.sync(client) } }
        guard againErrors.isEmpty else { throw RushError("set-up: \(againErrors.count) second syncs failed: \(againErrors[0])") }

        var idle: [Double] = []
        for _ in 0..<9 { idle.append(try Bench.seconds { _ = try clients[0].sync() }) }
        let idleSync = Bench.median(idle)

        // Every hospital fills in and submits its application offline, before the window.
        let values = Self.application
        let orgs = tokens.map(\.0)
        let hospitalIndices = Array(tokens.indices.filter { tokens[$0].1 == .hospital })
        let (_, fillErrors) = Self.all(shared, indices: hospitalIndices) { client, i in
            let workspace = Workspace(store: client.store, actor: Actor(org: orgs[i].code, role: .hospital))
            try workspace.submit(try workspace.create(call: "fujian-rush", form: "application", values: values(i, orgs[i])))
            return 0
        }
        guard fillErrors.isEmpty else { throw RushError("set-up: \(fillErrors.count) applications not made: \(fillErrors[0])") }

        // The window: each hospital syncs its application at a moment of the first half, then
        // everybody syncs at a moment of the second. The threads wait a second to begin, so
        // their starting is not in the window.
        var moments = Moments(seed: 20261207)
        let pushAt = Dictionary(uniqueKeysWithValues: hospitalIndices.map { ($0, moments.next() * window / 2) })
        let pullAt = Dictionary(uniqueKeysWithValues: clients.indices.map { ($0, window / 2 + moments.next() * window / 2) })
        let roles = tokens.map(\.1)
        let pushes = Collected(), pulls = Collected(), cityPulls = Collected()
        _ = server.takeServed()
        let started = Date().addingTimeInterval(1)
        let (_, windowErrors) = Self.all(shared, indices: Array(clients.indices), from: started) { client, i in
            if let at = pushAt[i] {
                Self.wait(until: started.addingTimeInterval(at))
                var report = SyncClient.Report()
                pushes.add(try Bench.seconds { report = try Self.sync(client) })
                if !report.refused.isEmpty { throw RushError("\(orgs[i].code): \(report.refused.count) refused, \(report.refused.first?.code ?? "")") }
            }
            Self.wait(until: started.addingTimeInterval(pullAt[i]!))
            let pull = try Bench.seconds { _ = try Self.sync(client) }
            pulls.add(pull)
            if roles[i] == .city { cityPulls.add(pull) }
            return 0
        }
        let took = Date().timeIntervalSince(started)
        let inHub = server.takeServed()
        // Then everybody at once, with nothing new: the hub's throughput, as a queue.
        let burstStarted = Date()
        let (burst, burstErrors) = Self.all(shared, indices: Array(clients.indices)) { client, _ in try Bench.seconds { _ = try Self.sync(client) } }
        let burstSeconds = Date().timeIntervalSince(burstStarted)

        // The same pulls as the cities' in the window, one at a time on an idle hub.
        var quietPulls: [Double] = []
        for client in quiet { quietPulls.append(try Bench.seconds { _ = try Self.sync(client) }) }

        // Converged: the hub holds every submission, and each city every one of its hospitals'.
        var converged = true
        for (i, entry) in tokens.enumerated() where entry.1 == .city {
            let workspace = Workspace(store: clients[i].store, actor: Actor(org: entry.0.code, role: .city))
            let mine = try workspace.submissions(call: "fujian-rush").filter { $0.status == .submitted }.count
            if mine != hospitalOrgs.filter({ $0.city == entry.0.code }).count { converged = false }
        }
        let latencies = pushes.values + pulls.values
        let errors = windowErrors + burstErrors
        let p99 = Bench.percentile(latencies, 0.99)
        let rss = server.peakRSSMiB()
        func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        return [
            Figure(name: "deadline rush: \(hospitals) hospitals submit, \(hospitals + cities) replicas sync",
                   ours: "\(errors.count) errors, \(converged ? "converged" : "NOT converged") in \(String(format: "%.1f", took)) s",
                   reference: "0", ratio: nil, target: "0, converged", pass: errors.isEmpty && converged),
            Figure(name: "  p99 sync in the window (p50 \(ms(Bench.percentile(latencies, 0.5))); pushes' p99 \(ms(Bench.percentile(pushes.values, 0.99))), syncs' \(ms(Bench.percentile(pulls.values, 0.99))))",
                   ours: String(format: "%.0f ms", p99 * 1000), reference: String(format: "%.1f ms idle sync", idleSync * 1000),
                   ratio: p99 / idleSync, target: "≤ 10", pass: p99 / idleSync <= 10),
            Figure(name: "  the cities' syncs in the window against the same pulls one at a time, idle hub (reported)",
                   ours: "p50 \(ms(Bench.percentile(cityPulls.values, 0.5))), p99 \(ms(Bench.percentile(cityPulls.values, 0.99)))",
                   reference: "p50 \(ms(Bench.percentile(quietPulls, 0.5))), p99 \(ms(Bench.percentile(quietPulls, 0.99)))",
                   ratio: Bench.percentile(cityPulls.values, 0.99) / Bench.percentile(quietPulls, 0.99), target: "", pass: nil),
            Figure(name: "  of which inside the hub (its access log; reported)", ours: "p99 \(ms(Bench.percentile(inHub, 0.99)))",
                   reference: "p50 \(ms(Bench.percentile(inHub, 0.5)))", ratio: nil, target: "", pass: nil),
            Figure(name: "  all \(clients.count) at once, nothing new: p99 (reported)", ours: String(format: "%.0f ms", Bench.percentile(burst, 0.99) * 1000),
                   reference: String(format: "%.0f syncs/s", Double(clients.count) / burstSeconds), ratio: Bench.percentile(burst, 0.99) / idleSync,
                   target: "", pass: nil),
            Figure(name: "  the hub's peak RSS (its own process)", ours: String(format: "%.0f MiB", rss), reference: "256 MiB",
                   ratio: rss / 256, target: "≤ 1.00", pass: rss <= 256),
        ] + (errors.first.map { [Figure(name: "  first error", ours: String($0.prefix(80)), reference: "", ratio: nil, target: "", pass: nil)] } ?? [])
    }

    /// A sync as `tianbao sync` runs it: a hub that says "try again" (503 at its connection
    /// limit, a dropped connection) is asked again after a growing pause, within a minute.
    static func sync(_ client: SyncClient) throws -> SyncClient.Report {
        let started = Date()
        var delay = 0.05
        while true {
            do {
                return try client.sync()
            } catch SyncClient.Failure.unavailable(let message) {
                guard Date().timeIntervalSince(started) + delay < 60 else { throw RushError("hub unavailable for a minute: \(message)") }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
    }

    struct RushError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `body` for each index on its own thread, all beginning at `from` (at once without);
    /// returns the seconds each one measured (its sync alone) and the errors.
    static func all(_ shared: ConcurrencyBench.Shared, indices: [Int], from: Date = Date(),
                    _ body: @escaping @Sendable (SyncClient, Int) throws -> Double) -> ([Double], [String]) {
        let times = Mutex<[Double]>([]), errors = Mutex<[String]>([])
        let group = DispatchGroup()
        for i in indices {
            group.enter()
            let thread = Thread {
                Self.wait(until: from)
                do {
                    let t = try body(shared.value[i], i)
                    times.withLock { $0.append(t) }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return (times.withLock { $0 }, errors.withLock { $0 })
    }

    static func wait(until moment: Date) {
        let wait = moment.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    /// Times gathered from many threads.
    final class Collected: Sendable {
        private let times = Mutex<[Double]>([])
        func add(_ seconds: Double) { times.withLock { $0.append(seconds) } }
        var values: [Double] { times.withLock { $0 } }
        func take() -> [Double] { times.withLock { t in defer { t = [] }; return t } }
    }

    /// Seeded moments in [0, 1) (SplitMix64): the same window every run.
    struct Moments {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// A complete 申请表 of hospital `i`: every required field, its own leader and credit code.
    static let application: @Sendable (Int, Organization) -> [(String, String)] = { i, org in
        [("项目名称", "第\(i)号人工智能应用场景"), ("申报单位", org.name), ("统一社会信用代码", org.uscc ?? ""),
         ("单位简介", "二级以上综合医院。"), ("单位联系人", "联系人\(i)"), ("单位联系人手机号码", "139\(String(format: "%08d", i))"),
         ("单位联系人电子邮箱", "contact\(i)@example.cn"), ("项目负责人", "负责人\(i)"), ("项目负责人手机号码", "138\(String(format: "%08d", i))"),
         ("项目负责人电子邮箱", "leader\(i)@example.cn"), ("团队简介", "信息中心骨干。"), ("应用场景方向", "基层能力提升方向"),
         ("研发进展", "内部立项阶段"), ("培育周期", "2026年12月-2028年6月"), ("项目简介", "面向基层的智能辅助诊断。"),
         ("项目推进计划", "2027年试点，2028年推广。"), ("申报意见", "是"), ("日期", "2026-11-20")]
    }

    /// The Fujian call as a round whose deadline is still ahead (the built-in 2026 round has passed).
    static func rushCall() throws -> CallTemplate {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Submissions/Resources/calls/fujian-2026.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        object["id"] = "fujian-rush"
        object["deadline"] = "2099-01-31"
        object["issued"] = "2026-11-01"
        return try CallTemplate.decode(try JSONSerialization.data(withJSONObject: object))
    }
}

/// `tianbao serve` in its own process, the binary built beside this benchmark.
final class HubProcess: Sendable {
    let process: Process
    let url: String

    init(db: String) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tianbao").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw DeadlineRushBench.RushError("build the hub first: swift build -c release --static-swift-stdlib --product tianbao (\(binary) not found)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The hub says where it listens on its first line of standard error.
        var said = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !said.contains("\n") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = said.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            process.terminate()
            throw DeadlineRushBench.RushError("the hub did not start: \(said)")
        }
        url = String(said[range])
        self.process = process
        // Keep reading its log so a full pipe never stops it.
        let reader = err.fileHandleForReading
        let times = served
        Thread {
            // Its access log says how long each sync took inside the hub.
            var pending = ""
            while case let chunk = reader.availableData, !chunk.isEmpty {
                pending += String(decoding: chunk, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = pending[..<newline]
                    if line.contains("POST /v1/sync 200"), let last = line.split(separator: " ").last, last.hasSuffix("ms"),
                       let ms = Double(last.dropLast(2)) {
                        times.add(ms / 1000)
                    }
                    pending = String(pending[pending.index(after: newline)...])
                }
            }
        }.start()
    }

    /// The seconds each sync took inside the hub, as its access log says, since the last call.
    private let served = DeadlineRushBench.Collected()
    func takeServed() -> [Double] { served.take() }

    /// The hub process's peak resident memory (VmHWM).
    func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = line.split(separator: " ").compactMap({ Double($0) }).first else { return 0 }
        return kb / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
