import Foundation
import Hub
import Replication
import Submissions
import SyncClient

/// (10) The province's dashboard at province scale (56 units, 240 submissions, 56 replicas)
/// against a `/healthz` from the same client in the same run, both over loopback.
struct DashboardBench {
    let scale: Scale

    func run() throws -> [Figure] {
        let hub = try BenchHub(name: "dashboard")
        defer { hub.stop() }
        let cities = (1...10).map { Organization(code: "fj-c\($0)", name: "第\($0)设区市卫生健康委员会", kind: .city) }
        let hospitals = (1...45).map { i in Organization(code: "fj-h\(i)", name: "第\(i)医院", kind: .hospital, city: cities[i % cities.count].code) }
        try hub.hub.saveOrganizations(BenchHub.organizations + cities + hospitals)
        // 240 submitted applications of the 2026 call, as the hospitals' replicas would have sent them.
        let origin = ReplicaID(high: 0xDA, low: 1)
        var changes: [Change] = []
        var seq: UInt64 = 0
        let wall: Int64 = 1_763_800_000_000
        for i in 0..<240 {
            let record = RecordID.make(wallMilliseconds: wall + Int64(i))
            let unit = hospitals[i % hospitals.count]
            let submission = WorkflowEntry(action: .submit, revision: "r", by: unit.code).stored
            for (field, op, value) in [("_unit", Operation.set, FieldValue.text(unit.code)), ("_call", .set, .text("fujian-2026")),
                                       ("_form", .set, .text("application")), ("_template", .set, .int(1)),
                                       ("applicant", .set, .text(unit.name)), ("project_name", .set, .text("人工智能应用场景第\(i)号")),
                                       ("_submission", .set, submission)] {
                seq += 1
                changes.append(Change(dot: Dot(replica: origin, seq: seq), timestamp: Timestamp(wall: wall + Int64(seq), counter: 0),
                                      collection: "submissions", record: record, field: field, op: op, value: value))
            }
        }
        try hub.load(changes)
        for org in cities + hospitals { _ = try hub.hub.enroll(org: org.code, role: org.kind == .city ? .city : .hospital) }
        let province = try hub.hub.enroll(org: "fj-province", role: .province, label: "规划处")
        let client = SocketTransport(timeoutSeconds: 30)
        let page = URL(string: hub.url + "/dashboard")!, health = URL(string: hub.url + "/healthz")!

        // The first page after something arrived works out every unit's completeness; later ones
        // (until the next arrival) only render it.
        var first: TransportReply?
        let cold = try Bench.seconds { first = try client.get(page, token: province.token) }
        guard first?.status == 200, let body = first.map({ String(decoding: $0.body, as: UTF8.self) }), body.contains("第45医院") else {
            return [Figure(name: "dashboard page", ours: "status \(first?.status ?? 0)", reference: "", ratio: nil, target: "", pass: false)]
        }
        var pages: [Double] = [], healths: [Double] = []
        let rounds = scale.full ? 200 : 60
        for _ in 0..<rounds {
            pages.append(try Bench.seconds { _ = try client.get(page, token: province.token) })
            healths.append(try Bench.seconds { _ = try client.get(health) })
        }
        let (p, h) = (Bench.median(pages), Bench.median(healths))
        return [
            Figure(name: "dashboard page (56 units, 240 submissions)", ours: String(format: "%.2f ms, %d KB", p * 1000, body.utf8.count / 1024),
                   reference: String(format: "%.2f ms /healthz", h * 1000), ratio: p / h, target: "≤ 20", pass: p / h <= 20),
            Figure(name: "dashboard page, first after an arrival", ours: String(format: "%.2f ms", cold * 1000),
                   reference: String(format: "%.2f ms /healthz", h * 1000), ratio: cold / h, target: "report", pass: nil),
        ]
    }
}
