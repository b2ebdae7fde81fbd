import JSON
import Replication

extension ErrorReply {
    /// The reply's bytes, the one way the hub writes an error: keys sorted, as `JSONEncoder` with
    /// `.sortedKeys` would write them, so every error of the hub looks alike.
    public var encoded: [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"error\":{\"code\":")
        w.string(error.code)
        w.raw(",\"message\":")
        w.string(error.message)
        w.raw("}")
        if let results {
            w.raw(",\"results\":[")
            for (i, r) in results.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{")
                if let code = r.code { w.raw("\"code\":"); w.string(code); w.raw(",") }
                w.raw("\"dot\":")
                w.string(r.dot.description)
                if let reason = r.reason { w.raw(",\"reason\":"); w.string(reason) }
                w.raw(",\"status\":")
                w.string(r.status.rawValue)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("}")
        return w.bytes
    }
}
