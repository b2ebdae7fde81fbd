import Messages
import Crypto
import Foundation
import JSON
import Replication
import SyncProtocol

/// Attached files, after the changes (PROTOCOL.md Part 4): the files this replica attached go to
/// the hub, and the files of every record it holds come from it, a part at a time. Both resume
/// where they stopped: the hub says how much it holds, and this store keeps what arrived.
extension SyncClient {
    /// Bytes of the first part sent: small enough to arrive within the hub's request timeout on a
    /// slow uplink (1 MiB in 15 s is 0.6 Mbit/s). A part that arrived quickly doubles the next, up
    /// to what the hub takes in one (``sendPartLimit``): a fast link spends fewer round trips.
    static let sendPartBytes = 1 << 20
    static let sendPartLimit = 4 << 20
    /// Bytes per range fetched.
    static let fetchPartBytes = 4 << 20

    /// Each file on its own: one that fails is reported and the others go on; only a hub that
    /// cannot be reached (or refuses the token) stops them all.
    func transferFiles(_ report: inout Report, progress: ((Report) -> Void)?) throws {
        var work: [(ReplicaStore.FileKey, size: Int, unit: String)] = []
        for key in try store.fileReferences() {
            guard let (size, unit) = try declared(key) else { continue }
            let state = try store.fileState(key)
            if let state, state.isComplete, state.size == size, state.uploaded { continue }
            work.append((key, size, unit))
        }
        // What this sync has to move, so a terminal can show a share of it.
        report.fileBytesTotal = work.reduce(0) { $0 + $1.size }
        for (key, size, unit) in work {
            let url = hub.appendingPathComponent("v1/files/\(key.record)/\(Hex.encode(key.sha256))")
            let name = Message.fileOfRecord.text(Hex.encode(key.sha256).prefix(16), key.record)
            do {
                let state = try store.fileState(key)
                if let state, state.isComplete, state.size == size {
                    if !state.uploaded, try send(key, size: size, url: url, &report, progress) { try store.setFileUploaded(key) }
                } else if state == nil || state?.size == size {
                    try fetch(key, size: size, unit: unit, url: url, &report, progress)
                } else {
                    report.fileProblems.append(Message.fileOtherSize.text(name))
                }
            } catch let failure as Failure {
                switch failure {
                case .unavailable, .unauthorized, .untrustedHub: throw failure
                case .rejected(_, let code, let message): report.fileProblems.append(Message.fileProblem.text(name, "\(message) (\(code))"))
                }
            } catch let error as ReplicaStore.FileError {
                report.fileProblems.append(Message.fileProblem.text(name, "\(error)"))
            }
        }
    }

    /// The size the record's field declares for the file, and the record's unit.
    private func declared(_ key: ReplicaStore.FileKey) throws -> (Int, String)? {
        let field = ReplicaStore.fileField(key.sha256)
        guard let record = try store.record(key.record, only: ["_unit", field]), let unit = record["_unit"]?.text,
              let bytes = BundleFiles.declaredSize(record[field]) else { return nil }
        return (bytes, unit)
    }

    /// Sends what the hub lacks of a file; whether the hub now holds it all (or it is not this
    /// replica's to send).
    private func send(_ key: ReplicaStore.FileKey, size: Int, url: URL, _ report: inout Report, _ progress: ((Report) -> Void)?) throws -> Bool {
        var offset = 0
        var part: [UInt8] = []   // the first request sends nothing: the hub says how much it holds
        var partBytes = Self.sendPartBytes
        while true {
            let started = Date()
            let reply = try exchange("POST", url, headers: [("Tianbao-Offset", String(offset)), ("Content-Type", "application/octet-stream")], body: part)
            if part.count == partBytes, Date().timeIntervalSince(started) < quickPartSeconds {
                partBytes = min(partBytes * 2, Self.sendPartLimit)
            }
            switch reply.status {
            case 200:
                report.fileBytes += part.count
                let answer = try? JSONTree.parse(reply.body)
                guard case .number(let have)? = answer?["have"], let held = Int(have),
                      case .number(let whole)? = answer?["size"], Int(whole) == size else {
                    throw Failure.rejected(status: 200, code: "bad_reply", message: Message.fileAnswerNoOffset.text())
                }
                offset = held
            case 409 where reply.headers["tianbao-have"] != nil:
                offset = Int(reply.headers["tianbao-have"] ?? "") ?? 0
            case 403:
                return true   // not this unit's file to send: nothing more to do here
            case 404:
                return false  // the change naming it was refused (the sync reported it)
            default:
                throw Self.fileFailure(reply)
            }
            if offset == size {
                report.filesSent += 1
                progress?(report)
                return true
            }
            guard offset < size else { throw Failure.rejected(status: 200, code: "bad_reply", message: Message.fileHubHoldsMore.text()) }
            part = try store.fileBytes(key, from: offset, maxBytes: partBytes)
            guard !part.isEmpty else { return false }
            progress?(report)
        }
    }

    /// Fetches what this store lacks of a file, checking the whole against its hash. The next
    /// range is asked for while this one is stored.
    private func fetch(_ key: ReplicaStore.FileKey, size: Int, unit: String, url: URL, _ report: inout Report, _ progress: ((Report) -> Void)?) throws {
        try store.expectFile(key, size: size, unit: unit)
        guard var have = try store.fileState(key)?.have else { return }
        func ask(from start: Int) -> RangeRequest {
            RangeRequest { [transport, token] () throws(TransportError) -> TransportReply in
                try transport.send("GET", url, headers: [("Range", "bytes=\(start)-\(min(size, start + Self.fetchPartBytes) - 1)")], body: [], token: token)
            }
        }
        var next: RangeRequest? = have < size ? ask(from: have) : nil
        while have < size, let current = next {
            let reply: TransportReply
            do { reply = try current.reply() } catch { throw Failure(error) }
            switch reply.status {
            case 206, 200:
                let bytes = Array((reply.status == 200 ? reply.body.dropFirst(have) : reply.body[...]).prefix(size - have))
                guard !bytes.isEmpty else { return }
                next = have + bytes.count < size ? ask(from: have + bytes.count) : nil
                do {
                    have = try store.appendFile(key, at: have, bytes).have
                } catch ReplicaStore.FileError.hashMismatch {
                    report.fileProblems.append("the hub's copy of file \(Hex.encode(key.sha256).prefix(16))… of record \(key.record) does not match the hash its record names: it was altered or damaged at the hub; nothing of it was kept — ask the province to check ('tianbao hub verify')")
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
        guard let state = try store.fileState(key), state.isComplete, state.size == size else { return }
        try store.setFileUploaded(key)
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
            throw Failure(error)
        }
    }

    static func fileFailure(_ reply: TransportReply) -> Failure {
        let error = errorReply(reply)
        switch reply.status {
        case 401: return .unauthorized(error?.error.message ?? "401")
        case 500, 502, 503, 504, 429, 408: return .unavailable(Message.hubAnsweredLater.text(reply.status))
        default: return .rejected(status: reply.status, code: error?.error.code ?? "unknown", message: error?.error.message ?? "")
        }
    }
}
