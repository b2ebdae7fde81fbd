/// Strict UTF-8 (RFC 3629) to `String`, without the generic `String(validating:as:)`, which runs
/// unspecialised and dominated the cost of reading a sync page.
public enum UTF8Text {
    /// The text of `bytes`, or `nil` if they are not well-formed UTF-8 (overlong forms,
    /// surrogates and scalars above U+10FFFF included).
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // `String(decoding:)` validates as it copies, but repairs instead of refusing: the text
        // is the bytes, unchanged, exactly when they were well-formed (a repair puts U+FFFD where
        // the ill-formed bytes were, and those bytes were not U+FFFD's). One pass over the bytes
        // and a comparison, instead of two passes.
        var text = String(decoding: bytes, as: UTF8.self)
        let same = text.withUTF8 { copy in copy.count == bytes.count && equal(copy, bytes) }
        return same ? text : nil
    }

    /// Whether two buffers of one length hold the same bytes, eight at a time.
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        var i = 0
        while i + 8 <= n {
            let x = UnsafeRawPointer(a.baseAddress! + i).loadUnaligned(as: UInt64.self)
            let y = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
            if x != y { return false }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    public static func string(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { string($0) }
    }
}
