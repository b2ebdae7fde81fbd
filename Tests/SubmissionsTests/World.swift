import Replication
import SQLite
import Submissions
import TestSupport

/// A province with its cities and hospitals, each on its own replica, syncing through the
/// province's store (every replica receives everything: read scoping belongs to the hub).
final class World {
    let clock: ManualClock
    private(set) var workspaces: [String: Workspace] = [:]
    private(set) var order: [String] = []
    let province: String

    /// Organisations of a Fujian-like province: one province, three cities, hospitals of two
    /// cities and two provincial hospitals.
    static func fujian() -> [Organization] {
        [
            Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province, contact: "薛鹏", phone: "0591-87832310"),
            Organization(code: "fj-fuzhou", name: "福州市卫生健康委员会", kind: .city, contact: "林晓", phone: "0591-87111111"),
            Organization(code: "fj-xiamen", name: "厦门市卫生健康委员会", kind: .city, contact: "陈明", phone: "0592-2222222"),
            Organization(code: "fj-pingtan", name: "平潭综合实验区社会事业局", kind: .city, contact: "吴海", phone: "0591-23333333"),
            Organization(code: "fz-first", name: "福州市第一医院", kind: .hospital, city: "fj-fuzhou", level: "三级甲等", uscc: uscc("12350100488000123")),
            Organization(code: "fz-second", name: "福州市第二医院", kind: .hospital, city: "fj-fuzhou", level: "三级甲等", uscc: uscc("12350100488000456")),
            Organization(code: "xm-first", name: "厦门市第一医院", kind: .hospital, city: "fj-xiamen", level: "三级甲等", uscc: uscc("12350200426600789")),
            Organization(code: "fj-slyy", name: "福建省立医院", kind: .hospital, provincial: true, level: "三级甲等", uscc: uscc("12350000488000011")),
            Organization(code: "fj-cdc", name: "福建省疾病预防控制中心", kind: .institution, provincial: true, uscc: uscc("12350000488000022")),
        ]
    }

    static func anhui() -> [Organization] {
        [
            Organization(code: "ah-province", name: "安徽省卫生健康委员会", kind: .province, contact: "张科", phone: "0551-62998888"),
            Organization(code: "ah-hefei", name: "合肥市卫生健康委员会", kind: .city, contact: "王芳", phone: "0551-63536666"),
            Organization(code: "ah-wuhu", name: "芜湖市卫生健康委员会", kind: .city, contact: "李强", phone: "0553-3833333"),
            Organization(code: "hf-second", name: "合肥市第二人民医院", kind: .hospital, city: "ah-hefei", level: "三级甲等", uscc: uscc("12340100485000123")),
            Organization(code: "ah-slyy", name: "安徽省立医院", kind: .hospital, provincial: true, level: "三级甲等", uscc: uscc("12340000485000011"), contact: "赵敏", phone: "0551-62283114"),
        ]
    }

    /// A valid 统一社会信用代码 for a 17-character body.
    static func uscc(_ body: String) -> String { body + String(USCC.checkCharacter(for: body)!) }

    /// `start` is a `YYYY-MM-DD` day; the clock starts at 10:00 China time that day.
    init(_ organizations: [Organization], start: String) throws {
        let day = SimpleDate(start)!
        clock = ManualClock(day.endOfDayMilliseconds(utcOffsetHours: 8) + 1 - 14 * 3_600_000)
        province = organizations.first { $0.kind == .province }!.code
        for (index, org) in organizations.enumerated() {
            var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
            configuration.wallClock = clock.reading
            configuration.durability = .throwaway
            configuration.newReplicaID = ReplicaID(high: UInt64(index + 1), low: 0)
            let store = try ReplicaStore(path: ":memory:", configuration: configuration)
            let role: Role = switch org.kind {
            case .province: .province
            case .city: .city
            case .hospital, .institution: .hospital
            case .enterprise: .enterprise
            }
            workspaces[org.code] = Workspace(store: store, actor: Actor(org: org.code, role: role), author: "\(org.name)经办人")
            order.append(org.code)
        }
        for org in organizations { try self[province].save(org) }
        try sync()
    }

    subscript(code: String) -> Workspace { workspaces[code]! }

    /// A second replica of an organisation (another member of staff's laptop), named `name`.
    @discardableResult
    func addReplica(of code: String, named name: String) throws -> Workspace {
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = clock.reading
        configuration.durability = .throwaway
        configuration.newReplicaID = ReplicaID(high: UInt64(order.count + 1), low: 0)
        let store = try ReplicaStore(path: ":memory:", configuration: configuration)
        workspaces[name] = Workspace(store: store, actor: self[code].actor, author: name)
        order.append(name)
        try sync([name])
        return self[name]
    }

    /// Everyone pushes to the province's store, then pulls from it.
    func sync(_ codes: [String]? = nil) throws {
        let hub = self[province].store
        let who = (codes ?? order).filter { $0 != province }
        for code in who { try Replicas.sync(from: self[code].store, to: hub) }
        for code in who { try Replicas.sync(from: hub, to: self[code].store) }
    }

    func advance(days: Int) { clock.advance(by: Int64(days) * 86_400_000) }
}
