import Messages
import Foundation
import GzipCodec
import SyncProtocol

/// HTTPS to a hub, through the system's libcurl found with dlopen at run time: no header, no
/// `-dev` package, no new dependency, and nothing loaded by a command that does not sync over
/// HTTPS (FoundationNetworking, which links libcurl and its thirty libraries into every start,
/// cost each command of the CLI 7 ms before it began). It trusts the system's store, or — for a
/// hub whose certificate a private CA signed (卫生专网, `init --ca-file`) — that CA's file and
/// nothing else.
public struct CurlTransport: SyncTransport {
    /// The only CA trusted; nil for the system's store.
    public let caFile: String?
    public let timeoutSeconds: Double

    public init(caFile: String?, timeoutSeconds: Double = 60) {
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
    }

    public func post(_ url: URL, body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        var headers = [("Content-Type", "application/json")]
        var payload = body
        if body.count > 1024 {
            headers.append(("Content-Encoding", "gzip"))
            payload = Gzip.compress(body)
        }
        return try perform("POST", url, headers: headers, body: payload, token: token)
    }

    public func send(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8], token: String) throws(TransportError) -> TransportReply {
        try perform(method, url, headers: headers, body: method == "GET" ? nil : body, token: token)
    }

    public func get(_ url: URL, token: String? = nil) throws(TransportError) -> TransportReply {
        try perform("GET", url, headers: [], body: nil, token: token)
    }

    /// One request through a fresh easy handle: libcurl verifies the peer against `caFile` only, or
    /// against the system's store.
    private func perform(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8]?, token: String?) throws(TransportError) -> TransportReply {
        let host = url.host ?? url.absoluteString
        guard let curl = Curl.shared else { throw TransportError(Message.cannotReachHub.text(host, Message.noLibcurl.text())) }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw TransportError(Message.cannotReachHub.text(host, Message.caFileUnreadable.text(caFile)), certificate: true)
        }
        guard let handle = curl.easyInit() else { throw TransportError(Message.cannotReachHub.text(host, "curl_easy_init")) }
        defer { curl.easyCleanup(handle) }
        var list: OpaquePointer?
        var lines = headers.map { "\($0.0): \($0.1)" } + ["User-Agent: \(Build.userAgent)", "Expect:"]
        if let token { lines.append("Authorization: Bearer \(token)") }
        for line in lines { list = line.withCString { curl.slistAppend(list, $0) } }
        defer { curl.slistFreeAll(list) }
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        var failed = false
        func text(_ option: Int32, _ value: String) -> Int32 { value.withCString { curl.setPointer(handle, option, $0) } }
        func set(_ option: Int32, _ value: String) { if text(option, value) != 0 { failed = true } }
        set(Curl.url, url.absoluteString)
        if let caFile {
            // Only that CA: no directory of others (Debian's libcurl also reads /etc/ssl/certs).
            set(Curl.caInfo, caFile)
            if curl.setPointer(handle, Curl.caPath, nil) != 0 { failed = true }
        }
        // HTTPS alone, whatever a redirect or an address says.
        if text(Curl.protocolsString, "https") != 0 && curl.setLong(handle, Curl.protocols, Curl.httpsOnly) != 0 { failed = true }
        set(Curl.customRequest, method)
        set(Curl.acceptEncoding, "gzip")
        if curl.setPointer(handle, Curl.httpHeader, UnsafeRawPointer(list)) != 0 { failed = true }
        if curl.setLong(handle, Curl.noSignal, 1) != 0 || curl.setLong(handle, Curl.timeoutMS, Int(timeoutSeconds * 1000)) != 0
            || curl.setLong(handle, Curl.connectTimeoutMS, Int(min(timeoutSeconds, 15) * 1000)) != 0 { failed = true }
        if curl.setFunction(handle, Curl.writeFunction, Sink.write) != 0 || curl.setPointer(handle, Curl.writeData, box.toOpaque()) != 0
            || curl.setFunction(handle, Curl.headerFunction, Sink.header) != 0 || curl.setPointer(handle, Curl.headerData, box.toOpaque()) != 0 {
            failed = true
        }
        guard !failed else { throw TransportError(Message.cannotReachHub.text(host, "curl_easy_setopt")) }
        let code: Int32 = (body ?? []).withUnsafeBytes { bytes in
            if let body {
                _ = curl.setLong(handle, Curl.postFieldSize, body.count)
                _ = curl.setPointer(handle, Curl.postFields, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
            } else {
                _ = curl.setLong(handle, Curl.httpGet, 1)
            }
            return curl.easyPerform(handle)
        }
        guard code == 0 else {
            let reason = String(cString: curl.strerror(code))
            throw TransportError(Message.cannotReachHub.text(host, reason), certificate: Curl.certificateErrors.contains(code))
        }
        var status = 0
        _ = curl.getLong(handle, Curl.responseCode, &status)
        return TransportReply(status: status, body: sink.body, headers: sink.headers)
    }

    /// What libcurl hands over while a request runs: the body's bytes and the last response's headers.
    private final class Sink {
        var body: [UInt8] = []
        var headers: [String: String] = [:]

        /// Keeps the reply's bytes, as libcurl has un-gzipped them; past the limit a plain socket
        /// holds to, it stops the transfer (0 taken: libcurl fails it), so a reply cannot grow without end.
        static let write: @convention(c) (UnsafeMutableRawPointer?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
            guard let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            guard sink.body.count + size * count <= SocketTransport.maxReplyBytes else { return 0 }
            if let data { sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count)) }
            return size * count
        }

        static let header: @convention(c) (UnsafeMutableRawPointer?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
            guard let user, let data else { return size * count }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            // A new status line (after a 100 Continue, or a redirect) starts the headers again.
            if line.hasPrefix("HTTP/") { sink.headers = [:] }
            if let colon = line.firstIndex(of: ":") {
                sink.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return size * count
        }
    }
}

