/// Why a domain operation did not happen: each says what to do next.
public enum DomainError: Error, Equatable, CustomStringConvertible {
    case unknownCall(String, known: [String])
    case unknownForm(String, call: String, known: [String])
    case unknownField(String, form: String, known: [String])
    case ambiguousField(String, candidates: [String])
    case unknownTable(String, call: String, known: [String])
    case noSuchRecord(String)
    case notAForm(String)
    case unknownUnit(String)
    case invalid([FieldIssue])
    case refused(code: String, reason: String)
    case badTemplate(String)

    public var description: String {
        switch self {
        case .unknownCall(let id, let known):
            return "no call '\(id)'; known calls: \(known.joined(separator: ", ")) — see 'tianbao calls'"
        case .unknownForm(let id, let call, let known):
            return "call \(call) has no form '\(id)'; its forms: \(known.joined(separator: ", "))"
        case .unknownField(let name, let form, let known):
            return "form \(form) has no field '\(name)'; its fields: \(known.joined(separator: "、"))"
        case .ambiguousField(let name, let candidates):
            return "'\(name)' names several fields: \(candidates.joined(separator: ", ")) — use one of these names"
        case .unknownTable(let id, let call, let known):
            return "call \(call) has no table '\(id)'; its tables: \(known.joined(separator: ", "))"
        case .noSuchRecord(let id):
            return "no record \(id) on this replica — check the id with 'tianbao list', or sync first"
        case .notAForm(let id):
            return "record \(id) is not a form record"
        case .unknownUnit(let code):
            return "organisation '\(code)' is not registered — ask the province to add it, then sync"
        case .invalid(let issues):
            return issues.map(\.description).joined(separator: "\n")
        case .refused(_, let reason):
            return reason
        case .badTemplate(let reason):
            return "call template refused: \(reason)"
        }
    }
}
