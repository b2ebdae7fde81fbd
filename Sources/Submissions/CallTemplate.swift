/// A call (征集通知) as data: its forms, expected units and quotas, summary tables and rules.
///
/// Built-in calls ship as JSON resources; a new province's notice is one more file (or a template
/// the province publishes through sync), never new code.
public struct CallTemplate: Codable, Hashable, Sendable {
    /// Stable id, e.g. `fujian-2026`.
    public var id: String
    /// Raised whenever the template changes; every record names the version it was made under.
    public var version: Int
    public var title: String
    /// The issuing authority, e.g. 福建省卫生健康委员会.
    public var authority: String
    /// 文号, e.g. 闽卫规划函〔2025〕1122号.
    public var documentNumber: String
    /// Issue date, `YYYY-MM-DD`.
    public var issued: String
    /// The last day for submissions, `YYYY-MM-DD`, in ``utcOffsetHours``' local time.
    public var deadline: String
    /// The notice's time zone as an offset from UTC (China: +8).
    public var utcOffsetHours: Int
    /// How many hours after the deadline a submission made offline before it may still reach the
    /// hub (72 when absent): a laptop offline for days is not shut out, nor a backdated clock let in for ever.
    public var offlineGraceHours: Int?
    public var forms: [Form]
    /// Which organisations must report, and how much.
    public var expectedUnits: ExpectedUnits
    public var tables: [TableSpec]
    public var rules: [RuleSpec]
    /// What the province selects (入库) from the records, and how many; nil: the call sets no target.
    public var selection: Selection?

    /// The province's library (e.g. 全省重点领域应用场景备选发布清单库) and its targets by form.
    public struct Selection: Codable, Hashable, Sendable {
        /// The library's name as the notice gives it.
        public var library: String
        public var targets: [Target]
        /// The notice's words for the targets, quoted with the progress.
        public var basis: String
    }

    /// `count` records of `form`: the exact number the notice picks (a warning past it), or with
    /// `atLeast`, a floor (10个以上).
    public struct Target: Codable, Hashable, Sendable {
        public var form: String
        public var count: Int
        public var atLeast: Bool?
    }

    public struct ExpectedUnits: Codable, Hashable, Sendable {
        /// Cities (设区市卫健委) report.
        public var cities: Bool
        /// Provincial institutions (省属 / 委直属) report straight to the province.
        public var provincial: Bool
        /// Per-unit minimum counts, by form.
        public var quotas: [Quota]
    }

    public struct Quota: Codable, Hashable, Sendable {
        public var form: String
        public var atLeast: Int
    }

    public func form(_ id: String) -> Form? { forms.first { $0.id == id } }

    /// The form named as people name it: its id, its attachment label (附件1), its title, or a
    /// name the notice uses for it (申请表, 场景机会).
    public func form(named reference: String) -> Form? {
        form(reference) ?? forms.first { $0.attachment == reference || $0.title == reference || ($0.aliases ?? []).contains(reference) }
    }

    public func table(_ id: String) -> TableSpec? { tables.first { $0.id == id } }

    /// The forms as a list to choose from: id, 附件, title and the other names.
    public var formChoices: [String] {
        forms.map { "\($0.id) (\($0.attachment) \($0.title)\($0.aliases.map { " 又称 " + $0.joined(separator: "、") } ?? ""))" }
    }

    /// The tables as a list to choose from.
    public var tableChoices: [String] {
        tables.map { "\($0.id) \($0.title)\($0.aliases.map { " 又称 " + $0.joined(separator: "、") } ?? "")" }
    }

    /// The table named as people name it: its id (附件2), its title, a name the notice uses for
    /// it (推荐汇总表), or the form whose records it lists.
    public func table(named reference: String) -> TableSpec? {
        table(reference) ?? tables.first { $0.title == reference || ($0.aliases ?? []).contains(reference) }
            ?? form(named: reference).flatMap { form in tables.first { $0.form == form.id } }
    }
}

/// One form of a call (附件), filled once per record.
public struct Form: Codable, Hashable, Sendable {
    /// Stable id, e.g. `application`.
    public var id: String
    /// The attachment's label in the notice, e.g. 附件1.
    public var attachment: String
    public var title: String
    public var fields: [FieldSpec]
    /// The printed document's parts beyond the fields (`tianbao print`), where the notice has them.
    public var document: FormDocumentSpec?
    /// The kinds of unit that file this form (e.g. Fujian's 申请表: 医疗卫生机构, so `hospital` and
    /// `institution`); nil: any unit.
    public var applicants: [Organization.Kind]?
    /// Other names the notice gives the form (申请表, 项目申请表), accepted wherever a form is named.
    public var aliases: [String]?

    /// The field named by its key, its unique name (group + label), or its label when only one
    /// field carries it.
    public func field(_ reference: String) -> FieldSpec? {
        if let byKey = fields.first(where: { $0.key == reference }) { return byKey }
        if let byName = fields.first(where: { $0.name == reference }) { return byName }
        let byLabel = fields.filter { $0.label == reference }
        return byLabel.count == 1 ? byLabel[0] : nil
    }

    /// Names a reference that matches several fields, for the error message.
    public func ambiguity(_ reference: String) -> [FieldSpec] {
        let byLabel = fields.filter { $0.label == reference }
        return byLabel.count > 1 ? byLabel : []
    }
}

/// A cross-record or cross-field rule a call declares.
public struct RuleSpec: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// One unfinished record per person: `fields` identify the person (e.g. 项目负责人 + 手机号码).
        case onePerPerson
        /// A period field must end no later than `latest` (`YYYY-MM`).
        case periodEndsBy
        /// `field` is required when `whenField` holds `whenValue`.
        case requiredWhen
        /// `field` must hold `value`: a declaration the applicant confirms (申报意见：是).
        case mustBe
        /// `field`, a date, lies between the day the call was issued and the day the record is
        /// submitted: a declaration is not dated before the call nor after it is made.
        case dateWithin
    }

    public var kind: Kind
    public var form: String
    public var fields: [String]?
    public var field: String?
    public var latest: String?
    public var whenField: String?
    public var whenValue: String?
    public var value: String?
    /// The notice's own words for the rule, quoted in messages.
    public var basis: String
}
