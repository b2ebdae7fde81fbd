import JSON
import Replication

/// The one encoding of a change, in the two renderings `Sync/PROTOCOL.md` fixes byte for byte:
///
/// - its **JSON** (1.6): members in sorted order, no white space, strings escaped as `JSONWriter`
///   escapes them. The sync messages, change batches and bundles carry changes in it, and a value's
///   JSON is what a record's revision hashes;
/// - its **form** (2.7): netstrings, which need no escaping, for what is hashed and signed
///   (``BatchSignature``).
///
///     {"author":"张三","collection":"submissions","counter":0,"field":"项目名称","op":"set",
///      "origin":"<32 hex>","record":"<uuid>","seq":7,"supersedes":["<32 hex>:6"],"value":{"text":"…"},"wall":1763841019123}
///
/// Every reader and writer of a change goes through here; nothing else spells one out.
public enum ChangeEncoding {
    public typealias DecodeError = SyncCodec.DecodeError

    // MARK: JSON

    /// One change's JSON.
    public static func json(_ change: Change) -> [UInt8] {
        var w = JSONWriter(capacity: 256 + SyncCodec.estimatedBytes(change))
        write(change, after: nil, into: &w)
        return w.bytes
    }

    /// A value's JSON: `null`, or an object with exactly one key naming its type —
    /// `{"text":"…"}`, `{"int":5}`, `{"real":1.5}`, `{"bool":true}`, `{"bytes":"<base64>"}`. The
    /// explicit tag keeps `1` and `1.0`, or `true` and `1`, apart in every language.
    public static func json(_ value: FieldValue) -> [UInt8] {
        var w = JSONWriter(capacity: 64)
        write(value, into: &w)
        return w.bytes
    }

    /// Writes one change; with `previous` (protocol 2), the members it shares with that change
    /// are left out: `origin`, `collection`, `record` and `author`.
    static func write(_ c: Change, after previous: Change?, into w: inout JSONWriter) {
        var first = true
        func key(_ name: StaticString, _ w: inout JSONWriter) {
            w.raw(first ? "{" : ",")
            first = false
            w.raw(name)
        }
        if let previous, c.author == previous.author {
            // Inherited.
        } else if let author = c.author {
            key("\"author\":", &w); w.string(author)
        } else if previous != nil {
            key("\"author\":null", &w)
        }
        if previous?.collection != c.collection { key("\"collection\":", &w); w.string(c.collection) }
        key("\"counter\":", &w); w.number(UInt64(c.timestamp.counter))
        if !c.field.isEmpty { key("\"field\":", &w); w.string(c.field) }
        key("\"op\":", &w); w.string(c.op.rawValue)
        if previous?.dot.replica != c.dot.replica { key("\"origin\":", &w); w.hexString(c.dot.replica.high, c.dot.replica.low) }
        if previous?.record != c.record { key("\"record\":", &w); w.string(c.record) }
        key("\"seq\":", &w); w.number(c.dot.seq)
        if !c.supersedes.isEmpty {
            key("\"supersedes\":[", &w)
            for (i, d) in c.supersedes.enumerated() { if i > 0 { w.raw(",") }; w.string(d.description) }
            w.raw("]")
        }
        if let value = c.value { key("\"value\":", &w); write(value, into: &w) }
        key("\"wall\":", &w); w.number(c.timestamp.wall)
        w.raw("}")
    }

    static func write(_ v: FieldValue, into w: inout JSONWriter) {
        switch v {
        case .null: w.raw("null")
        case .text(let s): w.raw("{\"text\":"); w.string(s); w.raw("}")
        case .int(let i): w.raw("{\"int\":"); w.number(i); w.raw("}")
        case .real(let d): w.raw("{\"real\":"); w.rawText(String(d)); w.raw("}")
        case .bool(let b): w.raw(b ? "{\"bool\":true}" : "{\"bool\":false}")
        case .bytes(let b): w.raw("{\"bytes\":"); w.string(Base64.encode(b)); w.raw("}")
        }
    }

