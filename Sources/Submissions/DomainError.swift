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
            return "no call '\(id)'\(Suggestion.phrase(id, among: known)); known calls: \(known.joined(separator: ", ")) — see 'tianbao calls'"
        case .unknownForm(let id, let call, let known):
            return "call \(call) has no form '\(id)'\(Suggestion.phrase(id, among: Self.words(known))); its forms: \(known.joined(separator: ", "))"
        case .unknownField(let name, let form, let known):
            return "form \(form) has no field '\(name)'\(Suggestion.phrase(name, among: known)); its fields: \(known.joined(separator: "、"))"
        case .ambiguousField(let name, let candidates):
            return "'\(name)' names several fields: \(candidates.joined(separator: ", ")) — use one of these names"
        case .unknownTable(let id, let call, let known):
            return "call \(call) has no table '\(id)'\(Suggestion.phrase(id, among: Self.words(known))); its tables: \(known.joined(separator: ", "))"
        case .noSuchRecord(let id):
            return "no record \(id) on this replica — check the id with 'tianbao list', or sync first"
        case .notAForm(let id):
            return "record \(id) is not a form record"
        case .unknownUnit(let code, let known):
            return "organisation '\(code)' is not registered\(Suggestion.phrase(code, among: known)) — give its code or full name, or ask the province to add it, then sync"
        case .invalid(let issues):
            return issues.map(\.description).joined(separator: "\n")
        case .refused(_, let reason):
            return reason
        case .badTemplate(let reason):
            return "call template refused: \(reason)"
        }
    }
}
