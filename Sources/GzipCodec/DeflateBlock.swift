/// The symbols of one DEFLATE block as they are found, and the writing of the block: with its
/// own Huffman codes, or stored when that is no longer. Kept in memory of its own (no array's
/// uniqueness and bounds checks on the path every input byte takes).
struct DeflateBlock: ~Copyable {
    /// A literal byte; or a match: bit 31 set, then its length code (5 bits), the length's extra
    /// value (5), its distance code (5) and the distance's extra value (13).
    let symbols = UnsafeMutablePointer<UInt32>.allocate(capacity: FastDeflate.blockSymbols)
    /// The literal/length alphabet's 286 counts, then the distance alphabet's 30.
    let freqs = UnsafeMutablePointer<UInt32>.allocate(capacity: 286 + 30)
    private let tables = DeflateTables.shared
    /// Symbols gathered, and the bits of the lengths' and distances' extra bits (for the size).
    var count = 0
    var extraBits = 0

    init() { freqs.initialize(repeating: 0, count: 286 + 30) }

    deinit {
        symbols.deallocate()
        freqs.deallocate()
    }

    /// A match's symbol, counted (the encoder counts literals itself: they are most symbols).
    @inline(__always)
    static func match(length: Int, distance: Int, _ freqs: UnsafeMutablePointer<UInt32>, _ extraBits: inout Int,
                      _ tables: DeflateTables) -> UInt32 {
        let l = Int(tables.lengthCode[length])
        let d = tables.distanceCode(distance &- 1)
        let lx = length &- Int(tables.lengthBase[l]), dx = distance &- Int(tables.distanceBase[d])
        freqs[257 &+ l] &+= 1
        freqs[286 &+ d] &+= 1
        extraBits &+= Int(tables.lengthExtra[l] &+ tables.distanceExtra[d])
        return 0x8000_0000 | UInt32(l) << 23 | UInt32(lx) << 18 | UInt32(d) << 13 | UInt32(dx)
    }

    /// Writes the block (`raw`: the input bytes it covers) and starts the next one empty.
    mutating func write(final: Bool, raw: UnsafeBufferPointer<UInt8>, _ writer: inout BitWriter) {
        freqs[256] = 1
        let literals = HuffmanCode(UnsafeBufferPointer(start: freqs, count: 286), maxBits: 15)
        let distances = HuffmanCode(UnsafeBufferPointer(start: freqs + 286, count: 30), maxBits: 15)
        let header = TreeHeader(literals: literals.lengths, distances: distances.lengths)
        var bits = 3 + header.bits + extraBits
        for s in 0..<286 { bits += Int(freqs[s]) * Int(literals.lengths[s]) }
        for s in 0..<30 { bits += Int(freqs[286 + s]) * Int(distances.lengths[s]) }
        // Stored: to a byte boundary, then four bytes of length and each piece of at most 65,535.
        let storedBits = 8 * (raw.count + 5 * max(1, (raw.count + 65_534) / 65_535)) + 10
        if bits < storedBits {
            writer.put(final ? 1 : 0, 1)
            writer.put(2, 2)
            header.write(&writer)
            writeSymbols(literals, distances, &writer)
            writer.put(UInt64(literals.codes[256]), Int(literals.lengths[256]))
        } else {
            var start = 0
            repeat {
                let piece = min(65_535, raw.count - start)
                let last = start + piece == raw.count
                writer.put(final && last ? 1 : 0, 1)
                writer.put(0, 2)
                writer.alignToByte()
                writer.put(UInt64(piece) | UInt64(~piece & 0xFFFF) << 16, 32)
                writer.bytes(UnsafeBufferPointer(rebasing: raw[start..<(start + piece)]))
                start += piece
            } while start < raw.count
        }
        count = 0
        freqs.update(repeating: 0, count: 286 + 30)
        extraBits = 0
    }

    private func writeSymbols(_ literals: HuffmanCode, _ distances: HuffmanCode, _ out: inout BitWriter) {
        // Each symbol's code and length in one word: code in the low 16 bits, length above.
        let lit = UnsafeMutablePointer<UInt32>.allocate(capacity: 286 + 30)
        defer { lit.deallocate() }
        let dist = lit + 286
        for s in 0..<286 { lit[s] = UInt32(literals.codes[s]) | UInt32(literals.lengths[s]) << 16 }
        for s in 0..<30 { dist[s] = UInt32(distances.codes[s]) | UInt32(distances.lengths[s]) << 16 }
        let lengthExtra = tables.lengthExtra, distanceExtra = tables.distanceExtra
        // A local copy: the loop keeps it in registers rather than writing through `out`.
        var writer = out
        defer { out = writer }
        var k = 0
        while k < count {
            let symbol = symbols[k]
            k &+= 1
            if symbol & 0x8000_0000 == 0 {
                let e = lit[Int(symbol)]
                // Two literals in a row (most of form text) go in one write: 30 bits at most.
                if k < count, symbols[k] & 0x8000_0000 == 0 {
                    let f = lit[Int(symbols[k])], bits = Int(e >> 16)
                    writer.put(UInt64(e & 0xFFFF) | UInt64(f & 0xFFFF) << UInt64(bits), bits &+ Int(f >> 16))
                    k &+= 1
                } else {
                    writer.put(UInt64(e & 0xFFFF), Int(e >> 16))
                }
                continue
            }
            let l = Int(symbol >> 23 & 31), lx = UInt64(symbol >> 18 & 31)
            let d = Int(symbol >> 13 & 31), dx = UInt64(symbol & 0x1FFF)
            let le = lit[257 &+ l], de = dist[d]
            let lBits = Int(le >> 16), dBits = Int(de >> 16)
            writer.put(UInt64(le & 0xFFFF) | lx << UInt64(lBits), lBits &+ Int(lengthExtra[l]))
            writer.put(UInt64(de & 0xFFFF) | dx << UInt64(dBits), dBits &+ Int(distanceExtra[d]))
        }
    }
}
