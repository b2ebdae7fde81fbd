/// RFC 1951 3.2.5: the length and distance codes, their bases and extra bits, made once per
/// process and read through pointers: the encoder looks them up for every match it writes.
final class DeflateTables: @unchecked Sendable {
    // Written in `init` only, never freed (one per process): safe to read from any thread.
    static let shared = DeflateTables()

    static let lengthBases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                                     131, 163, 195, 227, 258]
    static let lengthExtras: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtras: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
                                        13, 13]

    let lengthBase: UnsafeMutablePointer<Int32>
    let lengthExtra: UnsafeMutablePointer<Int32>
    let distanceBase: UnsafeMutablePointer<Int32>
    let distanceExtra: UnsafeMutablePointer<Int32>
    /// The length code (0–28, for symbol 257 + it) of each match length 3…258.
    let lengthCode: UnsafeMutablePointer<UInt8>
    /// The code of distances 1…256 by `distance - 1`, then of the rest by `256 + (distance - 1) >> 7` (zlib's table).
    private let distanceCodes: UnsafeMutablePointer<UInt8>

    private init() {
        func pointer(_ values: [Int]) -> UnsafeMutablePointer<Int32> {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: values.count)
            for (i, v) in values.enumerated() { p[i] = Int32(v) }
            return p
        }
        lengthBase = pointer(Self.lengthBases)
        lengthExtra = pointer(Self.lengthExtras)
        distanceBase = pointer(Self.distanceBases)
        distanceExtra = pointer(Self.distanceExtras)
        lengthCode = .allocate(capacity: 259)
        lengthCode.initialize(repeating: 0, count: 259)
        for code in 0..<29 {
            let end = code == 28 ? 259 : Self.lengthBases[code + 1]
            for length in Self.lengthBases[code]..<end { lengthCode[length] = UInt8(code) }
        }
        distanceCodes = .allocate(capacity: 512)
        distanceCodes.initialize(repeating: 0, count: 512)
        for code in 0..<30 {
            let start = Self.distanceBases[code] - 1, end = code == 29 ? 32_768 : Self.distanceBases[code + 1] - 1
            for d in start..<end {
                if d < 256 { distanceCodes[d] = UInt8(code) } else { distanceCodes[256 + (d >> 7)] = UInt8(code) }
            }
        }
    }

    /// The code of a distance, given as `distance - 1` (0…32,767).
    @inline(__always)
    func distanceCode(_ zeroBased: Int) -> Int {
        Int(zeroBased < 256 ? distanceCodes[zeroBased] : distanceCodes[256 + (zeroBased >> 7)])
    }
}
