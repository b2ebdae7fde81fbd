import Foundation

/// Where a command writes, and whether a person is watching: cron gets quiet success.
public final class IO: @unchecked Sendable {
    private let lock = NSLock()
    private var out: (String) -> Void
    private var err: (String) -> Void
    /// Standard output is a terminal.
    public let isTerminal: Bool

    public init(isTerminal: Bool, out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.out = out
        self.err = err
    }

    /// The process's standard output and error.
    public static func standard() -> IO {
        IO(isTerminal: isatty(STDOUT_FILENO) == 1,
           out: { FileHandle.standardOutput.write(Data($0.utf8)) },
           err: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    private var progressShown = false

    public func print(_ text: String) { lock.withLock { clearProgressLocked(); out(text + "\n") } }
    public func write(_ text: String) { lock.withLock { clearProgressLocked(); out(text) } }
    public func error(_ text: String) { lock.withLock { clearProgressLocked(); err(text + "\n") } }

    /// A progress line that rewrites itself, shown only on a terminal; the next message clears it.
    public func progress(_ text: String) {
        guard isTerminal else { return }
        lock.withLock {
            err("\r\u{1B}[2K" + text)
            progressShown = true
        }
    }

    private func clearProgressLocked() {
        guard progressShown else { return }
        err("\r\u{1B}[2K")
        progressShown = false
    }
}
