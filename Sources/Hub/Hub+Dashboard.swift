import Foundation
import HTTP
import Messages
import Synchronization
import Submissions

extension Hub {
    static let dashboardPath = "/dashboard"

    /// `GET /dashboard`: the read-only page for the province's and a city commission's officials.
    /// A browser logs in with HTTP Basic authentication (the enrolled token as the password, over
    /// the TLS nginx terminates), so no token ever goes in an address, a link or the page; a
    /// script may send the token as a Bearer header instead. A hospital's or an enterprise's
    /// token sees nothing.
    func dashboard(_ request: HTTPRequest) -> HTTPResponse {
        let headers = Self.bearerFromBasic(request.headers)
        // What the viewer may see is gathered under the hub's lock; the page is written after it,
        // so syncs wait for the data only.
        let gathered: Gathered = state.withLock { s in
            switch authenticate(headers, s) {
            case .failure:
                var response = Self.page(.unauthorized, DashboardPage.notice(DashboardPage.say(.dbLoginTitle), DashboardPage.say(.dbLogin)))
                response.headers.set("WWW-Authenticate", "Basic realm=\"Tianbao\", charset=\"UTF-8\"")
                return .answer(response)
            case .success(let principal):
                guard principal.actor.role == .province || principal.actor.role == .city else {
                    var response = Self.page(.forbidden, DashboardPage.notice(DashboardPage.say(.dbForbiddenTitle),
                                                                             DashboardPage.say(.dbForbidden, principal.actor.role.chinese)))
                    response.principal = principal.logName
                    return .answer(response)
                }
                do {
                    return .page(principal, try dashboard(for: principal, now: now, s))
                } catch {
                    // The detail (a path, SQLite's words) is the operator's, not the viewer's.
                    FileHandle.standardError.write(Data("dashboard for \(principal.logName) failed: \(error)\n".utf8))
                    return .answer(.error(.internalServerError, code: "dashboard_failed", message: Message.dbFailed.text()))
                }
            }
        }
        switch gathered {
        case .answer(let response): return response
        case .page(let principal, let dashboard):
            var response = Self.page(.ok, DashboardPage.html(dashboard))
            response.principal = principal.logName
            return response
        }
    }

    /// What the lock hands out: a page's data, or an answer already made.
    private enum Gathered {
        case page(Principal, Dashboard)
        case answer(HTTPResponse)
    }

    /// An HTML answer that runs nothing, loads nothing from elsewhere and is framed by no other site.
    static func page(_ status: HTTPStatus, _ html: String) -> HTTPResponse {
        var response = HTTPResponse.text(status, html, contentType: "text/html; charset=utf-8")
        response.headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    /// HTTP Basic credentials as the token they carry: the password is the whole token
    /// (`<replica>.<secret>`), or the user name is the replica and the password its secret.
    static func bearerFromBasic(_ headers: HTTPHeaders) -> HTTPHeaders {
        guard let header = headers["Authorization"], header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return headers }
        let (user, password) = (text[..<colon], text[text.index(after: colon)...])
        let token = password.contains(".") ? String(password) : "\(user).\(password)"
        var bearer = headers
        bearer.set("Authorization", "Bearer \(token)")
        return bearer
    }
}
