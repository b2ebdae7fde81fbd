import Crypto
import Foundation
import JSON
import Replication
import SyncProtocol

// An independent reading of Sync/PROTOCOL.md through Foundation's `Codable`: the product writes and
// reads every change and message with `ChangeEncoding` and `SyncCodec` alone; the tests hold those
// to this second rendering, and read the language-neutral vectors with it.

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
        let opText = try c.decode(String.self, forKey: .op)
        guard let op = Operation(rawValue: opText) else {
            throw DecodingError.dataCorruptedError(forKey: .op, in: c, debugDescription: "op '\(opText)' is not one of set, add, remove, delete, restore")
        }
        let supersedes = try (c.decodeIfPresent([String].self, forKey: .supersedes) ?? []).map { text in
            guard let dot = Dot(text) else {
                throw DecodingError.dataCorruptedError(forKey: .supersedes, in: c, debugDescription: "'\(text)' is not a dot")
            }
            return dot
        }
        // A present `"value": null` is the null value; an absent key is no value.
        let value = c.contains(.value) ? try c.decode(FieldValue.self, forKey: .value) : nil
        self.init(dot: Dot(replica: origin, seq: try c.decode(UInt64.self, forKey: .seq)),
                  timestamp: Timestamp(wall: try c.decode(Int64.self, forKey: .wall), counter: try c.decodeIfPresent(UInt16.self, forKey: .counter) ?? 0),
                  collection: try c.decode(String.self, forKey: .collection), record: try c.decode(String.self, forKey: .record),
                  field: try c.decodeIfPresent(String.self, forKey: .field) ?? "", op: op, value: value,
                  supersedes: supersedes, author: try c.decodeIfPresent(String.self, forKey: .author))
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

extension FieldValue: Codable {
    private enum Key: String, CodingKey { case text, int, real, bool, bytes }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), single.decodeNil() {
            self = .null
            return
        }
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a value has exactly one key"))
        }
        switch key {
        case .text: self = .text(try c.decode(String.self, forKey: key))
        case .int: self = .int(try c.decode(Int64.self, forKey: key))
        case .real: self = .real(try c.decode(Double.self, forKey: key))
        case .bool: self = .bool(try c.decode(Bool.self, forKey: key))
        case .bytes:
            guard let bytes = Base64.decode(try c.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "bytes must be standard base64")
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
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .null: break
        case .text(let s): try c.encode(s, forKey: .text)
        case .int(let i): try c.encode(i, forKey: .int)
        case .real(let d): try c.encode(d, forKey: .real)
        case .bool(let b): try c.encode(b, forKey: .bool)
        case .bytes(let b): try c.encode(Base64.encode(b), forKey: .bytes)
        }
    }
}

extension ChangeResult: Codable {
    private enum Key: String, CodingKey { case dot, status, code, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let text = try c.decode(String.self, forKey: .dot)
        guard let dot = Dot(text), let status = Status(rawValue: try c.decode(String.self, forKey: .status)) else {
            throw DecodingError.dataCorruptedError(forKey: .dot, in: c, debugDescription: "not a change result")
        }
        self.init(dot: dot, status: status, code: try c.decodeIfPresent(String.self, forKey: .code), reason: try c.decodeIfPresent(String.self, forKey: .reason))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(dot.description, forKey: .dot)
        try c.encode(status.rawValue, forKey: .status)
        try c.encodeIfPresent(code, forKey: .code)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

extension KeyRegistration: Codable {
    private enum Key: String, CodingKey { case proof, publicKey, replica }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let replica = ReplicaID(hex: try c.decode(String.self, forKey: .replica)),
              let publicKey = Hex.decode(try c.decode(String.self, forKey: .publicKey)),
              let proof = Hex.decode(try c.decode(String.self, forKey: .proof)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "expected hex ids and keys"))
        }
        self.init(replica: replica, publicKey: publicKey, proof: proof)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Hex.encode(proof), forKey: .proof)
        try c.encode(Hex.encode(publicKey), forKey: .publicKey)
        try c.encode(replica.hex, forKey: .replica)
    }
}

