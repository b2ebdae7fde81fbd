import CZlib
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A large body deflated in parts side by side, as `pigz` does: a hub's pages of a megabyte spent
/// nearly half the hub's time in zlib during a clone while the machine's other core waited.
///
/// Each part after the first starts with the 32 KiB before it as its dictionary, and each but the
/// last ends on a byte boundary (a sync flush), so the parts joined are one deflate stream under one
/// gzip header, within bytes of what one pass makes, and any gzip reader takes it.
extension Gzip {
    /// Below this a body is compressed in one pass: threads cost more than they save.
    public static let partBytes = 256 << 10
    private static let window = 32 << 10
    /// Parts deflated at once: one per core, up to the four a page of a megabyte splits into.
    public static let cores: Int = {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return min(4, max(1, online))
    }()

    /// `bytes` as one gzip member, deflated in up to `parts` parts at once.
    public static func compress(_ bytes: [UInt8], level: Int32, parts: Int) -> [UInt8] {
        let count = min(parts, bytes.count / partBytes)
        guard count > 1 else { return compress(bytes, level: level) }
        let results = Results(count)
        let size = (bytes.count + count - 1) / count
        let failed: Bool = bytes.withUnsafeBufferPointer { input in
            let whole = Shared(input)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                let lo = i * size, hi = min(whole.buffer.count, lo + size)
                results.set(i, deflatePart(whole.buffer, lo..<hi, level: level, last: i == count - 1))
            }
            return results.parts.contains { $0 == nil }
        }
        if failed { return compress(bytes, level: level) }
        var crc = UInt(0), output: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        output.reserveCapacity(results.parts.reduce(18) { $0 + ($1?.deflated.count ?? 0) })
        for (i, part) in results.parts.enumerated() {
            output.append(contentsOf: part!.deflated)
            let length = min(bytes.count, (i + 1) * size) - i * size
            crc = i == 0 ? part!.crc : crc32_combine(crc, part!.crc, off_t(length))
        }
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: bytes.count)] {
            withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
        }
        return output
    }

    /// One part as raw deflate, primed with the window before it; nil if zlib refused.
    private static func deflatePart(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, level: Int32, last: Bool) -> (deflated: [UInt8], crc: UInt)? {
        var stream = z_stream()
        guard tianbao_deflate_init_raw(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let base = input.baseAddress!
        if range.lowerBound > 0 {
            let from = max(0, range.lowerBound - window)
            guard deflateSetDictionary(&stream, base + from, UInt32(range.lowerBound - from)) == Z_OK else { return nil }
        }
        // A sync flush adds at most a few bytes beyond the bound of a finished stream.
        let bound = Int(deflateBound(&stream, UInt(range.count))) + 64
        var ok = true
        let deflated = [UInt8](unsafeUninitializedCapacity: bound) { out, produced in
            stream.next_in = UnsafeMutablePointer(mutating: base + range.lowerBound)
            stream.avail_in = UInt32(range.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            let status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            ok = (last ? status == Z_STREAM_END : status == Z_OK) && stream.avail_in == 0 && stream.avail_out > 0
            produced = out.count - Int(stream.avail_out)
        }
        guard ok else { return nil }
        return (deflated, crc32(0, base + range.lowerBound, UInt32(range.count)))
    }

    /// The input, read by every part's thread and written by none.
    private struct Shared: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
    }

    /// Each part's output, written once by its own thread before `concurrentPerform` returns.
    private final class Results: @unchecked Sendable {
        var parts: [(deflated: [UInt8], crc: UInt)?]
        private let lock = DispatchSemaphore(value: 1)
        init(_ count: Int) { parts = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ part: (deflated: [UInt8], crc: UInt)?) {
            lock.wait()
            parts[i] = part
            lock.signal()
        }
    }
}
