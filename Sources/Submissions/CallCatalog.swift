import Messages
import Foundation
import JSON
import Replication

/// The calls a replica knows: built in, loaded from template files, and published by the province
/// through sync. For one id the highest version wins.
public struct CallCatalog: Sendable {
    public private(set) var templates: [String: CallTemplate] = [:]

    public init(_ templates: [CallTemplate] = []) {
        for template in templates { add(template) }
    }

    /// Adds a template unless a higher version of the same call is already known.
    public mutating func add(_ template: CallTemplate) {
        if let known = templates[template.id], known.version >= template.version { return }
        templates[template.id] = template
    }

    public subscript(id: String) -> CallTemplate? { templates[id] }

    /// The call named as people name it: its id, its 文号 (闽卫规划函〔2025〕1122号) or its title
    /// (with or without 《》). Nil when nothing matches; a 文号 two calls share names neither.
    public func call(named reference: String) -> CallTemplate? {
        if let byID = templates[reference] { return byID }
        let title = reference.trimmingCharacters(in: CharacterSet(charactersIn: "《》 "))
        let matches = all.filter { $0.documentNumber == reference || $0.title == title }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The call `reference` names, or why none: unknown (with the nearest name), or a 文号 shared
    /// by several rounds (name the round by its id).
    public func resolve(_ reference: String) throws -> CallTemplate {
        if let call = call(named: reference) { return call }
        let shared = all.filter { $0.documentNumber == reference }.map(\.id)
        if shared.count > 1 {
            throw DomainError.refused(code: "ambiguous_call", reason: Message.ambiguousCall.text(reference, shared.joined(separator: ", ")))
        }
        throw DomainError.unknownCall(reference, known: all.flatMap { [$0.id, $0.documentNumber] })
    }

    /// The template of call `id`, as a function (for rules that look across calls).
    public func lookup(_ id: String) -> CallTemplate? { templates[id] }

    /// Calls by id.
    public var all: [CallTemplate] { templates.values.sorted { $0.id < $1.id } }

    /// The calls that ship with Tianbao: `anhui-2023` and `fujian-2026`.
    ///
    /// Decoded without the checks a template file from elsewhere gets (``CallTemplate/decode(_:)``):
    /// every command reads them, and the tests hold the shipped files to every one of those checks.
    public static let builtIn: [CallTemplate] = builtInFiles.compactMap { data in
        // The tree reader first (CallTemplate+Tree.swift); `Codable` only if it somehow failed.
        (try? JSONTree.parse(Array(data))).flatMap { try? CallTemplate(tree: $0) } ?? (try? JSONDecoder().decode(CallTemplate.self, from: data))
    }

    /// The shipped template files' bytes.
    static var builtInFiles: [Data] {
        ["anhui-2023", "fujian-2026"].compactMap { ShippedResource.json($0, in: "calls") }
    }
}

extension CallTemplate {
    /// Reads a template file, checking that it hangs together.
    public static func decode(_ data: Data) throws -> CallTemplate {
        // Notepad saves UTF-8 with a byte-order mark; it is not part of the JSON.
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(data.dropFirst(3)) : Array(data)
        let tree: JSONTree
        do { tree = try JSONTree.parse(bytes) } catch { throw DomainError.badTemplate("not JSON: \(error)") }
        if let (path, violation) = firstViolation(in: tree, at: "") {
            throw DomainError.badTemplate(Message.tplText.text(path.isEmpty ? Message.tplTop.text() : path, violation.explanation))
        }
        let data = Data(bytes)
        let template: CallTemplate
        do {
            template = try JSONDecoder().decode(CallTemplate.self, from: data)
        } catch let error as DecodingError {
            throw DomainError.badTemplate(Message.tplNotTemplate.text(Self.explain(error)))
        }
        // A key Tianbao does not read (a misspelt "requierd", a "groupBy" no build knows) would be
        // ignored silently: refused, with where it is.
        if let encoded = try? JSONEncoder().encode(template), let known = try? JSONTree.parse(Array(encoded)),
           let (path, key, siblings) = firstUnknownKey(in: tree, known: known, at: "") {
            let vocabulary = Set(siblings).union(Self.knownKeys)
            let near = Suggestion.nearest(key, among: vocabulary.sorted(), within: 2)
            throw DomainError.badTemplate(Message.tplUnknownKey.text(key, path.isEmpty ? Message.tplTop.text() : path, near.map { Message.didYouMean.text($0) } ?? ""))
        }
        let problems = template.problems()
        if !problems.isEmpty { throw DomainError.badTemplate(problems.joined(separator: "; ")) }
        return template
    }

