/// A length-limited canonical Huffman code (RFC 1951 3.2.2) for one alphabet of a block.
struct HuffmanCode {
    /// Each symbol's code length in bits (0: unused).
    var lengths: [UInt8]
    /// Each symbol's code, bit-reversed: DEFLATE sends codes from their first bit, and the bit
    /// writer fills bytes from their lowest bit.
    var codes: [UInt16]

    /// The code for symbol frequencies `freqs`, no code longer than `maxBits`. Fewer than two
    /// symbols used still get two codes of one bit (a complete code every inflater accepts).
    init(_ freqs: UnsafeBufferPointer<UInt32>, maxBits: Int) {
        let n = freqs.count
        lengths = [UInt8](repeating: 0, count: n)
        codes = [UInt16](repeating: 0, count: n)
        var used: [(freq: UInt32, symbol: Int)] = []
        used.reserveCapacity(n)
        for symbol in 0..<n where freqs[symbol] > 0 { used.append((freqs[symbol], symbol)) }
        if used.count < 2 {
            let first = used.first?.symbol ?? 0
            lengths[first] = 1
            lengths[first == 0 ? 1 : 0] = 1
        } else {
            used.sort { $0.freq != $1.freq ? $0.freq < $1.freq : $0.symbol < $1.symbol }
            let counts = Self.lengthCounts(used.map(\.freq), maxBits: maxBits)
            // The rarest symbols take the longest codes.
            var next = 0
            for bits in stride(from: maxBits, through: 1, by: -1) {
                for _ in 0..<counts[bits] {
                    lengths[used[next].symbol] = UInt8(bits)
                    next += 1
                }
            }
        }
        assignCodes(maxBits: maxBits)
    }

    /// How many codes of each length (index: bits) a Huffman code for `sorted` (ascending) has,
    /// with the lengths over `maxBits` folded back so the code stays complete.
    private static func lengthCounts(_ sorted: [UInt32], maxBits: Int) -> [Int] {
        let m = sorted.count
        // Leaves 0..<m, then internal nodes in the order made: both queues stay sorted, so the
        // two lightest are always at the front of one or the other.
        var weight = [UInt64](repeating: 0, count: 2 * m - 1)
        var parent = [Int](repeating: 0, count: 2 * m - 1)
        for i in 0..<m { weight[i] = UInt64(sorted[i]) }
        var leaf = 0, inner = m, made = m
        func lightest() -> Int {
            if leaf < m && (inner >= made || weight[leaf] <= weight[inner]) { leaf += 1; return leaf - 1 }
            inner += 1
            return inner - 1
        }
        for _ in 0..<(m - 1) {
            let a = lightest(), b = lightest()
            weight[made] = weight[a] + weight[b]
            parent[a] = made
            parent[b] = made
            made += 1
        }
        // A parent comes after its children, so depths fill in from the root down.
        var depth = [Int](repeating: 0, count: 2 * m - 1)
        var counts = [Int](repeating: 0, count: maxBits + 1)
        for node in stride(from: 2 * m - 3, through: 0, by: -1) {
            depth[node] = depth[parent[node]] + 1
            if node < m { counts[min(depth[node], maxBits)] += 1 }
        }
        // Folding raised the Kraft sum over one; take a longest code away and split a shorter one
        // in two until it is one again (each round lowers the sum by one unit of the longest code).
        var total = 0
        for bits in 1...maxBits { total += counts[bits] << (maxBits - bits) }
        while total > 1 << maxBits {
            counts[maxBits] -= 1
            for bits in stride(from: maxBits - 1, through: 1, by: -1) where counts[bits] > 0 {
                counts[bits] -= 1
                counts[bits + 1] += 2
                break
            }
            total -= 1
        }
        return counts
    }

    private mutating func assignCodes(maxBits: Int) {
        var count = [Int](repeating: 0, count: maxBits + 2)
        for length in lengths where length > 0 { count[Int(length)] += 1 }
        var next = [Int](repeating: 0, count: maxBits + 2)
        var code = 0
        for bits in 1...maxBits {
            code = (code + count[bits - 1]) << 1
            next[bits] = code
        }
        for symbol in lengths.indices where lengths[symbol] > 0 {
            let bits = Int(lengths[symbol])
            codes[symbol] = Self.reversed(UInt16(next[bits]), bits: bits)
            next[bits] += 1
        }
    }

    static func reversed(_ code: UInt16, bits: Int) -> UInt16 {
        var value = code, out: UInt16 = 0
        for _ in 0..<bits {
            out = out << 1 | value & 1
            value >>= 1
        }
        return out
    }
}
