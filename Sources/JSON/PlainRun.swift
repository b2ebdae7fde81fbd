/// Where a run of bytes that a JSON string holds as they are ends: at the first quote, backslash
/// or control byte. Found eight bytes at a time (nearly every value is one run): the writer of
/// every page and compiled cell and the reader of every page both scan their strings here.
enum PlainRun {
    /// The index of the first byte at or after `start` that is `"`, `\` or below 0x20, or the count.
    static func end(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        while i + 8 <= n {
            let w = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
            if (w &- 0x20 &* ones) & ~w & highs != 0 || hasZero(w ^ (0x22 &* ones)) || hasZero(w ^ (0x5C &* ones)) { break }
            i += 8
        }
        while i < n, bytes[i] != 0x22, bytes[i] != 0x5C, bytes[i] >= 0x20 { i += 1 }
        return i
    }
}
