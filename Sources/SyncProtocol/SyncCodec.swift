import Crypto
import JSON
import Replication

/// Every message of the sync protocol to and from its JSON bytes: requests, replies, error replies,
/// `whoami`, and lists of change results — the one way each is written and the one way it is read,
/// on the hub and on replicas alike. Changes inside them are ``ChangeEncoding``'s. Version 2 leaves
/// out members a change shares with the one before it. (The tests hold these documents to an
/// independent `Codable` rendering of PROTOCOL.md.)
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
        guard let replica = ReplicaID(hex: try string(object, "replica", "")) else {
            throw DecodeError(path: "replica", reason: "expected 32 lowercase hex digits")
        }
        request.replica = replica
        request.checkpoint = try int64(object, "checkpoint", "")
        request.changes = try changes(object["changes"], "changes", inheriting: request.protocol >= 2)
        if let withdrawn = object["withdrawn"], withdrawn != .null {
            guard case .array(let items) = withdrawn else { throw DecodeError(path: "withdrawn", reason: "expected an array") }
            request.withdrawn = try items.enumerated().map { i, item throws(DecodeError) in
                guard case .string(let s) = item, let dot = Dot(s) else { throw DecodeError(path: "withdrawn.\(i)", reason: "expected a dot (<32 hex>:<seq>)") }
                return dot
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
        if let head = object["head"], head != .null { request.head = try signedPosition(head, "head") }
        if let want = object["want"], want != .null {
            guard case .array(let items) = want, items.count <= SyncProtocol.wantLimit else {
                throw DecodeError(path: "want", reason: "expected an array of at most \(SyncProtocol.wantLimit) dots")
            }
            request.want = try items.enumerated().map { i, item throws(DecodeError) in
                guard case .string(let s) = item, let dot = Dot(s) else { throw DecodeError(path: "want.\(i)", reason: "expected a dot (<32 hex>:<seq>)") }
                return dot
            }
        }
        return request
    }

    /// `{"seq": N, "signature": "<base64>"}`.
    public static func signedPosition(_ tree: JSONTree, _ path: String) throws(DecodeError) -> SignedPosition {
        let o = try members(tree, path)
        return SignedPosition(seq: try uint64(o, "seq", path), signature: try base64(o, "signature", path, bytes: 64))
    }

    static func base64(_ o: Members, _ key: String, _ path: String, bytes: Int) throws(DecodeError) -> [UInt8] {
        guard case .string(let text)? = o[key], let value = Base64.decode(text), value.count == bytes else {
            throw DecodeError(path: join(path, key), reason: "expected \(bytes) bytes in standard base64")
        }
        return value
    }

    static func digest(_ tree: JSONTree?, _ path: String) throws(DecodeError) -> [UInt8] {
        guard case .string(let text)? = tree, text.utf8.count == 64, let value = Hex.decode(text) else {
            throw DecodeError(path: path, reason: "expected a SHA-256 digest: 64 lowercase hex digits")
        }
        return value
    }

    static func proof(_ tree: JSONTree, _ path: String) throws(DecodeError) -> ChainProof {
        let o = try members(tree, path)
        guard let origin = ReplicaID(hex: try string(o, "origin", path)), let signer = ReplicaID(hex: try string(o, "signer", path)) else {
            throw DecodeError(path: path, reason: "expected replica ids (32 hex digits) in 'origin' and 'signer'")
        }
        guard case .array(let items)? = o["leaves"] else { throw DecodeError(path: join(path, "leaves"), reason: "expected an array") }
        var leaves: [[UInt8]?] = []
        leaves.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            leaves.append(item == .null ? nil : try digest(item, join(path, "leaves.\(i)")))
        }
        let first = try uint64(o, "first", path), seq = try uint64(o, "seq", path)
        guard first >= 1, first <= seq, seq <= Dot.maxSeq, seq - first < ChangeChain.longestInterval, UInt64(leaves.count) <= seq - first + 1 else {
            throw DecodeError(path: path, reason: "expected 1 ≤ first ≤ seq ≤ \(Dot.maxSeq), at most \(ChangeChain.longestInterval) positions, and at most one leaf per position")
        }
        return ChainProof(origin: origin, first: first, seq: seq, base: try digest(o["base"], join(path, "base")), leaves: leaves,
                          signer: signer, signature: try base64(o, "signature", path, bytes: 64))
    }

    public static func response(_ tree: JSONTree) throws(DecodeError) -> SyncResponse {
        let object = try members(tree, "")
        guard case .array(let resultItems)? = object["results"] else { throw DecodeError(path: "results", reason: "expected an array") }
        let results = try resultItems.enumerated().map { i, item throws(DecodeError) in try result(item, "results.\(i)") }
        guard let hub = ReplicaID(hex: try string(object, "hub", "")) else { throw DecodeError(path: "hub", reason: "not a replica id") }
        guard case .bool(let more)? = object["more"] else { throw DecodeError(path: "more", reason: "expected true or false") }
        let version = try int(object, "protocol", "")
        var response = SyncResponse(hub: hub, results: results, received: try uint64(object, "received", ""),
                                    changes: try changes(object["changes"], "changes", inheriting: version >= 2),
                                    checkpoint: try int64(object, "checkpoint", ""), more: more)
        response.protocol = version
        if let list = object["proofs"], list != .null {
            guard case .array(let items) = list else { throw DecodeError(path: "proofs", reason: "expected an array") }
            response.proofs = try items.enumerated().map { i, item throws(DecodeError) in try proof(item, "proofs.\(i)") }
        }
        return response
    }

    static func result(_ tree: JSONTree, _ path: String) throws(DecodeError) -> ChangeResult {
        let r = try members(tree, path)
        guard let dot = Dot(try string(r, "dot", path)), let status = ChangeResult.Status(rawValue: try string(r, "status", path)) else {
            throw DecodeError(path: path, reason: "not a change result")
        }
        return ChangeResult(dot: dot, status: status, code: try optionalString(r, "code", path), reason: try optionalString(r, "reason", path))
    }

    /// A list of change results (a replica keeps the hub's refusals so).
    public static func results(_ tree: JSONTree) throws(DecodeError) -> [ChangeResult] {
        guard case .array(let items) = tree else { throw DecodeError(path: "", reason: "expected an array of change results") }
        return try items.enumerated().map { i, item throws(DecodeError) in try result(item, String(i)) }
    }

    /// An error reply (``ErrorReply``).
    public static func errorReply(_ tree: JSONTree) throws(DecodeError) -> ErrorReply {
        let object = try members(tree, "")
        guard let body = object["error"] else { throw DecodeError(path: "", reason: "missing 'error'") }
        let error = try members(body, "error")
        var reply = ErrorReply(code: try string(error, "code", "error"), message: try string(error, "message", "error"))
        if let list = object["results"], list != .null {
            guard case .array(let items) = list else { throw DecodeError(path: "results", reason: "expected an array") }
            reply.results = try items.enumerated().map { i, item throws(DecodeError) in try result(item, "results.\(i)") }
        }
        return reply
    }

    /// The reply to `GET /v1/whoami`.
    public static func whoAmI(_ tree: JSONTree) throws(DecodeError) -> WhoAmI {
        let object = try members(tree, "")
        guard let hub = ReplicaID(hex: try string(object, "hub", "")) else { throw DecodeError(path: "hub", reason: "not a replica id") }
        guard let replica = ReplicaID(hex: try string(object, "replica", "")) else { throw DecodeError(path: "replica", reason: "not a replica id") }
        var who = WhoAmI(hub: hub, replica: replica, org: try string(object, "org", ""), role: try string(object, "role", ""),
                         name: try optionalString(object, "name", ""))
        if object["hubKey"] != nil, object["hubKey"] != .null {
            guard let key = Hex.decode(try string(object, "hubKey", "")), key.count == 32 else {
                throw DecodeError(path: "hubKey", reason: "expected the hub's Ed25519 public key: 64 hex digits")
            }
            who.hubKey = key
        }
        return who
    }

    /// A `changes` array. `inheriting` (protocol 2): a change may leave out `origin`,
    /// `collection`, `record` and `author`, which then are the previous change's.
    static func changes(_ tree: JSONTree?, _ path: String, inheriting: Bool) throws(DecodeError) -> [Change] {
        guard case .array(let items)? = tree else { throw DecodeError(path: path, reason: "expected an array of changes") }
        var out: [Change] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try ChangeEncoding.change(item, in: path, at: i, previous: inheriting ? out.last : nil))
        }
        return out
    }

    static func members(_ tree: JSONTree, _ path: String) throws(DecodeError) -> Members {
        guard case .object(let o) = tree else { throw DecodeError(path: path, reason: "expected an object") }
        return Members(pairs: o)
    }

    /// An object's members, found by a linear scan (the last of a repeated key wins).
    struct Members {
        let pairs: [(String, JSONTree)]
        subscript(key: String) -> JSONTree? { pairs.last { $0.0 == key }?.1 }
    }

    static func string(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> String {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .string(let s) = v else { throw DecodeError(path: join(path, key), reason: "expected a string") }
        return s
    }

    static func optionalString(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> String? {
        guard let v = o[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw DecodeError(path: join(path, key), reason: "expected a string") }
        return s
    }

    static func int64(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> Int64 {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .number(let n) = v, let i = Int64(n) else { throw DecodeError(path: join(path, key), reason: "expected a whole number") }
        return i
    }

    static func uint64(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> UInt64 {
        guard let v = o[key] else { throw DecodeError(path: path, reason: "missing '\(key)'") }
        guard case .number(let n) = v, let i = UInt64(n) else { throw DecodeError(path: join(path, key), reason: "expected a whole number, not negative") }
        return i
    }

    static func int(_ o: Members, _ key: String, _ path: String) throws(DecodeError) -> Int {
        Int(try int64(o, key, path))
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

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
        if let head = request.head {
            w.raw(",\"head\":{\"seq\":"); w.number(head.seq); w.raw(",\"signature\":"); w.string(Base64.encode(head.signature)); w.raw("}")
        }
        if let instance = request.instance { w.raw(",\"instance\":"); w.string(instance) }
        if let key = request.key { w.raw(",\"key\":"); w.json.rawText(String(decoding: key.json, as: UTF8.self)) }
        if let max = request.maxBytes { w.raw(",\"maxBytes\":"); w.number(max) }
        w.raw(",\"protocol\":")
        w.number(request.protocol)
        if let recover = request.recover { w.raw(",\"recover\":"); w.number(recover) }
        w.raw(",\"replica\":")
        w.json.hexString(request.replica.high, request.replica.low)
        if let signature = request.signature { w.raw(",\"signature\":"); w.string(Base64.encode(signature)) }
        if let want = request.want {
            w.raw(",\"want\":[")
            for (i, d) in want.enumerated() { if i > 0 { w.raw(",") }; w.string(d.description) }
            w.raw("]")
        }
        if let withdrawn = request.withdrawn {
            w.raw(",\"withdrawn\":[")
            for (i, d) in withdrawn.enumerated() { if i > 0 { w.raw(",") }; w.string(d.description) }
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
        w.json.hexString(response.hub.high, response.hub.low)
        w.raw(response.more ? ",\"more\":true" : ",\"more\":false")
        if response.protocol >= 4 {
            w.raw(",\"proofs\":[")
            for (i, p) in response.proofs.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"base\":"); w.string(Hex.encode(p.base))
                w.raw(",\"first\":"); w.number(p.first)
                w.raw(",\"leaves\":[")
                for (j, leaf) in p.leaves.enumerated() {
                    if j > 0 { w.raw(",") }
                    if let leaf { w.string(Hex.encode(leaf)) } else { w.raw("null") }
                }
                w.raw("],\"origin\":"); w.json.hexString(p.origin.high, p.origin.low)
                w.raw(",\"seq\":"); w.number(p.seq)
                w.raw(",\"signature\":"); w.string(Base64.encode(p.signature))
                w.raw(",\"signer\":"); w.json.hexString(p.signer.high, p.signer.low)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw(",\"protocol\":")
        w.number(response.protocol)
        w.raw(",\"received\":")
        w.number(response.received)
        w.raw(",\"results\":")
        write(response.results, into: &w.json)
        w.raw("}")
        return w.bytes
    }

    public static func encode(_ reply: ErrorReply) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"error\":{\"code\":")
        w.string(reply.error.code)
        w.raw(",\"message\":")
        w.string(reply.error.message)
        w.raw("}")
        if let results = reply.results {
            w.raw(",\"results\":")
            write(results, into: &w)
        }
        w.raw("}")
        return w.bytes
    }

    public static func encode(_ who: WhoAmI) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"hub\":")
        w.hexString(who.hub.high, who.hub.low)
        if let key = who.hubKey { w.raw(",\"hubKey\":"); w.string(Hex.encode(key)) }
        if let name = who.name { w.raw(",\"name\":"); w.string(name) }
        w.raw(",\"org\":")
        w.string(who.org)
        w.raw(",\"replica\":")
        w.hexString(who.replica.high, who.replica.low)
        w.raw(",\"role\":")
        w.string(who.role)
        w.raw("}")
        return w.bytes
    }

    public static func encode(_ results: [ChangeResult]) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + results.count * 128)
        write(results, into: &w)
        return w.bytes
    }

    static func write(_ results: [ChangeResult], into w: inout JSONWriter) {
        w.raw("[")
        for (i, r) in results.enumerated() {
            if i > 0 { w.raw(",") }
            write(r, into: &w)
        }
        w.raw("]")
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
                ChangeEncoding.write(c, after: compact ? previous : nil, into: &json)
                previous = c
            }
            raw("]")
        }
    }
}
