import GzipCodec
import Testing
import TestSupport

/// The ZIP container of the workbooks: what goes in comes out, checked; the same entries give the
/// same bytes; damage is named.
@Suite struct ZipArchiveTests {
    @Test func entriesRoundTripAndTheBytesAreTheSameEveryTime() throws {
        let seed = SeededRandom.seed(fromEnvironment: "TIANBAO_SEED")
        var rng = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let entries = (0..<Int.random(in: 0...6, using: &rng)).map { i in
                ZipArchive.Entry("xl/部分\(i).xml", (0..<Int.random(in: 0...5_000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            let bytes = ZipArchive.write(entries)
            #expect(try ZipArchive.read(bytes) == entries, "seed \(seed)")
            #expect(ZipArchive.write(entries) == bytes, "seed \(seed)")
        }
    }

    @Test func zlibsCRC32IsTheStandardOne() {
        #expect(ZipArchive.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func aDamagedOrCutArchiveIsRefusedWithWhy() throws {
        let bytes = ZipArchive.write([.init("a.xml", Array("<a/>".utf8)), .init("b.xml", Array("<b/>".utf8))])
        var damaged = bytes
        damaged[30 + 5] ^= 0x01   // a byte of a.xml's content
        #expect { try ZipArchive.read(damaged) } throws: { "\($0)".contains("a.xml does not match its CRC-32") }
        #expect { try ZipArchive.read(Array(bytes.prefix(40))) } throws: { "\($0)".contains("cut short") || "\($0)".contains("runs past the end") }
    }
}
