import JSON

/// The shipped templates read straight from their JSON tree, without `Codable`.
///
/// Every command reads both shipped templates before it does anything. Through `JSONDecoder` that
/// costs a command about 2 ms, nearly all of it the runtime instantiating the generic containers
/// `Codable` builds on (`KeyedDecodingContainer<CodingKeys>` per type, looked up by mangled name)
/// the first time a process decodes, more than `tianbao show` spends on anything else. These
/// readers build the same values from a ``JSONTree``. They are for the shipped files only, which
/// `CallTemplateTests` holds to every check of a template file and to the same value `Codable`
/// decodes; a template a person gives is read by ``CallTemplate/decode(_:)``, whose errors say
/// what is wrong and where.
extension CallTemplate {
    /// Thrown at the first member that is missing or of another type.
    struct TreeError: Error, CustomStringConvertible {
        let path: String
        var description: String { "the shipped template does not read at \(path)" }
    }

    init(tree: JSONTree) throws(TreeError) {
        let r = TreeReader(tree, "")
        self.init(id: try r.string("id"), version: try r.int("version"), title: try r.string("title"),
                  authority: try r.string("authority"), documentNumber: try r.string("documentNumber"),
                  issued: try r.string("issued"), deadline: try r.string("deadline"),
                  utcOffsetHours: try r.int("utcOffsetHours"), offlineGraceHours: try r.optionalInt("offlineGraceHours"),
                  forms: try r.array("forms") { r throws(TreeError) in try Form(r) },
                  expectedUnits: try ExpectedUnits(r.object("expectedUnits")),
                  tables: try r.array("tables") { r throws(TreeError) in try TableSpec(r) },
                  rules: try r.array("rules") { r throws(TreeError) in try RuleSpec(r) },
                  selection: try r.optionalObject("selection").map { r throws(TreeError) in try Selection(r) })
    }
}

/// Reads the members of one JSON object, naming the path of the first that does not read.
struct TreeReader {
    let tree: JSONTree
    let path: String

    init(_ tree: JSONTree, _ path: String) {
        self.tree = tree
        self.path = path
    }

    private func fail(_ key: String) -> CallTemplate.TreeError { CallTemplate.TreeError(path: path + "." + key) }

    /// The member, or nil when absent or null (as `Codable` reads an optional).
    private func member(_ key: String) -> JSONTree? {
        guard let value = tree[key], value != .null else { return nil }
        return value
    }

    /// The member read by `match`; nil when absent or null, thrown when `match` does not take it.
    private func optional<T>(_ key: String, _ match: (JSONTree) -> T?) throws(CallTemplate.TreeError) -> T? {
        guard let value = member(key) else { return nil }
        guard let matched = match(value) else { throw fail(key) }
        return matched
    }

    /// The member `read` finds; thrown when it is absent or null.
    private func required<T>(_ key: String, _ read: (String) throws(CallTemplate.TreeError) -> T?) throws(CallTemplate.TreeError) -> T {
        guard let value = try read(key) else { throw fail(key) }
        return value
    }

    func optionalString(_ key: String) throws(CallTemplate.TreeError) -> String? {
        try optional(key) { if case .string(let text) = $0 { text } else { nil } }
    }

    func optionalInt(_ key: String) throws(CallTemplate.TreeError) -> Int? {
        try optional(key) { if case .number(let digits) = $0 { Int(digits) } else { nil } }
    }

    func optionalBool(_ key: String) throws(CallTemplate.TreeError) -> Bool? {
        try optional(key) { if case .bool(let flag) = $0 { flag } else { nil } }
    }

    func string(_ key: String) throws(CallTemplate.TreeError) -> String { try required(key, optionalString) }
    func int(_ key: String) throws(CallTemplate.TreeError) -> Int { try required(key, optionalInt) }
    func bool(_ key: String) throws(CallTemplate.TreeError) -> Bool { try required(key, optionalBool) }

    func optionalEnum<T: RawRepresentable>(_ key: String, _: T.Type) throws(CallTemplate.TreeError) -> T? where T.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = T(rawValue: text) else { throw fail(key) }
        return value
    }

    func optionalObject(_ key: String) throws(CallTemplate.TreeError) -> TreeReader? {
        guard let value = member(key) else { return nil }
        guard case .object = value else { throw fail(key) }
        return TreeReader(value, path + "." + key)
    }

    func object(_ key: String) throws(CallTemplate.TreeError) -> TreeReader { try required(key, optionalObject) }

    func optionalArray<T>(_ key: String, _ element: (TreeReader) throws(CallTemplate.TreeError) -> T) throws(CallTemplate.TreeError) -> [T]? {
        guard let value = member(key) else { return nil }
        guard case .array(let items) = value else { throw fail(key) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try element(TreeReader(item, "\(path).\(key)[\(i)]"))) }
        return out
    }

    func array<T>(_ key: String, _ element: (TreeReader) throws(CallTemplate.TreeError) -> T) throws(CallTemplate.TreeError) -> [T] {
        try required(key) { key throws(CallTemplate.TreeError) in try optionalArray(key, element) }
    }

    func optionalStrings(_ key: String) throws(CallTemplate.TreeError) -> [String]? {
        try optionalArray(key) { r throws(CallTemplate.TreeError) in
            guard case .string(let text) = r.tree else { throw CallTemplate.TreeError(path: r.path) }
            return text
        }
    }

    func optionalEnums<T: RawRepresentable>(_ key: String, _: T.Type) throws(CallTemplate.TreeError) -> [T]? where T.RawValue == String {
        try optionalArray(key) { r throws(CallTemplate.TreeError) in
            guard case .string(let text) = r.tree, let value = T(rawValue: text) else { throw CallTemplate.TreeError(path: r.path) }
            return value
        }
    }
}

