/// A summary table a call asks for (推荐汇总表, 清单): columns and where each value comes from.
public struct TableSpec: Codable, Hashable, Sendable {
    /// The attachment label, e.g. 附件2, also the table's id.
    public var id: String
    public var title: String
    /// The form whose records are the rows.
    public var form: String
    /// Lines above the table, e.g. 报送单位 / 联系人 / 联系方式.
    public var header: [Binding]
    public var columns: [Column]
    /// Lines below the table, e.g. 设区市卫健委联系人 / 联系电话.
    public var footer: [Binding]
    /// The notice's note under the table, printed as is.
    public var note: String?
    /// The kinds of reporting unit that compile this table for themselves (Fujian's 附件2: the
    /// 设区市卫健委 only; 省属 institutions report straight to the province); nil: any reporting unit.
    public var compiledBy: [Organization.Kind]?
    /// Other names the notice gives the table (推荐汇总表), accepted wherever a table is named.
    public var aliases: [String]?
    /// The header and footer of the province-wide compilation, which is the province's own table
    /// and must not carry a reporting unit's lines (盖章 by a 设区市卫健委); the defaults when absent
    /// are ``provinceDefaultHeader`` and ``provinceDefaultFooter``.
    public var provinceHeader: [Binding]?
    public var provinceFooter: [Binding]?

    public static let provinceDefaultHeader = [Binding(label: "汇总单位", source: "unit.name")]
    public static let provinceDefaultFooter = [Binding(label: "联系人", source: "unit.contact"), Binding(label: "联系电话", source: "unit.phone")]

    /// A labelled value about the reporting unit: `unit.name`, `unit.contact`, `unit.phone`.
    public struct Binding: Codable, Hashable, Sendable {
        public var label: String
        public var source: String
    }

    /// A column: `#` for 序号, `field:<key>` for a form field, `unit.name` for the reporting unit.
    public struct Column: Codable, Hashable, Sendable {
        public var label: String
        public var source: String
    }
}
