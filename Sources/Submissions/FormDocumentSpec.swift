/// What a form's printed document carries beyond its fields, in the notice's words: the notes
/// printed under a section, the statements the applicant signs, the seal lines, and the line on
/// how many copies are filed.
public struct FormDocumentSpec: Codable, Hashable, Sendable {
    /// The section the notes follow (e.g. 一、基本信息), and the notes, numbered as printed.
    public var notesAfter: String?
    public var notes: [String]?
    /// The field whose yes/no is the applicant's declaration, and the statements it declares.
    public var declaration: String?
    public var statements: [String]?
    /// The date field printed beside the applicant's seal.
    public var declarationDate: String?
    /// Seal lines: the applicant's (e.g. 牵头单位（公章）：) and the reviewer's (主管部门（公章）：).
    public var applicantSeal: String?
    public var reviewSeal: String?
    /// The closing line, e.g. （申请表一式三份，…）.
    public var copies: String?
    /// A form whose records are the rows of one list (Anhui's 附件1 联系人名单) prints as the unit's
    /// whole list (``ListDocument``); these roles (分管领导, 业务处室负责人), written in `roleField`,
    /// have their rows first, left empty to fill in by hand when no record holds them.
    public var listRoles: [String]?
    public var roleField: String?
}
