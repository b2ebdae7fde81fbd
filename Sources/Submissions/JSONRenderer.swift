import Foundation

/// The compiled table as JSON, keys sorted, for scripts and for the hub to recompute.
enum JSONRenderer {
    static func render(_ table: CompiledTable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array((try? encoder.encode(table)) ?? Data()) + [0x0A]
    }
}
