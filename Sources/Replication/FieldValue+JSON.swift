/// JSON form of a value: `null`, or an object with exactly one key naming its type —
/// `{"text": "…"}`, `{"int": 5}`, `{"real": 1.5}`, `{"bool": true}`, `{"bytes": "<base64>"}`.
/// The explicit tag keeps `1` and `1.0`, or `true` and `1`, apart in every language.
extension FieldValue: Codable {
    private enum Key: String, CodingKey { case text, int, real, bool, bytes }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), single.decodeNil() {
            self = .null
            return
        }
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a value is null or an object with exactly one of text, int, real, bool, bytes"))
        }
        switch key {
        case .text: self = .text(try container.decode(String.self, forKey: key))
        case .int: self = .int(try container.decode(Int64.self, forKey: key))
        case .real: self = .real(try container.decode(Double.self, forKey: key))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: key))
        case .bytes:
            let encoded = try container.decode(String.self, forKey: key)
            guard let bytes = Base64.decode(encoded) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "bytes must be standard base64")
            }
            self = .bytes(bytes)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .null = self {
            var single = encoder.singleValueContainer()
            try single.encodeNil()
            return
        }
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .null: break
        case .text(let s): try container.encode(s, forKey: .text)
        case .int(let i): try container.encode(i, forKey: .int)
        case .real(let d): try container.encode(d, forKey: .real)
        case .bool(let b): try container.encode(b, forKey: .bool)
        case .bytes(let b): try container.encode(Base64.encode(b), forKey: .bytes)
        }
    }
}
