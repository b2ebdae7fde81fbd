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
        try change(tree, in: path, at: nil, previous: previous)
    }

    /// The change at `index` of the array at `path` (the path of an error is spelt only then:
    /// a page decodes thousands of changes and refuses none).
    static func change(_ tree: JSONTree, in arrayPath: String, at index: Int?, previous: Change?) throws(DecodeError) -> Change {
        func path() -> String { index.map { "\(arrayPath).\($0)" } ?? arrayPath }
        func failure(_ key: String, _ reason: String) -> DecodeError { DecodeError(path: SyncCodec.join(path(), key), reason: reason) }
        func missing(_ key: String) -> DecodeError { DecodeError(path: path(), reason: "missing '\(key)'") }
        guard case .object(let members) = tree else { throw DecodeError(path: path(), reason: "expected an object") }
        // One pass over the members, each kept in its slot (a later one replaces an earlier).
        var origin, op, supersedes, collection, record, author, counter, field, seq, value, wall: JSONTree?
        for (key, member) in members {
            switch key {
            case "origin": origin = member
            case "op": op = member
            case "supersedes": supersedes = member
            case "collection": collection = member
            case "record": record = member
            case "author": author = member
            case "counter": counter = member
            case "field": field = member
            case "seq": seq = member
            case "value": value = member
            case "wall": wall = member
            default: break
            }
        }
        func string(_ v: JSONTree?, _ key: String) throws(DecodeError) -> String {
            guard let v else { throw missing(key) }
            guard case .string(let s) = v else { throw failure(key, "expected a string") }
            return s
        }
        func optionalString(_ v: JSONTree?, _ key: String) throws(DecodeError) -> String? {
            guard let v, v != .null else { return nil }
            guard case .string(let s) = v else { throw failure(key, "expected a string") }
            return s
        }
        func whole(_ v: JSONTree?, _ key: String) throws(DecodeError) -> Int64 {
            guard let v else { throw missing(key) }
            guard case .number(let n) = v, let i = Int64(n) else { throw failure(key, "expected a whole number") }
            return i
        }
        let replica: ReplicaID
        if let previous, origin == nil {
            replica = previous.dot.replica
        } else {
            guard let parsed = ReplicaID(hex: try string(origin, "origin")) else {
                throw failure("origin", "origin must be 32 lowercase hex digits")
            }
            replica = parsed
        }
        let opText = try string(op, "op")
        guard let operation = Operation(rawValue: opText) else {
            throw failure("op", "op '\(opText)' is not one of set, add, remove, delete, restore")
        }
        var dots: [Dot] = []
        if let list = supersedes, list != .null {
            guard case .array(let items) = list else { throw failure("supersedes", "expected an array") }
            for item in items {
                guard case .string(let text) = item, let dot = Dot(text) else {
                    throw failure("supersedes", "'\(item)' is not a dot (<32 hex>:<seq>)")
                }
                dots.append(dot)
            }
        }
        let collectionName = previous != nil && collection == nil ? previous!.collection : try string(collection, "collection")
        let recordID = previous != nil && record == nil ? previous!.record : try string(record, "record")
        let authorName = previous != nil && author == nil ? previous!.author : try optionalString(author, "author")
        let count: Int64 = counter == nil ? 0 : try whole(counter, "counter")
        guard (0...Int64(UInt16.max)).contains(count) else { throw failure("counter", "counter must be 0–65535") }
        guard let seq else { throw missing("seq") }
        guard case .number(let seqText) = seq, let sequence = UInt64(seqText) else { throw failure("seq", "expected a whole number, not negative") }
        // A present `"value": null` is the null value; an absent key is no value.
        return Change(dot: Dot(replica: replica, seq: sequence),
                      timestamp: Timestamp(wall: try whole(wall, "wall"), counter: UInt16(count)),
                      collection: collectionName, record: recordID,
                      field: try optionalString(field, "field") ?? "", op: operation,
                      value: try value.map { v throws(DecodeError) in try Self.value(v, SyncCodec.join(path(), "value")) },
                      supersedes: dots, author: authorName)
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
        // Written straight into `out`: a chain hashes every change's form, so no piece of it is
        // built as a String or an Array of its own on the way.
        out.reserveCapacity(out.count + 160 + c.record.utf8.count + c.field.utf8.count + (c.author?.utf8.count ?? 0))
        netstring("tianbao-change-1", &out)
        out.append(contentsOf: "32:".utf8)
        appendHex(c.dot.replica.high, &out)
        appendHex(c.dot.replica.low, &out)
        out.append(UInt8(ascii: ","))
        decimalNetstring(c.dot.seq, &out)
        decimalNetstring(c.timestamp.wall, &out)
        decimalNetstring(UInt64(c.timestamp.counter), &out)
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
        case .text(let t)?: netstring(prefix: UInt8(ascii: "t"), t.utf8, &out)
        case .bytes(let b)?: netstring(prefix: UInt8(ascii: "x"), b, &out)
        }
        if c.supersedes.isEmpty {
            out.append(contentsOf: "0:,".utf8)
        } else {
            netstring(c.supersedes.map(\.description).joined(separator: ","), &out)
        }
        if let author = c.author { netstring(prefix: UInt8(ascii: "="), author.utf8, &out) } else { netstring("-", &out) }
    }

    // Digits are written into a buffer on the stack and appended as one block: appended one by
    // one, each paid the array's uniqueness and capacity checks, and a chain hashing every
    // change spent a third of its time there.
    private static func appendHex(_ word: UInt64, _ out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            for i in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * i)) & 0xF
                digits[i] = nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
            }
            out.append(contentsOf: UnsafeBufferPointer(digits))
        }
    }

    private static func appendDecimal(_ value: UInt64, _ out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var at = 20, rest = value
            repeat {
                at -= 1
                digits[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[at...]))
        }
    }

    private static func decimalDigits(_ value: UInt64) -> Int {
        var n = 1, v = value
        while v >= 10 { v /= 10; n += 1 }
        return n
    }

    private static func decimalNetstring(_ value: UInt64, _ out: inout [UInt8]) {
        appendDecimal(UInt64(decimalDigits(value)), &out)
        out.append(UInt8(ascii: ":"))
        appendDecimal(value, &out)
        out.append(UInt8(ascii: ","))
    }

    private static func decimalNetstring(_ value: Int64, _ out: inout [UInt8]) {
        guard value >= 0 else { netstring(String(value), &out); return }
        decimalNetstring(UInt64(value), &out)
    }

    private static func netstring(prefix: UInt8, _ text: String.UTF8View, _ out: inout [UInt8]) {
        appendDecimal(UInt64(text.count + 1), &out)
        out.append(UInt8(ascii: ":"))
        out.append(prefix)
        appendUTF8(text, &out)
        out.append(UInt8(ascii: ","))
    }

    private static func netstring(prefix: UInt8, _ bytes: [UInt8], _ out: inout [UInt8]) {
        appendDecimal(UInt64(bytes.count + 1), &out)
        out.append(UInt8(ascii: ":"))
        out.append(prefix)
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: ","))
    }

    /// A string's bytes, copied as one block when it is stored contiguously (native strings are).
    private static func appendUTF8(_ text: String.UTF8View, _ out: inout [UInt8]) {
        let copied: Void? = text.withContiguousStorageIfAvailable { out.append(contentsOf: $0) }
        if copied == nil { out.append(contentsOf: text) }
    }

    static func netstring(_ text: String, _ out: inout [UInt8]) {
        appendDecimal(UInt64(text.utf8.count), &out)
        out.append(UInt8(ascii: ":"))
        appendUTF8(text.utf8, &out)
        out.append(UInt8(ascii: ","))
    }

    static func netstring(_ bytes: [UInt8], _ out: inout [UInt8]) {
        appendDecimal(UInt64(bytes.count), &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: ","))
    }
}
