/// Decodes a chunked body as its bytes arrive. It consumes framing a whole line at a time and
/// hands back what it used, so the caller never holds more than one unfinished line of it; every
/// line is bounded, the trailers like a head.
struct ChunkedDecoder {
    let limits: HTTPLimits
    private(set) var body: [UInt8] = []
    private var remainingInChunk = 0
    private var trailerBytes = 0
    private var trailerLines = 0
    private var state = State.size

    init(limits: HTTPLimits) { self.limits = limits }

    enum State { case size, data, dataEnd, trailers, done }

    var isDone: Bool { state == .done }

    /// Consumes what it can of `bytes`; returns how many it used. The caller drops those, and
    /// calls again with what remains and whatever arrives next.
    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(HTTPParser.Refusal) -> Int {
        var position = bytes.startIndex
        decoding: while true {
            switch state {
            case .size:
                let end = Self.lineEnd(bytes, from: position)
                if (end ?? bytes.endIndex) - position > limits.maxChunkLineBytes {
                    throw HTTPParser.Refusal(status: .badRequest, message: "a chunk-size line is longer than \(limits.maxChunkLineBytes) bytes")
                }
                guard let end else { break decoding }
                let size = try Self.chunkSize(bytes[position..<end])
                if size > limits.maxBodyBytes - body.count {
                    throw HTTPParser.Refusal(status: .contentTooLarge, message: "body over the limit of \(limits.maxBodyBytes) bytes")
                }
                position = end + 2
                remainingInChunk = size
                state = size == 0 ? .trailers : .data
            case .data:
                let available = min(remainingInChunk, bytes.endIndex - position)
                if available == 0 { break decoding }
                body.append(contentsOf: bytes[position..<(position + available)])
                position += available
                remainingInChunk -= available
                if remainingInChunk == 0 { state = .dataEnd }
            case .dataEnd:
                guard bytes.endIndex - position >= 2 else { break decoding }
                guard bytes[position] == 13, bytes[position + 1] == 10 else {
                    throw HTTPParser.Refusal(status: .badRequest, message: "chunk not followed by CRLF")
                }
                position += 2
                state = .size
            case .trailers:
                // Checked before waiting for the line's end: bytes without a CRLF must not pile up.
                let end = Self.lineEnd(bytes, from: position)
                if trailerBytes + (end.map { $0 + 2 } ?? bytes.endIndex) - position > limits.maxHeaderBytes {
                    throw HTTPParser.Refusal(status: .headerFieldsTooLarge, message: "trailers larger than \(limits.maxHeaderBytes) bytes")
                }
                guard let end else { break decoding }
                trailerBytes += end + 2 - position
                if end == position {  // the empty line after the trailers
                    state = .done
                } else {
                    trailerLines += 1
                    if trailerLines > limits.maxHeaderCount {
                        throw HTTPParser.Refusal(status: .headerFieldsTooLarge, message: "more than \(limits.maxHeaderCount) trailer lines")
                    }
                    try Self.checkTrailer(bytes[position..<end])
                }
                position = end + 2
            case .done:
                break decoding
            }
        }
        return position - bytes.startIndex
    }

    /// `1*8HEXDIG [ ";" extensions ]`: no sign, no spaces, no `0x`, and at most 0xFFFFFFFF, which
    /// `Int(_:radix:)` alone would not ensure.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParser.Refusal) -> Int {
        let malformed = HTTPParser.Refusal(status: .badRequest, message: "malformed chunk-size line: send 1 to 8 hex digits, optionally followed by ;extensions")
        let digits = line.prefix { hexValue($0) != nil }
        guard (1...8).contains(digits.count) else { throw malformed }
        let extensions = line[digits.endIndex...]
        guard extensions.isEmpty || extensions.first == UInt8(ascii: ";") else { throw malformed }
        guard !extensions.contains(where: { $0 != 9 && ($0 < 0x20 || $0 == 0x7F) }) else {
            throw HTTPParser.Refusal(status: .badRequest, message: "a chunk extension holds a control character")
        }
        return digits.reduce(0) { $0 * 16 + hexValue($1)! }
    }

    /// Trailers are discarded, but they are header fields and held to the same syntax.
    static func checkTrailer(_ line: ArraySlice<UInt8>) throws(HTTPParser.Refusal) {
        try HTTPParser.checkFieldBytes(line)
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[..<colon].allSatisfy(HTTPParser.isTokenByte) else {
            throw HTTPParser.Refusal(status: .badRequest, message: "malformed trailer line")
        }
    }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: nil
        }
    }

    /// Where the CRLF ending the line that starts at `start` is.
    static func lineEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var i = start
        while i + 1 < bytes.endIndex {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }
}
