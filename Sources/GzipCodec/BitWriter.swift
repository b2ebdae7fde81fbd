/// Bits into bytes, lowest bit first, a 32-bit word at a time.
struct BitWriter {
    private let out: UnsafeMutablePointer<UInt8>
    private(set) var position = 0
    private var bits: UInt64 = 0
    private var count = 0

    init(_ out: UnsafeMutablePointer<UInt8>) { self.out = out }

    /// At most 32 bits at once.
    @inline(__always)
    mutating func put(_ value: UInt64, _ n: Int) {
        bits |= value &<< UInt64(count)
        count &+= n
        if count >= 32 {
            UnsafeMutableRawPointer(out + position).storeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian, as: UInt32.self)
            position &+= 4
            bits &>>= 32
            count &-= 32
        }
    }

    mutating func alignToByte() {
        while count > 0 {
            out[position] = UInt8(truncatingIfNeeded: bits)
            position += 1
            bits >>= 8
            count -= 8
        }
        bits = 0
        count = 0
    }

    mutating func bytes(_ raw: UnsafeBufferPointer<UInt8>) {
        precondition(count == 0)
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        (out + position).update(from: base, count: raw.count)
        position += raw.count
    }
}
