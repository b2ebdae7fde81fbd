import Messages
/// Why a domain operation did not happen: each says what to do next.
public enum DomainError: Error, Equatable, CustomStringConvertible {
    case unknownCall(String, known: [String])
    case unknownForm(String, call: String, known: [String])
    case unknownField(String, form: String, known: [String])
    case ambiguousField(String, candidates: [String])
    case unknownTable(String, call: String, known: [String])
    case noSuchRecord(String)
    case notAForm(String)
    case unknownUnit(String, known: [String] = [])
    case invalid([FieldIssue])
    case refused(code: String, reason: String)
    case badTemplate(String)

    /// The names inside "id (附件2 title)" lists, each a candidate for "did you mean".
    static func words(_ known: [String]) -> [String] {
        known.flatMap { $0.split(whereSeparator: { " ()（）、".contains($0) }).map(String.init) }
    }

    public var description: String {
        switch self {
        case .unknownCall(let id, let known):
            return Message.unknownCall.text(id, Suggestion.phrase(id, among: known), known.joined(separator: ", "))
        case .unknownForm(let id, let call, let known):
            return Message.unknownForm.text(call, id, Suggestion.phrase(id, among: Self.words(known)), known.joined(separator: ", "))
        case .unknownField(let name, let form, let known):
            return Message.unknownField.text(form, name, Suggestion.phrase(name, among: known), known.joined(separator: "、"))
        case .ambiguousField(let name, let candidates):
            return Message.ambiguousField.text(name, candidates.joined(separator: ", "))
        case .unknownTable(let id, let call, let known):
            return Message.unknownTable.text(call, id, Suggestion.phrase(id, among: Self.words(known)), known.joined(separator: ", "))
        case .noSuchRecord(let id):
            return Message.noSuchRecord.text(id)
        case .notAForm(let id):
            return Message.notAForm.text(id)
        case .unknownUnit(let code, let known):
            return Message.unknownUnit.text(code, Suggestion.phrase(code, among: known))
        case .invalid(let issues):
            return issues.map(\.description).joined(separator: "\n")
        case .refused(_, let reason):
            return reason
        case .badTemplate(let reason):
            return Message.badTemplate.text(reason)
        }
    }
}
