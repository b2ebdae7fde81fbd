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
