import Messages
import Foundation
import GzipCodec

/// How a replica reaches the hub: one POST, answered or failed.
public protocol SyncTransport: Sendable {
    /// Posts `body` to `url` with the bearer `token`; returns the status, the headers the sync
    /// reads and the (decompressed) body.
    func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply

    /// One request of any method with the bearer `token`, `body` sent as it is: an attached file's
    /// parts, which are never compressed (scans do not shrink, and compressing them costs seconds).
    func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply
}

extension SyncTransport {
    public func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        throw TransportError(Message.transportSyncOnly.text())
    }
}

/// A hub's answer.
public struct TransportReply: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Response headers, names in lower case.
    public var headers: [String: String]

    public init(status: Int, body: [UInt8], headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }
}

/// The hub could not be reached, or the connection broke: worth trying again later.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The hub's TLS certificate was not trusted: a configuration to fix, not a moment to wait out.
    public let certificate: Bool
    public init(_ message: String, certificate: Bool = false) {
        self.message = message
        self.certificate = certificate
    }
    public var description: String { message }
}
