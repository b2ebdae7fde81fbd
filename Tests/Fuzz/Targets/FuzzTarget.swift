/// One fuzz target: a function that takes any bytes, must never crash, and checks what holds for
/// every input it accepts (a round trip where an encoder exists). The libFuzzer runner turns a
/// broken property into a crash, the replay test into a failed expectation.
public struct FuzzTarget: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// Refused with an error, as bad input must be.
        case refused
        /// Accepted, and every property held.
        case accepted
        /// Accepted, and a property broke: what broke.
        case broken(String)

        init(_ broken: String?) { self = broken.map(Outcome.broken) ?? .accepted }
    }

    public let name: String
    public let about: String
    public let run: @Sendable ([UInt8]) -> Outcome

    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "http", about: "the HTTP/1.1 request reader (heads, Content-Length, chunked with trailers, gzip)", run: HTTPFuzz.run),
        FuzzTarget(name: "sync-request", about: "the sync request decoder (PROTOCOL.md), round-tripped through its encoder", run: SyncCodecFuzz.request),
        FuzzTarget(name: "sync-response", about: "the sync response decoder, round-tripped through its encoder", run: SyncCodecFuzz.response),
        FuzzTarget(name: "bundle", about: "the change-bundle reader, with and without a valid checksum, re-signed and read back", run: BundleFuzz.run),
        FuzzTarget(name: "template", about: "the call-template loader, round-tripped through its encoder", run: TemplateFuzz.run),
        FuzzTarget(name: "json", about: "the JSON parser, written back and parsed again", run: JSONFuzz.run),
        FuzzTarget(name: "deflate", about: "the hub's gzip writer (FastDeflate), inflated back by zlib", run: DeflateFuzz.run),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
