import Messages
import Crypto
import Foundation
import HTTP
import Replication
import Submissions
import Synchronization
import SyncProtocol

/// Attached files (PROTOCOL.md Part 4): `/v1/files/<record>/<sha256>`. A record names a file in a
/// field (``Attachment``), pushed and judged like any change; the bytes follow here, in parts that
/// resume, and are checked against the hash when the last part arrives.
///
/// - `POST` with `Tianbao-Offset: N` appends a part (at most ``maxPartBytes``). Only a replica of
///   the unit whose record names the file sends it, and only from what the hub holds (`409` tells
///   how much that is). `200 {"have":N,"size":S}`; `422 file_hash_mismatch` when the whole does not
///   hash to the name (nothing of it is kept).
/// - `GET` (with `Range: bytes=N-` or `bytes=N-M` to resume) answers the bytes to a replica that
///   may read the record; anyone else is told the record names no such file.
extension Hub {
    static let filesPathPrefix = "/v1/files/"
    /// The most bytes one part carries: within a request body's limit, few round trips a file.
    public static let maxPartBytes = 4 << 20

    func files(_ request: HTTPRequest) -> HTTPResponse {
        let segments = request.path.dropFirst(Self.filesPathPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 2, RecordID.isValid(String(segments[0])), segments[1].utf8.count == 64,
              let sha256 = Hex.decode(segments[1]) else {
            return .error(.notFound, code: "not_found", message: Message.hubFilePath.text())
        }
        let recordID = String(segments[0])
        return state.withLock { s in
            let principal: Principal
            switch authenticate(request, s) {
            case .success(let p): principal = p
            case .failure(let refusal): return refusal.response
            }
            var response: HTTPResponse
            do {
                response = try file(request, record: recordID, sha256: sha256, principal, s)
            } catch {
                response = .error(.internalServerError, code: "internal", message: Message.hubFileServe.text("\(error)"))
            }
            response.principal = principal.logName
            return response
        }
    }

    private func file(_ request: HTTPRequest, record recordID: String, sha256: [UInt8], _ principal: Principal, _ s: State) throws -> HTTPResponse {
        let field = ReplicaStore.fileField(sha256)
        let key = ReplicaStore.FileKey(record: recordID, sha256: sha256)
        let directory = try workspace(s).directory()
        let record = try s.store.record(recordID, only: ReadScope.fields + [field])
        // One answer for a file that is not there, one the record no longer names, one of a deleted
        // record, and one the replica may not see.
        let unknown = HTTPResponse.error(.notFound, code: "unknown_file",
                                         message: Message.hubFileNotNamed.text("\(recordID)", "\(Hex.encode(sha256).prefix(16))"))
        guard let record, record.tombstones.isEmpty, let attachment = Attachment(field: field, value: record[field]),
              try mayRead(recordID, record, principal, directory: directory, s) else { return unknown }
        switch request.method {
        case "GET", "HEAD":
            return try serve(attachment, key: key, range: request.headers["Range"], head: request.method == "HEAD", s)
        case "POST":
            // Sent by a replica of the unit that attached it: the unit enrolled for a replica whose
            // change names the file — the record's own, or a partner applying with it (联合申报).
            // Its bytes count against the record's unit, whose record names them.
            let attachers = try Set((record.fields[field]?.versions ?? []).compactMap { try s.tables.enrollment($0.dot.replica)?.0.org })
            guard let unit = record[WorkflowField.unit]?.text, attachers.contains(principal.actor.org) else {
                return .error(.forbidden, code: "not_owner", message: Message.hubFileNotOwner.text("\(attachment.name)"))
            }
            return try receive(request, attachment, key: key, unit: unit, principal, s)
        default:
            var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: Message.hubFileMethod.text("\(request.method)"))
            response.headers.set("Allow", "GET, HEAD, POST")
            return response
        }
    }