    /// The first key of `tree` that the template read back (`known`, re-encoded) does not have,
    /// with its path and the keys beside it that were read. A key holding null is no claim.
    static func firstUnknownKey(in tree: JSONTree, known: JSONTree, at path: String) -> (String, String, [String])? {
        switch (tree, known) {
        case (.object(let members), .object(let knownMembers)):
            let read = Dictionary(knownMembers, uniquingKeysWith: { a, _ in a })
            for (key, value) in members {
                if value == .null { continue }
                guard let counterpart = read[key] else { return (path, key, knownMembers.map(\.0)) }
                if let found = firstUnknownKey(in: value, known: counterpart, at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        case (.array(let items), .array(let knownItems)):
            for (i, (item, knownItem)) in zip(items, knownItems).enumerated() {
                if let found = firstUnknownKey(in: item, known: knownItem, at: "\(path)[\(i)]") { return found }
            }
        default: break
        }
        return nil
    }

    /// Every key the built-in templates use, for "did you mean".
    static let knownKeys: Set<String> = {
        var keys = Set<String>()
        func collect(_ tree: JSONTree) {
            switch tree {
            case .object(let members): for (key, value) in members { keys.insert(key); collect(value) }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        for template in CallCatalog.builtIn {
            if let data = try? JSONEncoder().encode(template), let tree = try? JSONTree.parse(Array(data)) { collect(tree) }
        }
        return keys
    }()


    /// The first key or string anywhere in the document that ``TextRule`` refuses, with its path:
    /// labels, options and help all reach every replica's screen and every compiled table.
    static func firstViolation(in tree: JSONTree, at path: String) -> (String, TextRule.Violation)? {
        switch tree {
        case .string(let text): return TextRule.violation(in: text).map { (path, $0) }
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = firstViolation(in: item, at: "\(path)[\(i)]") { return found }
            }
        case .object(let members):
            for (key, value) in members {
                let here = path.isEmpty ? key : "\(path).\(key)"
                if let violation = TextRule.violation(in: key) { return (here, violation) }
                if let found = firstViolation(in: value, at: here) { return found }
            }
        default: break
        }
        return nil
    }

    /// The template's inconsistencies: unknown forms and fields, unreadable dates, duplicates.
    public func problems() -> [String] {
        var problems: [String] = []
        if id.isEmpty || !id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
            problems.append(Message.tplID.text(id))
        }
        if version < 1 { problems.append(Message.tplVersion.text()) }
        if SimpleDate(deadline) == nil { problems.append("deadline '\(deadline)' is not YYYY-MM-DD") }
        if SimpleDate(issued) == nil { problems.append("issued '\(issued)' is not YYYY-MM-DD") }
        if let grace = offlineGraceHours, !(0...24 * 90).contains(grace) { problems.append(Message.tplGrace.text(grace)) }
        if forms.isEmpty { problems.append(Message.tplNoForms.text()) }
        for form in forms {
            let keys = form.fields.map(\.key), names = form.fields.map(\.name)
            if Set(keys).count != keys.count { problems.append(Message.tplRepeatsKey.text(form.id)) }
            if Set(names).count != names.count { problems.append(Message.tplRepeatsName.text(form.id)) }
            for field in form.fields {
                if field.key.hasPrefix("_") || field.key.isEmpty { problems.append(Message.tplReservedKey.text(field.key)) }
                if (field.type == .choice || field.type == .multiChoice) && (field.options ?? []).isEmpty {
                    problems.append(Message.tplNoOptions.text("\(form.id).\(field.key)"))
                }
            }
        }
        for table in tables {
            guard let form = form(table.form) else { problems.append(Message.tplTableForm.text(table.id, table.form)); continue }
            for column in table.columns where column.source.hasPrefix("field:") {
                let key = String(column.source.dropFirst(6))
                if form.fields.first(where: { $0.key == key }) == nil { problems.append(Message.tplTableField.text(table.id, column.label, key)) }
            }
        }
        for quota in expectedUnits.quotas where form(quota.form) == nil { problems.append(Message.tplQuotaForm.text(quota.form)) }
        for rule in rules {
            guard let form = form(rule.form) else { problems.append(Message.tplRuleForm.text(rule.kind.rawValue, rule.form)); continue }
            for key in (rule.fields ?? []) + [rule.field, rule.whenField].compactMap({ $0 }) where form.fields.first(where: { $0.key == key }) == nil {
                problems.append(Message.tplRuleField.text(rule.kind.rawValue, key))
            }
        }
        return problems
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let c): "missing '\(key.stringValue)' at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            "\(c.debugDescription) at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: "unreadable"
        }
    }
}
