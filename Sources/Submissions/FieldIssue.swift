/// What is wrong with one field's value, said so a person can fix it.
public struct FieldIssue: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field's stable key.
    public let key: String
    /// The field's name as the notice labels it (group + label).
    public let name: String
    /// What is wrong.
    public let problem: String
    /// What is expected instead.
    public let expected: String

    public init(_ spec: FieldSpec, _ problem: String, expected: String) {
        key = spec.key
        name = spec.name
        self.problem = problem
        self.expected = expected
    }

    /// A rule that concerns the record rather than one field.
    public init(rule name: String, _ problem: String, expected: String) {
        key = ""
        self.name = name
        self.problem = problem
        self.expected = expected
    }

    public var description: String { "\(name) \(problem) — \(expected)" }
}
