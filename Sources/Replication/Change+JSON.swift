/// The language-neutral JSON form of a change, shared by the conformance vectors, bundles and the
/// sync protocol. See `Sync/PROTOCOL.md`:
///
///     {"origin":"<32 hex>","seq":7,"wall":1763841019123,"counter":0,"collection":"submissions",
///      "record":"<uuid>","field":"项目名称","op":"set","value":{"text":"…"},
///      "supersedes":["<32 hex>:6"],"author":"张三"}
extension Change: Codable {
    private enum Key: String, CodingKey {
        case origin, seq, wall, counter, collection, record, field, op, value, supersedes, author
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let originText = try c.decode(String.self, forKey: .origin)
        guard let origin = ReplicaID(hex: originText) else {
            throw DecodingError.dataCorruptedError(forKey: .origin, in: c, debugDescription: "origin must be 32 lowercase hex digits")
        }
        let seq = try c.decode(UInt64.self, forKey: .seq)
        let wall = try c.decode(Int64.self, forKey: .wall)
        let counter = try c.decodeIfPresent(UInt16.self, forKey: .counter) ?? 0
        let opText = try c.decode(String.self, forKey: .op)
        guard let op = Operation(rawValue: opText) else {
            throw DecodingError.dataCorruptedError(forKey: .op, in: c, debugDescription: "op '\(opText)' is not one of set, add, remove, delete, restore")
        }
        let supersedeTexts = try c.decodeIfPresent([String].self, forKey: .supersedes) ?? []
        var supersedes: [Dot] = []
        supersedes.reserveCapacity(supersedeTexts.count)
        for text in supersedeTexts {
            guard let dot = Dot(text) else {
                throw DecodingError.dataCorruptedError(forKey: .supersedes, in: c, debugDescription: "'\(text)' is not a dot (<32 hex>:<seq>)")
            }
            supersedes.append(dot)
        }
        // A present `"value": null` is the null value; an absent key is no value.
        let value = c.contains(.value) ? try c.decode(FieldValue.self, forKey: .value) : nil
        self.init(
            dot: Dot(replica: origin, seq: seq),
            timestamp: Timestamp(wall: wall, counter: counter),
            collection: try c.decode(String.self, forKey: .collection),
            record: try c.decode(String.self, forKey: .record),
            field: try c.decodeIfPresent(String.self, forKey: .field) ?? "",
            op: op,
            value: value,
            supersedes: supersedes,
            author: try c.decodeIfPresent(String.self, forKey: .author))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(dot.replica.hex, forKey: .origin)
        try c.encode(dot.seq, forKey: .seq)
        try c.encode(timestamp.wall, forKey: .wall)
        try c.encode(timestamp.counter, forKey: .counter)
        try c.encode(collection, forKey: .collection)
        try c.encode(record, forKey: .record)
        if !field.isEmpty { try c.encode(field, forKey: .field) }
        try c.encode(op.rawValue, forKey: .op)
        if let value { try c.encode(value, forKey: .value) }
        if !supersedes.isEmpty { try c.encode(supersedes.map(\.description), forKey: .supersedes) }
        try c.encodeIfPresent(author, forKey: .author)
    }
}
