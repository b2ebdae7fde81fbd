import CZlib

/// gzip (RFC 1952) through zlib: city links are slow, and sync bodies compress well.
public enum Gzip {
    public enum Failure: Error, Equatable {
        case corrupt
        case tooLarge(limit: Int)
    }

    /// Compresses `bytes` into a gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard tianbao_deflate_init_gzip(&stream, level) == Z_OK else { return bytes }
        defer { deflateEnd(&stream) }
        // zlib reads the input without writing it, and fills the output it reports.
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 32
        return bytes.withUnsafeBufferPointer { inBuf in
            [UInt8](unsafeUninitializedCapacity: bound) { outBuf, produced in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                _ = deflate(&stream, Z_FINISH)
                produced = outBuf.count - Int(stream.avail_out)
            }
        }
    }

    /// Compresses `bytes` into a gzip member with ``FastDeflate``: for replies, where the time
    /// matters more than the last bytes (a sync page of form text: about zlib level 1's size).
    public static func compressFast(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count < 1 << 30 else { return compress(bytes, level: 1) }   // positions are 32-bit
        return bytes.withUnsafeBufferPointer { input in
            let crc = UInt32(truncatingIfNeeded: crc32(0, input.baseAddress, UInt32(input.count)))
            return [UInt8](unsafeUninitializedCapacity: FastDeflate.bound(input.count) + 18) { out, written in
                // No name, time or flags; "fastest" (4), Unix (3).
                let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 4, 3]
                for (k, byte) in header.enumerated() { out[k] = byte }
                var end = 10 + FastDeflate.encode(input, into: out.baseAddress! + 10)
                for value in [crc, UInt32(truncatingIfNeeded: input.count)] {
                    for shift in stride(from: 0, to: 32, by: 8) {
                        out[end] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                        end += 1
                    }
                }
                written = end
            }
        }
    }

    /// Decompresses one gzip (or zlib) stream, refusing to produce more than `limit` bytes, and
    /// refusing bytes after the stream's end: whatever hides there was never checked by anyone.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard tianbao_inflate_init_auto(&stream) == Z_OK else { throw .corrupt }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        // Sync pages shrink to about a third; room for that up front spares the copies of growing.
        output.reserveCapacity(min(limit, bytes.count &* 4))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        var status: Int32 = Z_OK
        var leftover = 0
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return outBuf.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk.prefix(produced))
                if output.count > limit { status = Z_MEM_ERROR; break }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
            leftover = Int(stream.avail_in)
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END, leftover == 0 else { throw .corrupt }
        return output
    }
}
