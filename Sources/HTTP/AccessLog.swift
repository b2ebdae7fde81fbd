extension HTTPServer {
    /// One line of the access log: never a header value or a body.
    public struct AccessEntry: Sendable {
        public let method: String
        /// Visible ASCII only: other bytes and `%` itself are percent-encoded (see ``loggable(_:)``).
        public let path: String
        public let status: HTTPStatus
        public let bytesIn: Int
        public let bytesOut: Int
        public let milliseconds: Double
        /// The response's ``HTTPResponse/principal`` (never sent), escaped like the path.
        public let principal: String?
    }

    /// `text` with every byte outside visible ASCII, and `%`, percent-encoded. The parser already
    /// refuses such bytes in a target; this is the second line of defence, so that no slip in it
    /// can let a client write a line break, or a terminal escape, into the log.
    static func loggable(_ text: String) -> String {
        guard text.utf8.contains(where: { !(0x21...0x7E).contains($0) || $0 == UInt8(ascii: "%") }) else { return text }
        var out = ""
        for byte in text.utf8 {
            if (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
