import Crypto
import Foundation
import JSON
import Replication
import SyncProtocol

/// Attached files, after the changes (PROTOCOL.md Part 4): the files this replica attached go to
/// the hub, and the files of every record it holds come from it, a part at a time. Both resume
/// where they stopped: the hub says how much it holds, and this store keeps what arrived.
extension SyncClient {
    /// Bytes per request either way.
    static let filePartBytes = 4 << 20

    func transferFiles(_ report: inout Report, progress: ((Report) -> Void)?) throws {
        for (sha256, record) in try store.fileReferences() {
            guard let size = try declaredSize(sha256, record: record) else { continue }
            let url = hub.appendingPathComponent("v1/files/\(record)/\(Hex.encode(sha256))")
            let state = try store.fileState(sha256)
            if let state, state.isComplete, state.size == size {
                if !state.uploaded, try send(sha256, size: size, url: url, &report, progress) { try store.setFileUploaded(sha256) }
            } else {
                try fetch(sha256, size: size, url: url, &report, progress)
            }
        }
    }

    /// The size the record's field declares for the file.
    private func declaredSize(_ sha256: [UInt8], record: String) throws -> Int? {
        let field = ReplicaStore.fileField(sha256)
        guard case .text(let text)? = try store.record(record, only: [field])?[field],
              case .number(let size)? = try? JSONTree.parse(Array(text.utf8))["size"] else { return nil }
        return Int(size).flatMap { (1...ReplicaStore.maxFileBytes).contains($0) ? $0 : nil }
    }

    /// Sends what the hub lacks of a file; whether the hub now holds it all (or it is not this
    /// replica's to send).
    private func send(_ sha256: [UInt8], size: Int, url: URL, _ report: inout Report, _ progress: ((Report) -> Void)?) throws -> Bool {
        var offset = 0
        var part: [UInt8] = []   // the first request sends nothing: the hub says how much it holds
        while true {
            let reply = try exchange("POST", url, headers: [("Tianbao-Offset", String(offset)), ("Content-Type", "application/octet-stream")], body: part)
            switch reply.status {
            case 200:
                report.fileBytes += part.count
                guard case .number(let have)? = try? JSONTree.parse(reply.body)["have"], let held = Int(have) else {
                    throw Failure.rejected(status: 200, code: "bad_reply", message: "the hub's answer to a file part names no 'have'")
                }
                offset = held
            case 409 where reply.headers["tianbao-have"] != nil:
                offset = Int(reply.headers["tianbao-have"] ?? "") ?? 0
            case 403, 404:
                // Not this unit's file, or the change naming it was refused (the sync reported it).
                return reply.status == 403
            default:
                throw Self.fileFailure(reply)
            }
            if offset >= size {
                report.filesSent += 1
                progress?(report)
                return true
            }
            part = try store.fileBytes(sha256, from: offset, maxBytes: Self.filePartBytes)
            guard !part.isEmpty else { return false }
            progress?(report)
        }
    }

    /// Fetches what this store lacks of a file, checking the whole against its hash. The next
    /// range is asked for while this one is stored.
    private func fetch(_ sha256: [UInt8], size: Int, url: URL, _ report: inout Report, _ progress: ((Report) -> Void)?) throws {
        try store.expectFile(sha256, size: size)
        guard var have = try store.fileState(sha256)?.have else { return }
        func ask(from start: Int) -> RangeRequest {
            RangeRequest { [transport, token] () throws(TransportError) -> TransportReply in
                try transport.send("GET", url, headers: [("Range", "bytes=\(start)-\(min(size, start + Self.filePartBytes) - 1)")], body: [], token: token)
            }
        }
        var next: RangeRequest? = have < size ? ask(from: have) : nil
        while have < size, let current = next {
            let reply: TransportReply
            do { reply = try current.reply() } catch { throw Failure.unavailable(error.description) }
            switch reply.status {
            case 206, 200:
                let bytes = Array((reply.status == 200 ? reply.body.dropFirst(have) : reply.body[...]).prefix(size - have))
                guard !bytes.isEmpty else { return }
                next = have + bytes.count < size ? ask(from: have + bytes.count) : nil
                do {
                    have = try store.appendFile(sha256, at: have, bytes).have
                } catch ReplicaStore.FileError.hashMismatch {
                    report.fileProblems.append("the hub's copy of file \(Hex.encode(sha256).prefix(16))… does not match the hash its record names: it was altered or damaged at the hub; nothing of it was kept — ask the province to check ('tianbao hub verify')")
                    return
                }
                report.fileBytes += bytes.count
                progress?(report)
            case 404, 409:
                return   // not visible to this replica, or not all at the hub yet: the next sync
            default:
                throw Self.fileFailure(reply)
            }
        }
        guard have == size else { return }
        try store.setFileUploaded(sha256)
        report.filesFetched += 1
        progress?(report)
    }

    /// A range request running on its own thread.
    final class RangeRequest: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        // Written once, before `done` is signalled.
        private var outcome: Result<TransportReply, TransportError> = .failure(TransportError("not run"))

        init(_ request: @escaping @Sendable () throws(TransportError) -> TransportReply) {
            Thread { [self] in
                do throws(TransportError) { outcome = .success(try request()) } catch { outcome = .failure(error) }
                done.signal()
            }.start()
        }

        func reply() throws(TransportError) -> TransportReply {
            done.wait()
            done.signal()
            return try outcome.get()
        }
    }

    private func exchange(_ method: String, _ url: URL, headers: [(String, String)], body: [UInt8]) throws -> TransportReply {
        do {
            return try transport.send(method, url, headers: headers, body: body, token: token)
        } catch {
            throw Failure.unavailable(error.description)
        }
    }

    static func fileFailure(_ reply: TransportReply) -> Failure {
        let error = errorReply(reply)
        switch reply.status {
        case 401: return .unauthorized(error?.error.message ?? "401")
        case 500, 502, 503, 504, 429, 408: return .unavailable("the hub answered \(reply.status); try again later")
        default: return .rejected(status: reply.status, code: error?.error.code ?? "unknown", message: error?.error.message ?? "")
        }
    }
}
