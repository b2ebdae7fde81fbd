import Messages
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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

/// HTTP through URLSession (libcurl on Linux). Bodies over 1 KiB go gzip-compressed; replies
/// come compressed when the hub chooses, and are decompressed here.
public struct URLSessionTransport: SyncTransport {
    public let timeoutSeconds: Double

    public init(timeoutSeconds: Double = 60) { self.timeoutSeconds = timeoutSeconds }

    /// What libcurl reports when the hub's certificate is not trusted, or TLS cannot be agreed.
    static let certificateCodes: Set<URLError.Code> = [.serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateHasUnknownRoot,
                                                        .serverCertificateNotYetValid, .secureConnectionFailed, .clientCertificateRejected,
                                                        .clientCertificateRequired]
    static let certificateWords = ["SSL certificate problem", "certificate verify failed", "server certificate verification failed",
                                   "no alternative certificate subject name", "SSL peer certificate"]

    /// No cache: sync replies are never reused, and a cache would hold every page of a long pull.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    public func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("gzip", forHTTPHeaderField: "Accept-Encoding")
        if body.count > 1024 {
            request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
            request.httpBody = Data(Gzip.compress(body))
        } else {
            request.httpBody = Data(body)
        }
        return try send(request)
    }

    public func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if method != "GET" { request.httpBody = Data(body) }
        return try send(request)
    }

    /// A GET with the bearer `token` (`/v1/whoami`, `/healthz`).
    public func get(_ url: URL, token: String? = nil) throws(TransportError) -> TransportReply {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return try send(request)
    }

    /// Sends one request and waits for its answer.
    private func send(_ request: URLRequest) throws(TransportError) -> TransportReply {
        let url = request.url!
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = Self.session.dataTask(with: request) { data, response, error in
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (name, value) in http?.allHeaderFields ?? [:] {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            outcome.set(data: data, status: http?.statusCode, headers: headers, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, headers, error) = outcome.get()
        if let error {
            // On Linux libcurl's verification failures arrive as NSURLErrorDomain code -1 (unknown),
            // told apart only by libcurl's own words ("SSL certificate problem: …").
            let code = (error as NSError).code
            let certificate = Self.certificateCodes.contains { $0.rawValue == code }
                || Self.certificateWords.contains { error.localizedDescription.localizedCaseInsensitiveContains($0) }
            throw TransportError(Message.cannotReachHub.text(url.host ?? url.absoluteString, error.localizedDescription), certificate: certificate)
        }
        guard let status else { throw TransportError(Message.hubNoHTTP.text(url.host ?? "?")) }
        return TransportReply(status: status, body: Array(data ?? Data()), headers: headers)
    }

    /// The completion handler's results, handed across threads.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var status: Int?
        private var headers: [String: String] = [:]
        private var error: (any Error)?

        func set(data: Data?, status: Int?, headers: [String: String], error: (any Error)?) {
            lock.withLock { self.data = data; self.status = status; self.headers = headers; self.error = error }
        }

        func get() -> (Data?, Int?, [String: String], (any Error)?) { lock.withLock { (data, status, headers, error) } }
    }
}
