import Foundation

/// A self-delimiting list of changes in JSON Lines: a header line, one change per line, and an
/// end line with the count. A batch cut short anywhere — in transit, on a USB stick — is detected
/// and refused whole rather than half applied.
///
///     {"tianbao":"changes","format":1}
///     {"origin":"…","seq":1,…}
///     {"end":{"count":1}}
public enum ChangeBatch {
    public static let format = 1

    private struct Header: Codable { var tianbao: String; var format: Int }
    private struct End: Codable { struct Body: Codable { var count: Int }; var end: Body }

    /// Encodes `changes` as one batch.
    public static func encode(_ changes: [Change]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var out: [UInt8] = []
        out += try encoder.encode(Header(tianbao: "changes", format: format))
        out.append(0x0A)
        for change in changes {
            out += try encoder.encode(change)
            out.append(0x0A)
        }
        out += try encoder.encode(End(end: .init(count: changes.count)))
        out.append(0x0A)
        return out
    }

    /// Decodes a whole batch, or throws ``ReplicationError/malformedBatch(_:)`` saying which line
    /// is wrong and why.
    public static func decode(_ bytes: [UInt8]) throws(ReplicationError) -> [Change] {
        let decoder = JSONDecoder()
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else {
            throw .malformedBatch("the batch does not end with a newline: it was cut short")
        }
        lines.removeLast()
        guard let first = lines.first,
              let header = try? decoder.decode(Header.self, from: Data(first)), header.tianbao == "changes"
        else { throw .malformedBatch("line 1 is not a Tianbao change batch header") }
        guard header.format == format else {
            throw .malformedBatch("batch format \(header.format) is not supported (this program reads format \(format)); upgrade tianbao")
        }
        guard lines.count >= 2, let end = try? decoder.decode(End.self, from: Data(lines[lines.count - 1])) else {
            throw .malformedBatch("the end line is missing: the batch was cut short")
        }
        let body = lines[1..<(lines.count - 1)]
        guard end.end.count == body.count else {
            throw .malformedBatch("the end line counts \(end.end.count) changes but the batch holds \(body.count)")
        }
        var changes: [Change] = []
        changes.reserveCapacity(body.count)
        for (offset, line) in body.enumerated() {
            do {
                changes.append(try decoder.decode(Change.self, from: Data(line)))
            } catch {
                throw .malformedBatch("line \(offset + 2): \(Self.explain(error))")
            }
        }
        return changes
    }

    /// A one-line reason for a decoding error, naming the JSON key at fault.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        case .dataCorrupted(let context): return "invalid data\(path(context)): \(context.debugDescription)"
        @unknown default: return "not valid JSON"
        }
    }
}
