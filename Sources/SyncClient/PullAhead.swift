import Foundation
import JSON
import Synchronization
import SyncProtocol

/// A reply, read: the response parsed and, for a verifying replica, everything of its
/// verification that needs no key (``PageVerifier/prepare(_:proofs:)``).
struct Page: Sendable {
    let response: Result<SyncResponse, any Error>
    let prepared: PageVerifier.Prepared?

    init(_ reply: TransportReply, verifying: Bool) {
        response = Result { try SyncCodec.response(JSONTree.parse(reply.body)) }
        if verifying, case .success(let page) = response, page.protocol >= 4 {
            prepared = PageVerifier.prepare(page.changes, proofs: page.proofs)
        } else {
            prepared = nil
        }
    }
}

/// Pure pulls running ahead of what the replica applies, so the hub prepares the next pages
/// while this one is parsed, hashed and applied: with one core for each side, a clone runs at the
/// pace of the slower side rather than of both in turn.
///
/// Each pull runs and is read on its own thread. As soon as its reply arrives it starts the pull
/// after it (the reply's header names the checkpoint), which leaves once fewer than ``depth``
/// pulls are unconsumed: the pages held in memory stay bounded whatever the two sides' speeds.
/// Pulls change nothing on the replica; one that is never consumed is simply dropped. The chain
/// is taken from (``take(for:)``) by one thread, the applier's.
final class PullAhead: @unchecked Sendable {
    /// Pulls that may have left and not yet been taken by the applier, the one being applied not counted.
    static let depth = 2

    private let transport: any SyncTransport
    private let url: URL
    private let token: String
    private let verifying: Bool
    private let makeBody: @Sendable (Int64) -> [UInt8]
    /// Free places for a pull to leave; taking a page gives one back. Made empty and filled:
    /// libdispatch traps on freeing a semaphore below the value it was made with.
    private let places = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    /// Starts the chain with a pull for `checkpoint`; `body` makes a pull's request for a checkpoint.
    init(transport: any SyncTransport, url: URL, token: String, verifying: Bool, checkpoint: Int64,
         body: @escaping @Sendable (Int64) -> [UInt8]) {
        self.transport = transport
        self.url = url
        self.token = token
        self.verifying = verifying
        self.makeBody = body
        for _ in 0..<Self.depth { places.signal() }
        first = Pull(checkpoint: checkpoint)
        start(first)
    }

    /// The next pull to take; only the applier's thread reads or moves it.
    private var first: Pull

    /// Takes the pull at the front when it is for `checkpoint`: its reply (once it arrives) and then
    /// its page. `nil` when the chain has nothing for that checkpoint: the caller asks itself.
    func take(for checkpoint: Int64) -> Pull? {
        guard !stopped.load(ordering: .acquiring), first.checkpoint == checkpoint else { return nil }
        let taken = first
        places.signal()
        // The reply names the pull after it; the thread started it (or left none) before `arrived`.
        if case .success = taken.replyResult(), let next = taken.next {
            first = next
        } else {
            stop()
        }
        return taken
    }

    /// Whether the chain ended: stopped, or a reply named no page after it.
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Ends the chain: a pull waiting for its place does not leave, and none is started after.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        places.signal()   // the one pull that may be waiting for a place
    }

    private func start(_ pull: Pull) {
        Thread { [self] in
            places.wait()
            if stopped.load(ordering: .acquiring) {
                places.signal()   // handed on: a later waiter (there is none) would find it
                pull.finish(.failure(TransportError("the pull was not needed")), next: nil, page: nil)
                return
            }
            let outcome: Result<TransportReply, TransportError>
            do throws(TransportError) { outcome = .success(try transport.post(url, body: makeBody(pull.checkpoint), token: token)) } catch { outcome = .failure(error) }
            var next: Pull?
            if case .success(let reply) = outcome, reply.status == 200,
               let checkpoint = reply.headers[SyncProtocol.nextCheckpointHeader.lowercased()].flatMap({ Int64($0) }) {
                next = Pull(checkpoint: checkpoint)
            }
            pull.arrive(outcome, next: next)
            if let next { start(next) }
            if case .success(let reply) = outcome, reply.status == 200 { pull.read(Page(reply, verifying: verifying)) } else { pull.read(nil) }
        }.start()
    }

    /// One pull: its reply, available as soon as it arrives, and its page once read.
    final class Pull: @unchecked Sendable {
        let checkpoint: Int64
        private let arrived = DispatchSemaphore(value: 0)
        private let readDone = DispatchSemaphore(value: 0)
        // Written once by the pull's thread before the semaphore that publishes it.
        private var outcome: Result<TransportReply, TransportError> = .failure(TransportError("not run"))
        private var page: Page?
        fileprivate private(set) var next: Pull?

        init(checkpoint: Int64) { self.checkpoint = checkpoint }

        fileprivate func arrive(_ outcome: Result<TransportReply, TransportError>, next: Pull?) {
            self.outcome = outcome
            self.next = next
            arrived.signal()
        }

        fileprivate func read(_ page: Page?) {
            self.page = page
            readDone.signal()
        }

        fileprivate func finish(_ outcome: Result<TransportReply, TransportError>, next: Pull?, page: Page?) {
            arrive(outcome, next: next)
            read(page)
        }

        fileprivate func replyResult() -> Result<TransportReply, TransportError> {
            arrived.wait()
            arrived.signal()   // a second look finds it too
            return outcome
        }

        /// The reply, waiting for it.
        func reply() throws(TransportError) -> TransportReply { try replyResult().get() }

        /// The page read from a 200 reply; nil for any other status.
        func read() -> Page? {
            readDone.wait()
            readDone.signal()
            return page
        }
    }
}
