import GzipCodec

/// Any bytes through the hub's own deflate: zlib inflates them back to the same bytes, and the
/// output never outgrows its bound (a stored block's overhead).
enum DeflateFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        let packed = Gzip.compressFast(bytes)
        guard let back = try? Gzip.decompress(packed, limit: bytes.count) else { return .broken("zlib refuses what FastDeflate wrote") }
        if back != bytes { return .broken("zlib inflates FastDeflate's output to other bytes") }
        return FuzzTarget.Outcome(packed.count <= bytes.count + 64 ? nil : "\(packed.count) bytes written for \(bytes.count)")
    }
}
