/// Every limit the server enforces, in one place.
public struct HTTPLimits: Sendable {
    /// The request line (method, target, version): longer → 414.
    public var maxRequestLineBytes = 8 * 1024
    /// All header lines together: more → 431. The trailers of a chunked body get the same budget.
    public var maxHeaderBytes = 32 * 1024
    /// How many header lines: more → 431. The trailers of a chunked body get the same budget.
    public var maxHeaderCount = 100
    /// One chunk-size line of a chunked body, extensions included: longer → 400.
    public var maxChunkLineBytes = 1024
    /// A request body (after decompression): larger → 413.
    public var maxBodyBytes = 8 * 1024 * 1024
    /// From a request's first byte until all of it has arrived; a slower client gets 408 and is
    /// closed (slowloris).
    public var requestTimeoutSeconds = 15.0
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeoutSeconds = 30.0
    /// How long writing one response may take, first byte to last; a client that stops reading
    /// is cut off when it passes.
    public var writeTimeoutSeconds = 30.0
    /// Connections served at once. At the cap a newcomer takes the place of the connection idle
    /// the longest; only when every connection is mid-request does it get 503 and is closed.
    public var maxConnections = 512
    /// Requests in flight are given this long to finish when the server stops.
    public var shutdownGraceSeconds = 10.0

    public init() {}
}
