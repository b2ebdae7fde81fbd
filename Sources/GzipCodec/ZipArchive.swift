import CZlib

/// A ZIP archive (PKWARE APPNOTE 6.3) of stored entries: the container of an `.xlsx`. Entries are
/// stored, not deflated, and dated 1980-01-01, so the same files give the same bytes on every
/// machine whatever its zlib — a compiled table is the same file everywhere.
public enum ZipArchive {
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let bytes: [UInt8]

        public init(_ path: String, _ bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The archive of `entries`, in their order.
    public static func write(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.path.utf8)
            let crc = crc32(entry.bytes)
            let offset = UInt32(out.count)
            // Local file header: version 2.0, flag 11 (UTF-8 names), stored, DOS time 0 and date 1980-01-01.
            le32(0x0403_4B50, &out); le16(20, &out); le16(0x0800, &out); le16(0, &out); le16(0, &out); le16(0x0021, &out)
            le32(crc, &out); le32(UInt32(entry.bytes.count), &out); le32(UInt32(entry.bytes.count), &out)
            le16(UInt16(name.count), &out); le16(0, &out)
            out += name
            out += entry.bytes
            // Central directory record.
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0x0800, &central); le16(0, &central)
            le16(0, &central); le16(0x0021, &central)
            le32(crc, &central); le32(UInt32(entry.bytes.count), &central); le32(UInt32(entry.bytes.count), &central)
            le16(UInt16(name.count), &central); le16(0, &central); le16(0, &central); le16(0, &central); le16(0, &central)
            le32(0, &central); le32(offset, &central)
            central += name
        }
        let centralOffset = UInt32(out.count)
        out += central
        le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out)
        le16(UInt16(entries.count), &out); le16(UInt16(entries.count), &out)
        le32(UInt32(central.count), &out); le32(centralOffset, &out); le16(0, &out)
        return out
    }

    /// The stored entries of an archive this type wrote, each checked against its CRC-32.
    public static func read(_ bytes: [UInt8]) throws(Malformed) -> [Entry] {
        var entries: [Entry] = []
        var at = 0
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        while at + 30 <= bytes.count, u32(at) == 0x0403_4B50 {
            guard u16(at + 8) == 0 else { throw Malformed(description: "entry at \(at) is compressed; only stored entries are read") }
            let size = u32(at + 18), nameLength = u16(at + 26), extra = u16(at + 28)
            let start = at + 30 + nameLength + extra
            guard start + size <= bytes.count else { throw Malformed(description: "entry at \(at) runs past the end") }
            let name = String(decoding: bytes[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
            let body = Array(bytes[start..<(start + size)])
            guard crc32(body) == UInt32(u32(at + 14)) else { throw Malformed(description: "\(name) does not match its CRC-32") }
            entries.append(Entry(name, body))
            at = start + size
        }
        guard at + 4 <= bytes.count, u32(at) == 0x0201_4B50 || u32(at) == 0x0605_4B50 else {
            throw Malformed(description: "no central directory after the entries: not a ZIP archive, or cut short")
        }
        return entries
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    private static func le16(_ value: UInt16, _ out: inout [UInt8]) {
        out.append(UInt8(value & 0xFF)); out.append(UInt8(value >> 8))
    }

    private static func le32(_ value: UInt32, _ out: inout [UInt8]) {
        le16(UInt16(value & 0xFFFF), &out); le16(UInt16(value >> 16), &out)
    }
}
