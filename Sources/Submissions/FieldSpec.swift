/// One field of a form: its stable key, the notice's label, its type and limits.
public struct FieldSpec: Codable, Hashable, Sendable {
    /// Stable ASCII key: what records store, so a relabelled template keeps its data.
    public var key: String
    /// The notice's label, character for character.
    public var label: String
    /// The row a repeated label belongs to (the notice has 手机号码 under both 单位联系人 and
    /// 项目负责人); it makes the field's ``name`` unique.
    public var group: String?
    public var type: FieldType
    /// Needed to submit (drafts may leave it empty).
    public var required: Bool
    /// For text: the most characters (a Chinese character counts one).
    public var maxLength: Int?
    /// For choices: the allowed answers.
    public var options: [String]?
    /// For choices: the option that takes a free-text note, written `<option>：<note>`.
    public var otherOption: String?
    /// Filled in when a record is created: `unit.name`, `unit.uscc`, `unit.level`, or a literal.
    public var prefill: String?
    /// The notice's section, for the readable document.
    public var section: String?
    /// The notice's guidance for the field.
    public var hint: String?
    /// For a publish consent: what the period is of, as the notice words it (需求有效期 for a
    /// scenario opportunity, 能力供给有效期 for a capability).
    public var term: String?
}

extension FieldSpec {
    /// The label as people say it, unique within its form: the group, then the label.
    public var name: String { (group ?? "") + label }
}

/// What a field holds, and so how it is parsed, validated and stored.
public enum FieldType: String, Codable, Hashable, Sendable, CaseIterable {
    case text
    case longText
    case choice
    /// Several answers: a set field (add-wins when edited concurrently).
    case multiChoice
    /// 是 / 否
    case yesNo
    /// An amount in 万元.
    case money
    /// 年月 to 年月, stored `YYYY-MM/YYYY-MM`.
    case period
    /// `YYYY-MM-DD`
    case date
    /// A mainland mobile number.
    case mobile
    /// A landline with area code.
    case landline
    /// One or more phone numbers (mobile or landline), separated by 、 or ，.
    case phones
    case email
    /// 统一社会信用代码 (GB 32100-2015).
    case uscc
    /// Numbers of the national guide's 84 scenarios: a set field.
    case guideScenarios
    /// 是否同意发布及发布有效期: 不同意, or 同意 with a validity period.
    case publishConsent

    /// Whether the field is stored as a set (one element per answer).
    public var isSet: Bool { self == .multiChoice || self == .guideScenarios }
}