extension Form {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        self.init(id: try r.string("id"), attachment: try r.string("attachment"), title: try r.string("title"),
                  fields: try r.array("fields") { r throws(CallTemplate.TreeError) in try FieldSpec(r) },
                  document: try r.optionalObject("document").map { r throws(CallTemplate.TreeError) in try FormDocumentSpec(r) },
                  applicants: try r.optionalEnums("applicants", Organization.Kind.self), aliases: try r.optionalStrings("aliases"))
    }
}

extension FieldSpec {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        guard let type = try r.optionalEnum("type", FieldType.self) else { throw CallTemplate.TreeError(path: r.path + ".type") }
        self.init(key: try r.string("key"), label: try r.string("label"), group: try r.optionalString("group"), type: type,
                  required: try r.bool("required"), maxLength: try r.optionalInt("maxLength"), options: try r.optionalStrings("options"),
                  otherOption: try r.optionalString("otherOption"), prefill: try r.optionalString("prefill"),
                  section: try r.optionalString("section"), hint: try r.optionalString("hint"), term: try r.optionalString("term"))
    }
}

extension FormDocumentSpec {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        self.init(notesAfter: try r.optionalString("notesAfter"), notes: try r.optionalStrings("notes"),
                  declaration: try r.optionalString("declaration"), statements: try r.optionalStrings("statements"),
                  declarationDate: try r.optionalString("declarationDate"), applicantSeal: try r.optionalString("applicantSeal"),
                  reviewSeal: try r.optionalString("reviewSeal"), copies: try r.optionalString("copies"),
                  listRoles: try r.optionalStrings("listRoles"), roleField: try r.optionalString("roleField"))
    }
}

extension TableSpec {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        func bindings(_ key: String) throws(CallTemplate.TreeError) -> [Binding]? {
            try r.optionalArray(key) { r throws(CallTemplate.TreeError) in Binding(label: try r.string("label"), source: try r.string("source")) }
        }
        guard let header = try bindings("header") else { throw CallTemplate.TreeError(path: r.path + ".header") }
        guard let footer = try bindings("footer") else { throw CallTemplate.TreeError(path: r.path + ".footer") }
        self.init(id: try r.string("id"), title: try r.string("title"), form: try r.string("form"), header: header,
                  columns: try r.array("columns") { r throws(CallTemplate.TreeError) in Column(label: try r.string("label"), source: try r.string("source")) },
                  footer: footer, note: try r.optionalString("note"), compiledBy: try r.optionalEnums("compiledBy", Organization.Kind.self),
                  aliases: try r.optionalStrings("aliases"), provinceHeader: try bindings("provinceHeader"), provinceFooter: try bindings("provinceFooter"))
    }
}

extension RuleSpec {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        guard let kind = try r.optionalEnum("kind", Kind.self) else { throw CallTemplate.TreeError(path: r.path + ".kind") }
        self.init(kind: kind, form: try r.string("form"), fields: try r.optionalStrings("fields"), field: try r.optionalString("field"),
                  latest: try r.optionalString("latest"), whenField: try r.optionalString("whenField"), whenValue: try r.optionalString("whenValue"),
                  value: try r.optionalString("value"), basis: try r.string("basis"))
    }
}

extension CallTemplate.ExpectedUnits {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        self.init(cities: try r.bool("cities"), provincial: try r.bool("provincial"),
                  quotas: try r.array("quotas") { r throws(CallTemplate.TreeError) in CallTemplate.Quota(form: try r.string("form"), atLeast: try r.int("atLeast")) })
    }
}

extension CallTemplate.Selection {
    init(_ r: TreeReader) throws(CallTemplate.TreeError) {
        self.init(library: try r.string("library"),
                  targets: try r.array("targets") { r throws(CallTemplate.TreeError) in
                      CallTemplate.Target(form: try r.string("form"), count: try r.int("count"), atLeast: try r.optionalBool("atLeast"))
                  },
                  basis: try r.string("basis"))
    }
}
