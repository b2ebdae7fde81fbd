import Replication

/// Organisations as replicated records: one field per attribute.
extension Organization {
    /// The fields written for this organisation.
    var fields: [(String, FieldValue)] {
        [("code", .text(code)), ("name", .text(name)), ("kind", .text(kind.rawValue)),
         ("city", city.map(FieldValue.text) ?? .null), ("provincial", .bool(provincial)),
         ("level", level.map(FieldValue.text) ?? .null), ("uscc", uscc.map(FieldValue.text) ?? .null),
         ("contact", contact.map(FieldValue.text) ?? .null), ("phone", phone.map(FieldValue.text) ?? .null)]
    }

    init?(record: RecordState) {
        guard !record.isDeleted, let code = record["code"]?.text, let name = record["name"]?.text,
              let kind = record["kind"]?.text.flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(code: code, name: name, kind: kind, city: record["city"]?.text,
                  provincial: record["provincial"] == .bool(true), level: record["level"]?.text,
                  uscc: record["uscc"]?.text, contact: record["contact"]?.text, phone: record["phone"]?.text)
    }
}
