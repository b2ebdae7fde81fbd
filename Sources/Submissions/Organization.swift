import Messages
import Foundation
import Crypto
import Replication

/// A province, city commission, hospital or institution. Replicated like any record, in the
/// `orgs` collection, under an id derived from its code so every replica agrees on it.
public struct Organization: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// 省卫健委
        case province
        /// 设区市卫健委 (and Fujian's 平潭综合实验区社会事业局)
        case city
        /// 医院
        case hospital
        /// Other 医疗卫生机构: 疾控中心, 科学院…
        case institution
        /// 企业: Anhui lets an enterprise with a scenario need or capability apply straight to the
        /// province (由有场景需求或场景能力的企业直接申报).
        case enterprise

        /// As the notices name it.
        public var chinese: String {
            switch self {
            case .province: "省卫健委"
            case .city: "设区市卫健委"
            case .hospital: "医院"
            case .institution: "医疗卫生机构"
            case .enterprise: "企业"
            }
        }
    }

    /// Short stable code, e.g. `fj-fuzhou`, `fj-slyy`.
    public var code: String
    public var name: String
    public var kind: Kind
    /// For hospitals and institutions: the code of their city commission.
    public var city: String?
    /// 省属 / 委直属: reports straight to the province, not through a city.
    public var provincial: Bool
    /// 医院等级, e.g. 三级甲等.
    public var level: String?
    /// 统一社会信用代码
    public var uscc: String?
    /// The unit's contact person and phone, printed on its tables.
    public var contact: String?
    public var phone: String?

    public init(code: String, name: String, kind: Kind, city: String? = nil, provincial: Bool = false,
                level: String? = nil, uscc: String? = nil, contact: String? = nil, phone: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.city = city
        self.provincial = provincial
        self.level = level
        self.uscc = uscc
        self.contact = contact
        self.phone = phone
    }

    /// The record id every replica uses for the organisation with this code.
    public static func recordID(code: String) -> String {
        RecordID.derived(fromHash: SHA256.digest(Array("tianbao:org:\(code)".utf8)))
    }

    /// The unit whose tables list this organisation's records: itself when it reports straight to
    /// the province (a city, the province, a provincial institution), otherwise its city.
    public var reportingUnit: String {
        if provincial || kind == .city || kind == .province || kind == .enterprise { return code }
        return city ?? code
    }

    /// What is wrong with this organisation's description, for `hub orgs` loading.
    public func problems() -> [String] {
        var problems: [String] = []
        if code.isEmpty || !code.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
            problems.append(Message.orgCode.text(code))
        }
        if name.isEmpty { problems.append(Message.orgName.text(code)) }
        if (kind == .hospital || kind == .institution) && !provincial && (city ?? "").isEmpty {
            problems.append(Message.orgCity.text(code))
        }
        if let uscc, let problem = USCC.problem(uscc) { problems.append("\(code): 统一社会信用代码 \(problem)") }
        return problems
    }
}

/// Every organisation a replica knows, by code.
public struct Directory: Sendable {
    public let organizations: [String: Organization]

    /// The province, if registered (the first by code if several are).
    public let province: Organization?

    public init(_ organizations: [Organization]) {
        self.organizations = Dictionary(organizations.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        province = self.organizations.values.filter { $0.kind == .province }.min { $0.code < $1.code }
    }

    public subscript(code: String) -> Organization? { organizations[code] }

    /// Organisations sorted by code: the order tables and reports use.
    public var sorted: [Organization] { organizations.values.sorted { $0.code < $1.code } }

    /// The organisation named as people name it: its code, its full name (福州市卫生健康委员会), or
    /// the short form of a commission's name (福州市卫健委).
    public func named(_ reference: String) -> Organization? {
        if let byCode = organizations[reference] { return byCode }
        let wanted = Self.shortName(reference)
        let matches = organizations.values.filter { $0.name == reference || Self.shortName($0.name) == wanted }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The organisation `reference` names, or `unknownUnit` with the nearest code or name.
    public func resolve(_ reference: String) throws -> Organization {
        if let org = named(reference) { return org }
        throw DomainError.unknownUnit(reference, known: sorted.flatMap { [$0.code, $0.name] })
    }

    /// 卫生健康委员会 and 卫生健康委 as 卫健委, white space dropped: one commission however it is written.
    static func shortName(_ name: String) -> String {
        name.filter { !$0.isWhitespace }.replacingOccurrences(of: "卫生健康委员会", with: "卫健委").replacingOccurrences(of: "卫生健康委", with: "卫健委")
    }

    /// What is wrong with `code` given as `unit`'s 统一社会信用代码, or nil: it must be the code
    /// registered for the unit, and never another registered unit's.
    public func usccProblem(_ code: String, unit: String) -> String? {
        let code = code.uppercased()
        if let own = organizations[unit]?.uscc?.uppercased(), !own.isEmpty {
            guard own == code else {
                let holder = organizations.values.first { $0.uscc?.uppercased() == code }
                return Message.usccNotUnits.text(code, organizations[unit]?.name ?? unit, own) + (holder.map { Message.usccItIs.text($0.name) } ?? "")
            }
            return nil
        }
        if let holder = organizations.values.first(where: { $0.code != unit && $0.uscc?.uppercased() == code }) {
            return Message.usccOfAnother.text(code, holder.name, organizations[unit]?.name ?? unit)
        }
        return nil
    }
}

/// What a replica's user may do, bound to its organisation at enrolment.
public enum Role: String, Codable, Sendable, CaseIterable {
    case province, city, hospital, enterprise

    /// The role as the notices name who acts.
    public var chinese: String {
        switch self {
        case .province: "省卫健委"
        case .city: "设区市卫健委"
        case .hospital: "医疗卫生机构"
        case .enterprise: "企业"
        }
    }

    /// The role as the notices name who acts: 省卫健委, 市卫健委 / 设区市卫健委, 医院 / 医疗卫生机构, 企业.
    public init?(chinese: String) {
        switch chinese {
        case "省卫健委", "省卫生健康委", "省卫生健康委员会", "省级": self = .province
        case "市卫健委", "设区市卫健委", "市卫生健康委", "市卫生健康委员会", "市级": self = .city
        case "医院", "医疗卫生机构", "医疗机构", "机构": self = .hospital
        case "企业": self = .enterprise
        default: return nil
        }
    }
}

/// Who acts: an organisation in a role.
public struct Actor: Hashable, Sendable {
    public let org: String
    public let role: Role

    public init(org: String, role: Role) {
        self.org = org
        self.role = role
    }
}