extension SyncRequest: Codable {
    private enum Key: String, CodingKey { case `protocol`, replica, checkpoint, changes, withdrawn, maxBytes, signature, key, instance, recover, head, want }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let replica = ReplicaID(hex: try c.decode(String.self, forKey: .replica)) else {
            throw DecodingError.dataCorruptedError(forKey: .replica, in: c, debugDescription: "not a replica id")
        }
        let withdrawn = try c.decodeIfPresent([String].self, forKey: .withdrawn)?.map { text in
            guard let dot = Dot(text) else { throw DecodingError.dataCorruptedError(forKey: .withdrawn, in: c, debugDescription: "not a dot") }
            return dot
        }
        self.init(replica: replica, checkpoint: try c.decode(Int64.self, forKey: .checkpoint), changes: try c.decode([Change].self, forKey: .changes),
                  withdrawn: withdrawn ?? [], maxBytes: try c.decodeIfPresent(Int.self, forKey: .maxBytes))
        self.protocol = try c.decode(Int.self, forKey: .protocol)
        self.signature = try c.decodeIfPresent(String.self, forKey: .signature).map { text in
            guard let bytes = Base64.decode(text) else { throw DecodingError.dataCorruptedError(forKey: .signature, in: c, debugDescription: "not base64") }
            return bytes
        }
        self.key = try c.decodeIfPresent(KeyRegistration.self, forKey: .key)
        self.instance = try c.decodeIfPresent(String.self, forKey: .instance)
        self.recover = try c.decodeIfPresent(UInt64.self, forKey: .recover)
        self.head = try c.decodeIfPresent(SignedPosition.self, forKey: .head)
        self.want = try c.decodeIfPresent([String].self, forKey: .want)?.map { text in
            guard let dot = Dot(text) else { throw DecodingError.dataCorruptedError(forKey: .want, in: c, debugDescription: "not a dot") }
            return dot
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(self.protocol, forKey: .protocol)
        try c.encode(replica.hex, forKey: .replica)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(changes, forKey: .changes)
        try c.encodeIfPresent(withdrawn?.map(\.description), forKey: .withdrawn)
        try c.encodeIfPresent(maxBytes, forKey: .maxBytes)
        try c.encodeIfPresent(signature.map(Base64.encode), forKey: .signature)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encodeIfPresent(instance, forKey: .instance)
        try c.encodeIfPresent(recover, forKey: .recover)
        try c.encodeIfPresent(head, forKey: .head)
        try c.encodeIfPresent(want?.map(\.description), forKey: .want)
    }
}

extension SyncResponse: Codable {
    private enum Key: String, CodingKey { case `protocol`, hub, results, received, changes, checkpoint, more, proofs }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let hub = ReplicaID(hex: try c.decode(String.self, forKey: .hub)) else {
            throw DecodingError.dataCorruptedError(forKey: .hub, in: c, debugDescription: "not a replica id")
        }
        self.init(hub: hub, results: try c.decode([ChangeResult].self, forKey: .results), received: try c.decode(UInt64.self, forKey: .received),
                  changes: try c.decode([Change].self, forKey: .changes), checkpoint: try c.decode(Int64.self, forKey: .checkpoint),
                  more: try c.decode(Bool.self, forKey: .more))
        self.protocol = try c.decode(Int.self, forKey: .protocol)
        self.proofs = try c.decodeIfPresent([ChainProof].self, forKey: .proofs) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(self.protocol, forKey: .protocol)
        if self.protocol >= 4 { try c.encode(proofs, forKey: .proofs) }
        try c.encode(hub.hex, forKey: .hub)
        try c.encode(results, forKey: .results)
        try c.encode(received, forKey: .received)
        try c.encode(changes, forKey: .changes)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(more, forKey: .more)
    }
}

extension SignedPosition: Codable {
    private enum Key: String, CodingKey { case seq, signature }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let signature = Base64.decode(try c.decode(String.self, forKey: .signature)) else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: c, debugDescription: "not base64")
        }
        self.init(seq: try c.decode(UInt64.self, forKey: .seq), signature: signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(Base64.encode(signature), forKey: .signature)
    }
}

extension ChainProof: Codable {
    private enum Key: String, CodingKey { case base, first, leaves, origin, seq, signature, signer }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func hex(_ text: String?, _ key: Key) throws -> [UInt8]? {
            guard let text else { return nil }
            guard let bytes = Hex.decode(text), bytes.count == 32 else { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not 64 hex") }
            return bytes
        }
        guard let origin = ReplicaID(hex: try c.decode(String.self, forKey: .origin)), let signer = ReplicaID(hex: try c.decode(String.self, forKey: .signer)),
              let signature = Base64.decode(try c.decode(String.self, forKey: .signature)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "expected hex ids and a base64 signature"))
        }
        self.init(origin: origin, first: try c.decode(UInt64.self, forKey: .first), seq: try c.decode(UInt64.self, forKey: .seq),
                  base: try hex(try c.decode(String.self, forKey: .base), .base)!,
                  leaves: try c.decode([String?].self, forKey: .leaves).map { try hex($0, .leaves) },
                  signer: signer, signature: signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Hex.encode(base), forKey: .base)
        try c.encode(first, forKey: .first)
        try c.encode(leaves.map { $0.map(Hex.encode) }, forKey: .leaves)
        try c.encode(origin.hex, forKey: .origin)
        try c.encode(seq, forKey: .seq)
        try c.encode(Base64.encode(signature), forKey: .signature)
        try c.encode(signer.hex, forKey: .signer)
    }
}

extension ErrorReply: Decodable {
    private enum Key: String, CodingKey { case error, results }
    private enum BodyKey: String, CodingKey { case code, message }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let body = try c.nestedContainer(keyedBy: BodyKey.self, forKey: .error)
        self.init(code: try body.decode(String.self, forKey: .code), message: try body.decode(String.self, forKey: .message),
                  results: try c.decodeIfPresent([ChangeResult].self, forKey: .results))
    }
}
