import HTTP
import SyncProtocol

extension Hub {
    /// The HTTP server's own refusals, written as the hub writes every error.
    public static let errors: HTTPServer.ErrorWriter = { status, code, message in .error(status, code: code, message: message) }
}

extension HTTPResponse {
    /// `{"error":{"code":…,"message":…}}` (with `results` when a batch was refused): what every
    /// failure of the hub looks like, the HTTP server's own refusals included.
    public static func error(_ status: HTTPStatus, code: String, message: String, results: [ChangeResult]? = nil) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]),
                     body: SyncCodec.encode(ErrorReply(code: code, message: message, results: results)))
    }
}
