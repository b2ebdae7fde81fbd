import Replication

/// Realistic remote changes: records of a project application form, short and long Chinese text.
struct Workload {
    static let shortValues = ["智慧病房建设项目", "福建省立医院", "三级甲等", "13800138000", "zhangsan@fjsl.cn", "内部立项阶段"]
    static let longValue = String(repeating: "本项目面向县域医共体，构建基层辅助诊断智能体，覆盖影像、检验和随访场景，", count: 6)
    static let fields = ["申报单位", "医院等级（医院填报）", "统一社会信用代码", "单位简介", "单位联系人", "手机号码", "电子邮箱",
                         "项目负责人", "团队简介", "项目名称", "研发进展", "项目简介", "项目推进计划", "拟投入资金", "建设周期",
                         "应用领域", "场景描述", "依托项目介绍", "具体合作需求介绍", "希望对接技术/企业"]

    /// `count` changes from one origin: every field of one record in turn, then the next record.
    static func changes(count: Int, origin: ReplicaID = ReplicaID(high: 0xABCD, low: 1), startWall: Int64 = 1_763_800_000_000) -> [Change] {
        var result: [Change] = []
        result.reserveCapacity(count)
        var record = RecordID.make(wallMilliseconds: startWall)
        for i in 0..<count {
            let f = i % fields.count
            if f == 0 && i > 0 { record = RecordID.make(wallMilliseconds: startWall + Int64(i)) }
            let value: FieldValue = f % 4 == 3 ? .text(longValue) : .text(shortValues[i % shortValues.count])
            result.append(Change(dot: Dot(replica: origin, seq: UInt64(i + 1)),
                                 timestamp: Timestamp(wall: startWall + Int64(i / 16), counter: UInt16(i % 16)),
                                 collection: "submissions", record: record, field: fields[f], op: .set, value: value,
                                 supersedes: [], author: "福建省立医院 信息科"))
        }
        return result
    }
}

extension Workload {
    /// `count` changes that make whole form records of `unit` (identity fields first, then
    /// content), as a hospital's replica would push them.
    static func records(count: Int, origin: ReplicaID, unit: String, call: String = "fujian-2026",
                        startSeq: UInt64 = 1, startWall: Int64 = 1_763_800_000_000) -> [Change] {
        var result: [Change] = []
        result.reserveCapacity(count)
        var record = ""
        for i in 0..<count {
            let slot = i % 20
            if slot == 0 { record = RecordID.make(wallMilliseconds: startWall + Int64(i)) }
            let (field, value): (String, FieldValue) = switch slot {
            case 0: ("_unit", .text(unit))
            case 1: ("_call", .text(call))
            case 2: ("_form", .text("application"))
            case 3: ("_template", .int(1))
            default: (fields[slot - 4], slot % 4 == 3 ? .text(longValue) : .text(shortValues[i % shortValues.count]))
            }
            result.append(Change(dot: Dot(replica: origin, seq: startSeq + UInt64(i)),
                                 timestamp: Timestamp(wall: startWall + Int64(i / 16), counter: UInt16(i % 16)),
                                 collection: "submissions", record: record, field: field, op: .set, value: value,
                                 author: "福州市第一医院 信息科"))
        }
        return result
    }

    /// The bytes of the values themselves: what a transfer must carry at the least.
    static func valueBytes(_ changes: [Change]) -> Int {
        changes.reduce(0) { sum, c in
            switch c.value {
            case .text(let t)?: sum + t.utf8.count
            default: sum + 8
            }
        }
    }
}
