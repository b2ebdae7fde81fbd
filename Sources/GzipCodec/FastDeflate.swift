/// DEFLATE (RFC 1951) written for the hub's replies: one probe of a hash of four bytes per
/// position, the longest match taken at once (greedy), dynamic Huffman codes per block, and a
/// block stored as it is when that is shorter. On sync pages of form text it compresses about as
/// well as zlib's level 1 in much less time: zlib spends most of its level 1 on emitting the
/// symbols sixteen bits at a time, which here go out 64 at a time.
///
/// Only compression is ours: every reader inflates with zlib, and the gzip trailer's CRC-32 of the
/// input (zlib's) makes any mistake here an error there, never different bytes.
enum FastDeflate {
    static let window = 32_768
    static let minMatch = 4
    static let maxMatch = 258
    static let hashBits = 15
    /// Symbols gathered before a block is written: enough for its code tables to pay.
    static let blockSymbols = 1 << 15

    /// The raw DEFLATE stream of `input`, written at `out` (``bound(_:)`` bytes available);
    /// returns the bytes written.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var writer = BitWriter(out)
        let n = input.count
        guard n > 0, let src = input.baseAddress else {
            writer.put(1, 1)   // final
            writer.put(1, 2)   // fixed codes: only the end of block (code 0000000)
            writer.put(0, 7)
            writer.alignToByte()
            return writer.position
        }
        let table = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << hashBits)
        defer { table.deallocate() }
        table.initialize(repeating: Int32(-window - 1), count: 1 << hashBits)
        var block = DeflateBlock()
        let symbols = block.symbols, freqs = block.freqs, tables = DeflateTables.shared
        // Kept here, in registers, while the block is gathered; handed to it to write.
        var count = 0, extraBits = 0
        var blockStart = 0
        var i = 0
        @inline(__always) func load32(_ at: Int) -> UInt32 { UnsafeRawPointer(src + at).loadUnaligned(as: UInt32.self) }
        @inline(__always) func load64(_ at: Int) -> UInt64 { UnsafeRawPointer(src + at).loadUnaligned(as: UInt64.self) }
        let lastHashed = n &- minMatch
        while i < n {
            // A match starts where a character does: the bytes inside a UTF-8 character (two of
            // every three in Chinese text) are neither looked up nor remembered.
            let byte = src[i]
            if i <= lastHashed && byte & 0xC0 != 0x80 {
                let word = load32(i)
                let slot = Int(truncatingIfNeeded: (word &* 0x9E37_79B1) >> UInt32(32 - hashBits))
                let candidate = Int(truncatingIfNeeded: table[slot])
                table[slot] = Int32(truncatingIfNeeded: i)
                let distance = i &- candidate
                if distance <= window && load32(candidate) == word {
                    let limit = min(maxMatch, n &- i)
                    var length = minMatch
                    var differs = false
                    while length &+ 8 <= limit {
                        let diff = load64(candidate &+ length) ^ load64(i &+ length)
                        if diff != 0 { length &+= diff.trailingZeroBitCount &>> 3; differs = true; break }
                        length &+= 8
                    }
                    if !differs {
                        while length < limit && src[candidate &+ length] == src[i &+ length] { length &+= 1 }
                    }
                    symbols[count] = DeflateBlock.match(length: length, distance: distance, freqs, &extraBits, tables)
                    count &+= 1
                    i &+= length
                    if count == blockSymbols {
                        block.count = count
                        block.extraBits = extraBits
                        block.write(final: false, raw: UnsafeBufferPointer(start: src + blockStart, count: i &- blockStart), &writer)
                        (count, extraBits, blockStart) = (0, 0, i)
                    }
                    continue
                }
            }
            symbols[count] = UInt32(byte)
            freqs[Int(byte)] &+= 1
            count &+= 1
            i &+= 1
            if count == blockSymbols {
                block.count = count
                block.extraBits = extraBits
                block.write(final: false, raw: UnsafeBufferPointer(start: src + blockStart, count: i &- blockStart), &writer)
                (count, extraBits, blockStart) = (0, 0, i)
            }
        }
        block.count = count
        block.extraBits = extraBits
        block.write(final: true, raw: UnsafeBufferPointer(start: src + blockStart, count: n - blockStart), &writer)
        writer.alignToByte()
        return writer.position
    }

    /// The most bytes ``encode(_:into:)`` writes for `count` input bytes. A block other than the
    /// last covers at least ``blockSymbols`` bytes, and is written dynamic only when that is
    /// shorter than stored: each piece of at most 65,535 bytes of a stored block costs 5 bytes, and
    /// each block a byte of alignment and a few of bits. An outside review found the bound first
    /// written here (5 bytes per 65,535) overrun by noise of 14 MB and more (a block of noise is
    /// 32,768 literals, stored).
    static func bound(_ count: Int) -> Int {
        count + 5 * (count / 65_535 + 1) + 7 * (count / blockSymbols + 2) + 1_024
    }
}
