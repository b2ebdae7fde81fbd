/// The bytes of a scan-sized PDF, drawn from a seed: what an official attaches, as far as sizes,
/// hashes and transfers go.
public enum ScanBytes {
    public static func pdf(_ size: Int, seed: UInt64 = 7) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var bytes = Array("%PDF-1.7\n".utf8)
        bytes.reserveCapacity(size)
        while bytes.count < size {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return bytes
    }
}
