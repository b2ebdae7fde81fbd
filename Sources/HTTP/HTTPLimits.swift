/// Every limit the server enforces, in one place.
public struct HTTPLimits: Sendable {
    /// The request line (method, target, version): longer → 414.
    public var maxRequestLineBytes = 8 * 1024
    /// All header lines together: more → 431.
    public var maxHeaderBytes = 32 * 1024
    /// How many header lines: more → 431.
    public var maxHeaderCount = 100
    /// A request body (after decompression): larger → 413.
    public var maxBodyBytes = 8 * 1024 * 1024
    /// From a request's first byte until all of it has arrived; a slower client gets 408 and is
    /// closed (slowloris).
    public var requestTimeoutSeconds = 15.0
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeoutSeconds = 30.0
    /// How long writing a response may take.
    public var writeTimeoutSeconds = 30.0
    /// Connections served at once; one more gets 503 and is closed.
    public var maxConnections = 512
    /// Requests in flight are given this long to finish when the server stops.
    public var shutdownGraceSeconds = 10.0

    public init() {}
}