/// libcurl's easy interface, loaded and looked up once, at the first request over HTTPS.
/// curl_easy_setopt is variadic; each of its argument kinds gets its own typed entry point, as
/// the C calling convention of the platforms Tianbao runs on (x86-64, AArch64 Linux) allows.
final class Curl: @unchecked Sendable {
    typealias Callback = @convention(c) (UnsafeMutableRawPointer?, Int, Int, UnsafeMutableRawPointer?) -> Int

    let easyInit: @convention(c) () -> OpaquePointer?
    let easyCleanup: @convention(c) (OpaquePointer?) -> Void
    let easyPerform: @convention(c) (OpaquePointer?) -> Int32
    let setPointer: @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32
    let setLong: @convention(c) (OpaquePointer?, Int32, Int) -> Int32
    let setFunction: @convention(c) (OpaquePointer?, Int32, Callback) -> Int32
    let getLong: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int>) -> Int32
    let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>) -> OpaquePointer?
    let slistFreeAll: @convention(c) (OpaquePointer?) -> Void
    let strerror: @convention(c) (Int32) -> UnsafePointer<CChar>

    // CURLoption values (curl.h: LONG 0, OBJECTPOINT 10000, FUNCTIONPOINT 20000, OFF_T 30000).
    static let writeData: Int32 = 10001, url: Int32 = 10002, postFields: Int32 = 10015, httpHeader: Int32 = 10023
    static let headerData: Int32 = 10029, customRequest: Int32 = 10036, caInfo: Int32 = 10065, caPath: Int32 = 10097, acceptEncoding: Int32 = 10102
    static let protocolsString: Int32 = 10318, protocols: Int32 = 181, httpsOnly = 2   // CURLPROTO_HTTPS, for a libcurl before 7.85
    static let writeFunction: Int32 = 20011, headerFunction: Int32 = 20079
    static let postFieldSize: Int32 = 30120, httpGet: Int32 = 80, noSignal: Int32 = 99, timeoutMS: Int32 = 155, connectTimeoutMS: Int32 = 156
    static let responseCode: Int32 = 0x200002
    /// CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT (60), CURLE_SSL_CACERT_BADFILE.
    static let certificateErrors: Set<Int32> = [51, 58, 60, 77]

    static let shared: Curl? = Curl()

    private init?() {
        guard let library = dlopen("libcurl.so.4", RTLD_NOW) ?? dlopen("libcurl-gnutls.so.4", RTLD_NOW) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? { dlsym(library, name).map { unsafeBitCast($0, to: type) } }
        guard let easyInit = symbol("curl_easy_init", as: (@convention(c) () -> OpaquePointer?).self),
              let easyCleanup = symbol("curl_easy_cleanup", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let easyPerform = symbol("curl_easy_perform", as: (@convention(c) (OpaquePointer?) -> Int32).self),
              let setPointer = symbol("curl_easy_setopt", as: (@convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32).self),
              let setLong = symbol("curl_easy_setopt", as: (@convention(c) (OpaquePointer?, Int32, Int) -> Int32).self),
              let setFunction = symbol("curl_easy_setopt", as: (@convention(c) (OpaquePointer?, Int32, Callback) -> Int32).self),
              let getLong = symbol("curl_easy_getinfo", as: (@convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int>) -> Int32).self),
              let slistAppend = symbol("curl_slist_append", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>) -> OpaquePointer?).self),
              let slistFreeAll = symbol("curl_slist_free_all", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let strerror = symbol("curl_easy_strerror", as: (@convention(c) (Int32) -> UnsafePointer<CChar>).self)
        else { return nil }
        (self.easyInit, self.easyCleanup, self.easyPerform) = (easyInit, easyCleanup, easyPerform)
        (self.setPointer, self.setLong, self.setFunction, self.getLong) = (setPointer, setLong, setFunction, getLong)
        (self.slistAppend, self.slistFreeAll, self.strerror) = (slistAppend, slistFreeAll, strerror)
    }
}
