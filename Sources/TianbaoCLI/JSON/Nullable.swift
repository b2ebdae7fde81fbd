/// An optional that a `--json` output writes as `null` when it has no value, instead of leaving its
/// key out: every object keeps the same keys wherever it appears, so a script never meets a missing one.
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension Nullable: Sendable where Value: Sendable {}
