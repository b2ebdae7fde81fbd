import JSON

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
                SyncCodec.write(r, into: &w)
            }
            w.raw("]")
        }
        w.raw("}")
        return w.bytes
    }
}
