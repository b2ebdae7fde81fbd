import JSON
import Replication

/// Sync messages to and from JSON bytes by hand, at a fraction of `Codable`'s cost. In protocol
/// version 1 they are the documents the `Codable` conformances read and write (the tests hold
/// both to it); version 2 leaves out members a change shares with the one before it, which only
/// this codec reads.
public enum SyncCodec {
    /// Why a document is not the message expected: the path to the fault and what is wrong.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { path.isEmpty ? reason : "\(reason) at '\(path)'" }
    }

    // MARK: Reading

    /// The `protocol` a request or reply says it speaks, if any.
    public static func protocolVersion(_ tree: JSONTree) -> Int? {
        if case .number(let text)? = tree["protocol"] { return Int(text) }
        return nil
    }

    public static func request(_ tree: JSONTree) throws(DecodeError) -> SyncRequest {
        let object = try members(tree, "")
        var request = SyncRequest(replica: ReplicaID(high: 0, low: 0), checkpoint: 0, changes: [])
        request.protocol = try int(object, "protocol", "")
        request.replica = try string(object, "replica", "")
        request.checkpoint = try int64(object, "checkpoint", "")
        request.changes = try changes(object["changes"], "changes", inheriting: request.protocol >= 2)
        if let withdrawn = object["withdrawn"], withdrawn != .null {
            guard case .array(let items) = withdrawn else { throw DecodeError(path: "withdrawn", reason: "expected an array") }
            request.withdrawn = try items.enumerated().map { i, item throws(DecodeError) in
                guard case .string(let s) = item else { throw DecodeError(path: "withdrawn.\(i)", reason: "expected a string") }
                return s
            }
        }
        if let max = object["maxBytes"], max != .null { request.maxBytes = try int(object, "maxBytes", "") }
        if let signature = object["signature"], signature != .null {
            guard case .string(let s) = signature, let bytes = Base64.decode(s) else {
                throw DecodeError(path: "signature", reason: "expected the batch's Ed25519 signature in standard base64")
            }
            request.signature = bytes
        }
        if let instance = object["instance"], instance != .null {
            guard case .string(let text) = instance, text.utf8.count == 32, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw DecodeError(path: "instance", reason: "expected 32 lowercase hex digits")
            }
            request.instance = text
        }
        if let recover = object["recover"], recover != .null {
            let after = try int64(object, "recover", "")
            guard after >= 0 else { throw DecodeError(path: "recover", reason: "expected a sequence number, 0 or more") }
            request.recover = UInt64(after)
        }
        if let key = object["key"], key != .null {
            do { request.key = try KeyRegistration(json: key) } catch { throw DecodeError(path: "key.\(error.path)", reason: error.reason) }
        }
        return request
    }

    public static func response(_ tree: JSONTree) throws(DecodeError) -> SyncResponse {
        let object = try members(tree, "")
        guard case .array(let resultItems)? = object["results"] else { throw DecodeError(path: "results", reason: "expected an array") }
        let results = try resultItems.enumerated().map { i, item throws(DecodeError) -> ChangeResult in
            let r = try members(item, "results.\(i)")
            guard let dot = Dot(try string(r, "dot", "results.\(i)")),
                  let status = ChangeResult.Status(rawValue: try string(r, "status", "results.\(i)")) else {
                throw DecodeError(path: "results.\(i)", reason: "not a change result")
            }
            return ChangeResult(dot: dot, status: status, code: try optionalString(r, "code", "results.\(i)"),
                                reason: try optionalString(r, "reason", "results.\(i)"))
        }
        guard let hub = ReplicaID(hex: try string(object, "hub", "")) else { throw DecodeError(path: "hub", reason: "not a replica id") }
        guard case .bool(let more)? = object["more"] else { throw DecodeError(path: "more", reason: "expected true or false") }
        let version = try int(object, "protocol", "")
        var response = SyncResponse(hub: hub, results: results, received: try uint64(object, "received", ""),
                                    changes: try changes(object["changes"], "changes", inheriting: version >= 2),
                                    checkpoint: try int64(object, "checkpoint", ""), more: more)
        response.protocol = version
        return response
    }

    /// A `changes` array. `inheriting` (protocol 2): a change may leave out `origin`,
    /// `collection`, `record` and `author`, which then are the previous change's.
    static func changes(_ tree: JSONTree?, _ path: String, inheriting: Bool) throws(DecodeError) -> [Change] {
        guard case .array(let items)? = tree else { throw DecodeError(path: path, reason: "expected an array of changes") }
        var out: [Change] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try change(item, "\(path).\(i)", previous: inheriting ? out.last : nil))
        }
        return out
    }

    /// One change; the members it leaves out come from `previous` when given (protocol 2).
    public static func change(_ tree: JSONTree, _ path: String, previous: Change? = nil) throws(DecodeError) -> Change {
        let c = try members(tree, path)
        let origin: ReplicaID
        if let previous, c["origin"] == nil {
            origin = previous.dot.replica
        } else {
            guard let parsed = ReplicaID(hex: try string(c, "origin", path)) else {
                throw DecodeError(path: "\(path).origin", reason: "origin must be 32 lowercase hex digits")
            }
            origin = parsed
        }
        let opText = try string(c, "op", path)
        guard let op = Operation(rawValue: opText) else {
            throw DecodeError(path: "\(path).op", reason: "op '\(opText)' is not one of set, add, remove, delete, restore")
        }
        var supersedes: [Dot] = []
        if let list = c["supersedes"], list != .null {
            guard case .array(let items) = list else { throw DecodeError(path: "\(path).supersedes", reason: "expected an array") }
            for item in items {
                guard case .string(let text) = item, let dot = Dot(text) else {
                    throw DecodeError(path: "\(path).supersedes", reason: "'\(item)' is not a dot (<32 hex>:<seq>)")
                }
                supersedes.append(dot)
            }
        }
        let inherit = { (key: String) in previous != nil && c[key] == nil }
        let collection = inherit("collection") ? previous!.collection : try string(c, "collection", path)
        let record = inherit("record") ? previous!.record : try string(c, "record", path)
        let author = inherit("author") ? previous!.author : try optionalString(c, "author", path)
        let counter: Int64 = c["counter"] == nil ? 0 : try int64(c, "counter", path)
        guard (0...Int64(UInt16.max)).contains(counter) else { throw DecodeError(path: "\(path).counter", reason: "counter must be 0–65535") }
        return Change(dot: Dot(replica: origin, seq: try uint64(c, "seq", path)),
                      timestamp: Timestamp(wall: try int64(c, "wall", path), counter: UInt16(counter)),
                      collection: collection, record: record,
                      field: try optionalString(c, "field", path) ?? "", op: op,
                      value: try c["value"].map { v throws(DecodeError) in try value(v, "\(path).value") },
                      supersedes: supersedes, author: author)
    }

    static func value(_ tree: JSONTree, _ path: String) throws(DecodeError) -> FieldValue {
        if tree == .null { return .null }
        guard case .object(let o) = tree, o.count == 1, let (key, inner) = o.first else {
            throw DecodeError(path: path, reason: "a value is null or an object with exactly one of text, int, real, bool, bytes")
        }
        switch (key, inner) {
        case ("text", .string(let s)): return .text(s)
        case ("int", .number(let n)):
            guard let i = Int64(n) else { throw DecodeError(path: path, reason: "int must be a whole number in 64 bits") }
            return .int(i)
        case ("real", .number(let n)):
            guard let d = Double(n), d.isFinite else { throw DecodeError(path: path, reason: "real must be a finite number") }
            return .real(d)
        case ("bool", .bool(let b)): return .bool(b)
        case ("bytes", .string(let s)):
            guard let bytes = Base64.decode(s) else { throw DecodeError(path: path, reason: "bytes must be standard base64") }
            return .bytes(bytes)
        default:
            throw DecodeError(path: path, reason: "'\(key)' does not hold a value of its type")
        }
    }

    private static func members(_ tree: JSONTree, _ path: String) throws(DecodeError) -> Members {
        guard case .object(let o) = tree else { throw DecodeError(path: path, reason: "expected an object") }
        return Members(pairs: o)
    }

    /// An object's members, found by a linear scan (the last of a repeated key wins).
    struct Members {
        let pairs: [(String, JSONTree)]
        subscript(key: String) -> JSONTree? { pairs.last { $0.0 == key }?.1 }
    }

    private static func string(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> String {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .string(let s) = v else { throw DecodeError(path: join(path, key), reason: "expected a string") }
        return s
    }

    private static func optionalString(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> String? {
        guard let v = o[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw DecodeError(path: join(path, key), reason: "expected a string") }
        return s
    }

    private static func int64(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> Int64 {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .number(let n) = v, let i = Int64(n) else { throw DecodeError(path: join(path, key), reason: "expected a whole number") }
        return i
    }

    private static func uint64(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> UInt64 {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .number(let n) = v, let i = UInt64(n) else { throw DecodeError(path: join(path, key), reason: "expected a whole number, not negative") }
        return i
    }

    private static func int(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> Int {
        Int(try int64(o, key, path))
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Writing

    /// About the bytes a change takes in a page: what a hub counts against a page's size, and
    /// what a page's buffer is sized by.
    public static func estimatedBytes(_ change: Change) -> Int {
        let value: Int
        switch change.value {
        case .text(let t)?: value = t.utf8.count
        case .bytes(let b)?: value = b.count * 4 / 3
        default: value = 8
        }
        return 200 + change.field.utf8.count + value + change.supersedes.count * 48
    }

    public static func encode(_ request: SyncRequest) -> [UInt8] {
        var w = Writer()
        w.raw("{\"changes\":")
        w.changes(request.changes, compact: request.protocol >= 2)
        w.raw(",\"checkpoint\":")
        w.number(request.checkpoint)
        if let instance = request.instance { w.raw(",\"instance\":"); w.string(instance) }
        if let key = request.key { w.raw(",\"key\":"); w.json.rawText(String(decoding: key.json, as: UTF8.self)) }
        if let max = request.maxBytes { w.raw(",\"maxBytes\":"); w.number(max) }
        w.raw(",\"protocol\":")
        w.number(request.protocol)
        if let recover = request.recover { w.raw(",\"recover\":"); w.number(recover) }
        w.raw(",\"replica\":")
        w.string(request.replica)
        if let signature = request.signature { w.raw(",\"signature\":"); w.string(Base64.encode(signature)) }
        if let withdrawn = request.withdrawn {
            w.raw(",\"withdrawn\":[")
            for (i, d) in withdrawn.enumerated() { if i > 0 { w.raw(",") }; w.string(d) }
            w.raw("]")
        }
        w.raw("}")
        return w.bytes
    }

    public static func encode(_ response: SyncResponse) -> [UInt8] {
        // A page is written into one buffer, not grown (and copied) a dozen times on the way.
        var w = Writer(capacity: 4_096 + response.changes.reduce(0) { $0 + estimatedBytes($1) })
        w.raw("{\"changes\":")
        w.changes(response.changes, compact: response.protocol >= 2)
        w.raw(",\"checkpoint\":")
        w.number(response.checkpoint)
        w.raw(",\"hub\":")
        w.string(response.hub)
        w.raw(response.more ? ",\"more\":true" : ",\"more\":false")
        w.raw(",\"protocol\":")
        w.number(response.protocol)
        w.raw(",\"received\":")
        w.number(response.received)
        w.raw(",\"results\":[")
        for (i, r) in response.results.enumerated() {
            if i > 0 { w.raw(",") }
            write(r, into: &w.json)
        }
        w.raw("]}")
        return w.bytes
    }

    /// One change result, keys sorted: in a reply and in a refused batch's error alike.
    static func write(_ r: ChangeResult, into w: inout JSONWriter) {
        if let code = r.code { w.raw("{\"code\":"); w.string(code); w.raw(",\"dot\":") } else { w.raw("{\"dot\":") }
        w.string(r.dot.description)
        if let reason = r.reason { w.raw(",\"reason\":"); w.string(reason) }
        w.raw(",\"status\":")
        w.string(r.status.rawValue)
        w.raw("}")
    }

    /// The sync messages' writer: the shared JSON writer plus changes and values.
    struct Writer {
        var json: JSONWriter
        var bytes: [UInt8] { json.bytes }

        init(capacity: Int = 64 * 1024) { json = JSONWriter(capacity: capacity) }

        mutating func raw(_ text: StaticString) { json.raw(text) }
        mutating func string(_ text: String) { json.string(text) }
        mutating func number(_ value: Int64) { json.number(value) }
        mutating func number(_ value: UInt64) { json.number(value) }
        mutating func number(_ value: Int) { json.number(Int64(value)) }

        /// `compact` (protocol 2): members equal to the previous change's are left out.
        mutating func changes(_ changes: [Change], compact: Bool) {
            raw("[")
            var previous: Change?
            for (i, c) in changes.enumerated() {
                if i > 0 { raw(",") }
                change(c, after: compact ? previous : nil)
                previous = c
            }
            raw("]")
        }

        /// One change, members in sorted order; those `previous` already says are left out.
        mutating func change(_ c: Change, after previous: Change?) {
            var first = true
            func key(_ name: StaticString) {
                raw(first ? "{" : ",")
                first = false
                raw(name)
            }
            if let previous, c.author == previous.author {
                // Inherited.
            } else if let author = c.author {
                key("\"author\":"); string(author)
            } else if previous != nil {
                key("\"author\":null")
            }
            if previous?.collection != c.collection { key("\"collection\":"); string(c.collection) }
            key("\"counter\":"); number(UInt64(c.timestamp.counter))
            if !c.field.isEmpty { key("\"field\":"); string(c.field) }
            key("\"op\":"); string(c.op.rawValue)
            if previous?.dot.replica != c.dot.replica { key("\"origin\":"); json.hexString(c.dot.replica.high, c.dot.replica.low) }
            if previous?.record != c.record { key("\"record\":"); string(c.record) }
            key("\"seq\":"); number(c.dot.seq)
            if !c.supersedes.isEmpty {
                key("\"supersedes\":[")
                for (i, d) in c.supersedes.enumerated() { if i > 0 { raw(",") }; string(d.description) }
                raw("]")
            }
            if let value = c.value { key("\"value\":"); self.value(value) }
            key("\"wall\":"); number(c.timestamp.wall)
            raw("}")
        }

        mutating func value(_ v: FieldValue) {
            switch v {
            case .null: raw("null")
            case .text(let s): raw("{\"text\":"); string(s); raw("}")
            case .int(let i): raw("{\"int\":"); number(i); raw("}")
            case .real(let d): raw("{\"real\":"); json.rawText(String(d)); raw("}")
            case .bool(let b): raw(b ? "{\"bool\":true}" : "{\"bool\":false}")
            case .bytes(let b): raw("{\"bytes\":"); string(Base64.encode(b)); raw("}")
            }
        }
    }
}
