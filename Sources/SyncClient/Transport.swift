import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTP

/// How a replica reaches the hub: one POST, answered or failed.
public protocol SyncTransport: Sendable {
    /// Posts `body` to `url` with the bearer `token`; returns the status and the (decompressed) body.
    func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> (status: Int, body: [UInt8])
}

/// The hub could not be reached, or the connection broke: worth trying again later.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// HTTP through URLSession (libcurl on Linux). Bodies over 1 KiB go gzip-compressed; replies
/// come compressed when the hub chooses, and are decompressed here.
public struct URLSessionTransport: SyncTransport {
    public let timeoutSeconds: Double

    public init(timeoutSeconds: Double = 60) { self.timeoutSeconds = timeoutSeconds }

    /// No cache: sync replies are never reused, and a cache would hold every page of a long pull.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    public func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> (status: Int, body: [UInt8]) {
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

    /// A GET with the bearer `token` (`/v1/whoami`, `/healthz`).
    public func get(_ url: URL, token: String? = nil) throws(TransportError) -> (status: Int, body: [UInt8]) {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return try send(request)
    }

    /// Sends one request and waits for its answer.
    private func send(_ request: URLRequest) throws(TransportError) -> (status: Int, body: [UInt8]) {
        let url = request.url!
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = Self.session.dataTask(with: request) { data, response, error in
            outcome.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, error) = outcome.get()
        if let error { throw TransportError("cannot reach the hub at \(url.host ?? url.absoluteString): \(error.localizedDescription)") }
        guard let status else { throw TransportError("the hub at \(url.host ?? "?") sent no HTTP response") }
        return (status, Array(data ?? Data()))
    }

    /// The completion handler's results, handed across threads.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var status: Int?
        private var error: (any Error)?

        func set(data: Data?, status: Int?, error: (any Error)?) {
            lock.withLock { self.data = data; self.status = status; self.error = error }
        }

        func get() -> (Data?, Int?, (any Error)?) { lock.withLock { (data, status, error) } }
    }
}
