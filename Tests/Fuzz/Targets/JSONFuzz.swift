import JSON

/// Any bytes as JSON. A document the parser accepts, written back, parses to the same tree.
enum JSONFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        guard let tree = try? JSONTree.parse(bytes) else { return .refused }
        var writer = JSONWriter()
        write(tree, into: &writer)
        guard let back = try? JSONTree.parse(writer.bytes) else { return .broken("a parsed document, written back, is refused") }
        return FuzzTarget.Outcome(back == tree ? nil : "a parsed document, written back, parses differently")
    }

    static func write(_ tree: JSONTree, into writer: inout JSONWriter) {
        switch tree {
        case .null: writer.raw("null")
        case .bool(let b): b ? writer.raw("true") : writer.raw("false")
        case .number(let text): writer.rawText(text)
        case .string(let s): writer.string(s)
        case .array(let items):
            writer.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { writer.raw(",") }
                write(item, into: &writer)
            }
            writer.raw("]")
        case .object(let members):
            writer.raw("{")
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { writer.raw(",") }
                writer.string(key)
                writer.raw(":")
                write(value, into: &writer)
            }
            writer.raw("}")
        }
    }
}