    /// One change from its JSON; the members it leaves out come from `previous` when given
    /// (protocol 2). Member order does not matter; a repeated member: the last one counts.
    public static func change(_ tree: JSONTree, _ path: String = "", previous: Change? = nil) throws(DecodeError) -> Change {
        let c = try SyncCodec.members(tree, path)
        let origin: ReplicaID
        if let previous, c["origin"] == nil {
            origin = previous.dot.replica
        } else {
            guard let parsed = ReplicaID(hex: try SyncCodec.string(c, "origin", path)) else {
                throw DecodeError(path: SyncCodec.join(path, "origin"), reason: "origin must be 32 lowercase hex digits")
            }
            origin = parsed
        }
        let opText = try SyncCodec.string(c, "op", path)
        guard let op = Operation(rawValue: opText) else {
            throw DecodeError(path: SyncCodec.join(path, "op"), reason: "op '\(opText)' is not one of set, add, remove, delete, restore")
        }
        var supersedes: [Dot] = []
        if let list = c["supersedes"], list != .null {
            guard case .array(let items) = list else { throw DecodeError(path: SyncCodec.join(path, "supersedes"), reason: "expected an array") }
            for item in items {
                guard case .string(let text) = item, let dot = Dot(text) else {
                    throw DecodeError(path: SyncCodec.join(path, "supersedes"), reason: "'\(item)' is not a dot (<32 hex>:<seq>)")
                }
                supersedes.append(dot)
            }
        }
        let inherit = { (key: String) in previous != nil && c[key] == nil }
        let collection = inherit("collection") ? previous!.collection : try SyncCodec.string(c, "collection", path)
        let record = inherit("record") ? previous!.record : try SyncCodec.string(c, "record", path)
        let author = inherit("author") ? previous!.author : try SyncCodec.optionalString(c, "author", path)
        let counter: Int64 = c["counter"] == nil ? 0 : try SyncCodec.int64(c, "counter", path)
        guard (0...Int64(UInt16.max)).contains(counter) else { throw DecodeError(path: SyncCodec.join(path, "counter"), reason: "counter must be 0–65535") }
        // A present `"value": null` is the null value; an absent key is no value.
        return Change(dot: Dot(replica: origin, seq: try SyncCodec.uint64(c, "seq", path)),
                      timestamp: Timestamp(wall: try SyncCodec.int64(c, "wall", path), counter: UInt16(counter)),
                      collection: collection, record: record,
                      field: try SyncCodec.optionalString(c, "field", path) ?? "", op: op,
                      value: try c["value"].map { v throws(DecodeError) in try value(v, SyncCodec.join(path, "value")) },
                      supersedes: supersedes, author: author)
    }

    /// A value from its JSON.
    public static func value(_ tree: JSONTree, _ path: String) throws(DecodeError) -> FieldValue {
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

    // MARK: Form

    /// One change's form: the netstrings of `tianbao-change-1`, origin (32 hex), seq, wall, counter
    /// (decimal), collection, record, field (empty for delete/restore), op, value, supersedes (dots
    /// `<hex>:<seq>` joined by `,`, in canonical order), author (`-` when absent, else `=` and the
    /// author). A value is `-` (none: delete/restore), `n` (null), `b0`/`b1`, `i<decimal>`,
    /// `r<16 hex digits of the IEEE-754 bits>`, `t<UTF-8>`, or `x<the raw bytes>`.
    public static func form(_ change: Change) -> [UInt8] {
        var out: [UInt8] = []
        appendForm(change, to: &out)
        return out
    }

    static func appendForm(_ c: Change, to out: inout [UInt8]) {
        netstring("tianbao-change-1", &out)
        netstring(c.dot.replica.hex, &out)
        netstring(String(c.dot.seq), &out)
        netstring(String(c.timestamp.wall), &out)
        netstring(String(c.timestamp.counter), &out)
        netstring(c.collection, &out)
        netstring(c.record, &out)
        netstring(c.field, &out)
        netstring(c.op.rawValue, &out)
        switch c.value {
        case nil: netstring("-", &out)
        case .null?: netstring("n", &out)
        case .bool(let b)?: netstring(b ? "b1" : "b0", &out)
        case .int(let i)?: netstring("i\(i)", &out)
        case .real(let d)?:
            let bits = String(d.bitPattern, radix: 16)
            netstring("r" + String(repeating: "0", count: 16 - bits.count) + bits, &out)
        case .text(let t)?: netstring(Array("t".utf8) + Array(t.utf8), &out)
        case .bytes(let b)?: netstring([UInt8(ascii: "x")] + b, &out)
        }
        netstring(c.supersedes.map(\.description).joined(separator: ","), &out)
        if let author = c.author { netstring("=" + author, &out) } else { netstring("-", &out) }
    }

    static func netstring(_ text: String, _ out: inout [UInt8]) { netstring(Array(text.utf8), &out) }

    static func netstring(_ bytes: [UInt8], _ out: inout [UInt8]) {
        out.append(contentsOf: String(bytes.count).utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: ","))
    }
}