    private func receive(_ request: HTTPRequest, _ attachment: Attachment, key: ReplicaStore.FileKey, unit: String, _ principal: Principal, _ s: State) throws -> HTTPResponse {
        guard let offsetText = request.headers["Tianbao-Offset"], let offset = Int(offsetText), offset >= 0 else {
            return .error(.badRequest, code: "bad_offset", message: Message.hubFileOffset.text())
        }
        guard request.body.count <= Self.maxPartBytes else {
            return .error(.contentTooLarge, code: "part_too_large", message: Message.hubPartTooLarge.text("\(Self.maxPartBytes)"))
        }
        if try s.store.fileState(key) == nil, try !admitsFile(unit: unit, size: attachment.size, s) {
            let held = try s.store.fileBytes(ofUnit: unit)
            return .error(.contentTooLarge, code: "file_quota", message: Message.hubFileQuota.text("\(unit)", "\(ReplicaStore.megabytes(held + attachment.size))", "\(ReplicaStore.megabytes(configuration.maxFileBytesPerUnit))"))
        }
        do {
            try s.store.expectFile(key, size: attachment.size, unit: unit)
            let before = try s.store.fileState(key)
            let state = try s.store.appendFile(key, at: offset, request.body)
            if state.isComplete && before?.isComplete == false {
                let label = try s.tables.enrollment(principal.replica)?.0.label
                try audit(.file, attachment.hashHex, ["record", key.record, "name", attachment.name, "size", String(attachment.size)],
                          by: Self.name(principal.replica, label), s)
            }
            return Self.json(.ok, Array("{\"have\":\(state.have),\"size\":\(state.size)}".utf8))
        } catch let error as ReplicaStore.FileError {
            switch error {
            case .offset(let have):
                var response = HTTPResponse.error(.conflict, code: "file_offset", message: error.description)
                response.headers.set("Tianbao-Have", String(have))
                return response
            case .hashMismatch:
                return .error(.unprocessableContent, code: "file_hash_mismatch", message: error.description)
            case .tooLarge:
                return .error(.contentTooLarge, code: "file_too_large", message: error.description)
            case .sizeMismatch:
                return .error(.conflict, code: "file_size", message: error.description + "; detach the file and attach it again")
            case .beyondSize, .unknown:
                return .error(.badRequest, code: "bad_part", message: error.description)
            }
        }
    }

    private func serve(_ attachment: Attachment, key: ReplicaStore.FileKey, range: String?, head: Bool, _ s: State) throws -> HTTPResponse {
        guard let state = try s.store.fileState(key), state.isComplete, state.size == attachment.size else {
            return .error(.conflict, code: "file_incomplete", message: Message.hubFileIncomplete.text("\(attachment.name)"))
        }
        var (from, to) = (0, attachment.size - 1)
        if let range {
            guard let (start, end) = Self.byteRange(range, size: attachment.size) else {
                var response = HTTPResponse.error(.rangeNotSatisfiable, code: "bad_range", message: Message.hubBadRange.text("\(range)", "\(attachment.size)"))
                response.headers.set("Content-Range", "bytes */\(attachment.size)")
                return response
            }
            (from, to) = (start, end)
        }
        var headers = HTTPHeaders([("Content-Type", attachment.type), ("ETag", "\"\(attachment.hashHex)\""), ("Accept-Ranges", "bytes")])
        if range != nil { headers.set("Content-Range", "bytes \(from)-\(to)/\(attachment.size)") }
        let body = head ? [] : try s.store.fileBytes(key, from: from, maxBytes: to - from + 1)
        return HTTPResponse(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
    }

    /// Whether a new file of `size` bytes fits `unit`'s share of the hub's disk, once what no record
    /// names any more is gone.
    func admitsFile(unit: String, size: Int, _ s: State) throws -> Bool {
        if try s.store.fileBytes(ofUnit: unit) + size > configuration.maxFileBytesPerUnit { try collectUnnamedFiles(unit: unit, s) }
        return try s.store.fileBytes(ofUnit: unit) + size <= configuration.maxFileBytesPerUnit
    }

    /// `bytes=N-` or `bytes=N-M` (M past the end is the end), within `size`.
    static func byteRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes=") else { return nil }
        let parts = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0]), start >= 0, start < size else { return nil }
        if parts[1].isEmpty { return (start, size - 1) }
        guard let end = Int(parts[1]), end >= start else { return nil }
        return (start, min(end, size - 1))
    }

    /// Drops the bytes of files no record names any more (detached, or of a deleted record):
    /// the hub serves none of them. Run when the hub opens, and when a unit reaches its share.
    func collectUnnamedFiles(unit: String? = nil, _ s: State) throws {
        for key in try s.store.fileKeys(unit: unit) {
            let field = ReplicaStore.fileField(key.sha256)
            let record = try s.store.record(key.record, only: [field])
            if let record, record.tombstones.isEmpty, let value = record[field], value != .null { continue }
            try s.store.dropFile(key)
        }
    }
}
