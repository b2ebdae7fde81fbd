import Replication

/// Realistic remote changes: records of a project application form, short and long Chinese text.
struct Workload {
    /// Characters of the notices, each as often as it occurs there (capped): values drawn from
    /// it compress like real form text, not like repeated strings.
    static let characters: [Character] = Array("、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、、能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能能智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智智，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，，医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医医。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗疗场场场场场场场场场场场场场场场场场场场场场场场场场场场用用用用用用用用用用用用用用用用用用用用用用用用用用用景景景景景景景景景景景景景景景景景景景景景景景景景景景应应应应应应应应应应应应应应应应应应应应应应应生生生生生生生生生生生生生生生生生生生生生生生卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫卫务务务务务务务务务务务务务务务务务务务服服服服服服服服服服服服服服服服服发发发发发发发发发发发发发发发发健健健健健健健健健健健健健健健健的的的的的的的的的的的的的的的新新新新新新新新新新新新新新新等等等等等等等等等等等等等等等诊诊诊诊诊诊诊诊诊诊诊诊诊诊诊康康康康康康康康康康康康康康康人人人人人人人人人人人人人人人项项项项项项项项项项项项项项项（（（（（（（（（（（（（（））））））））））））））工工工工工工工工工工工工工工目目目目目目目目目目目目目目和和和和和和和和和和和和和和方方方方方方方方方方方方方单单单单单单单单单单单单数数数数数数数数数数数数研研研研研研研研研研研研省省省省省省省省省省省业业业业业业业业业业业管管管管管管管管管管进进进进进进进进进进作作作作作作作作作作理理理理理理理理理理建建建建建建建建建建报报报报报报报报报报推推推推推推推推推与与与与与与与与与病病病病病病病病病合合合合合合合合合产产产产产产产产产展展展展展展展展展机机机机机机机机机联联联联联联联联联技技技技技技技技技各各各各各各各各据据据据据据据据术术术术术术术术助助助助助助助助位位位位位位位位创创创创创创创创化化化化化化化化力力力力力力力力申申申申申申申申慧慧慧慧慧慧慧慧辅辅辅辅辅辅辅性性性性性性性“““““““”””””””开开开开开开开提提提提提提提会会会会会会会动动动动动动动一一一一一一一实实实实实实实中中中中中中中包包包包包包包案案案案案案案委委委委委委年年年年年年以以以以以以重重重重重重大大大大大大：：：：：：行行行行行行及及及及及及有有有有有有接接接接接接设设设设设设院院院院院院检检检检检检对对对对对对成成成成成向向向向向信信信信信安安安安安关关关关关学学学学学科科科科科在在在在在监监监监监系系系系系评评评评评；；；；；药药药药药意意意意意体体体体体可可可可可含含含含含集集集集集要要要要要范范范范范域域域域域点点点点点床床床床床断断断断断需需需需需部部部部临临临临期期期期求求求求是是是是息息息息验验验验效效效效全全全全分分分分式式式式基基基基类类类类决决决决品品品品度度度度量量量量估估估估资资资资源源源源供供供供试试试试福福福福政政政政公公公公家家家家促促促促件件件件优优优优三三三三测测测测级级级级入入入入规规规知知知区区区市市市型型型广广广示示示不不不划划划为为为持持持上上上质质质导导导升升升本本本构构构征征征网网网企企企月月月通通通附附附民民民领领领前前前预预预查查查电电电清清清于于于属属属门门门模模模制制制高高高统统统治治治主主主染染染地地地号号选选平平国国现现个个放放同同后后水水策策备备解解或或日日支支徽徽布布员员疾疾复复二二果果议议析析库库加加传传环环参参相相完完鼓鼓励励名名否否控控代代内内物物四四境境表表过过事事直直办办我我标标指指共共处处子子手手时时介介排排遴赋五活续费情结保出转互送层影核步程究准括称具定扩其他例希望培育落府施文字拟责真深到多便随居像协署审别立免围使强法识台牵头负引明择未阶段专计荐请投口迭倒逼愿污干如总认好序价得造告算商快速慢自超限题汇原职所确权先按照整密份来兴绍局心厅见精组织将列就询约访庭史采献述队观描写械群流率态无当初纳熟从邮箱面间填利容该链践雨社若措下批打更种孕调历护消签档筛疫记患者适聚归判视防警障急突运室穿器则符次积极由络两空话码简注金涉秘感章变革善带考溯况闽函综印神任融每值垂泛增咨问陪醒县血镜液录症嵌绕索察特比论置给益功七宣戴招装攻首违客受足伙伴双再版至脱敏移础筹另侧团长谋周即启也近块坚挥元际吸般购维较已形并季半举姓城肥偿潭州贯彻抓起释走住站险赔满毒鉴师射声窥眼底尿微旅族既往疏疑难西宜沿洗回顾状逻辑撰世界易因素候屏响早六车辆匹配才勤营绩督执透母婴册妇儿养教普晓剂募揭榜挂帅套登失骨宽张梯习读继辖今扫做严格遵守隐私始经根享避截止薛鹏此势紧扣节小财象料靠存晰正剽窃侵犯义只盖皖充十遇键窗身证蓬勃虚云奠了惠探破撑拓捷远房跟踪之宇宙训卡触痛")

    /// A value of `length` characters drawn from the notices' character frequencies, seeded by `n`.
    static func text(_ n: Int, length: Int) -> String {
        var state = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15 | 1
        return String((0..<length).map { _ -> Character in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return characters[Int(state % UInt64(characters.count))]
        })
    }

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
            let value: FieldValue = .text(text(i, length: f % 4 == 3 ? 300 : 12))
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
            default: (fields[slot - 4], .text(text(i, length: slot % 4 == 3 ? 300 : 12)))
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
