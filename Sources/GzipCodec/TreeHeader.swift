/// A dynamic block's description of its two codes (RFC 1951 3.2.7): their code lengths, run-length
/// coded, and the code of those.
struct TreeHeader {
    private var runs: [(symbol: Int, extra: Int)] = []
    private let lengthCodes: HuffmanCode
    private let literalCount: Int
    private let distanceCount: Int
    private let codeLengthCount: Int
    /// The header's size in bits.
    let bits: Int

    static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    init(literals: [UInt8], distances: [UInt8]) {
        literalCount = max(257, (literals.lastIndex { $0 != 0 } ?? 0) + 1)
        distanceCount = max(1, (distances.lastIndex { $0 != 0 } ?? 0) + 1)
        let all = Array(literals[0..<literalCount]) + Array(distances[0..<distanceCount])
        var i = 0
        while i < all.count {
            let length = all[i]
            var run = 1
            while i + run < all.count && all[i + run] == length { run += 1 }
            var left = run
            if length == 0 {
                while left >= 11 { let r = min(left, 138); runs.append((18, r - 11)); left -= r }
                if left >= 3 { runs.append((17, left - 3)); left = 0 }
            } else {
                runs.append((Int(length), 0))
                left -= 1
                while left >= 3 { let r = min(left, 6); runs.append((16, r - 3)); left -= r }
            }
            for _ in 0..<left { runs.append((Int(length), 0)) }
            i += run
        }
        var freqs = [UInt32](repeating: 0, count: 19)
        for run in runs { freqs[run.symbol] += 1 }
        let codes = freqs.withUnsafeBufferPointer { HuffmanCode($0, maxBits: 7) }
        lengthCodes = codes
        codeLengthCount = max(4, (Self.order.lastIndex { codes.lengths[$0] != 0 } ?? 0) + 1)
        var bits = 5 + 5 + 4 + 3 * codeLengthCount
        for run in runs {
            bits += Int(lengthCodes.lengths[run.symbol]) + (run.symbol == 16 ? 2 : run.symbol == 17 ? 3 : run.symbol == 18 ? 7 : 0)
        }
        self.bits = bits
    }

    func write(_ writer: inout BitWriter) {
        writer.put(UInt64(literalCount - 257), 5)
        writer.put(UInt64(distanceCount - 1), 5)
        writer.put(UInt64(codeLengthCount - 4), 4)
        for k in 0..<codeLengthCount { writer.put(UInt64(lengthCodes.lengths[Self.order[k]]), 3) }
        for run in runs {
            writer.put(UInt64(lengthCodes.codes[run.symbol]), Int(lengthCodes.lengths[run.symbol]))
            switch run.symbol {
            case 16: writer.put(UInt64(run.extra), 2)
            case 17: writer.put(UInt64(run.extra), 3)
            case 18: writer.put(UInt64(run.extra), 7)
            default: break
            }
        }
    }
}
