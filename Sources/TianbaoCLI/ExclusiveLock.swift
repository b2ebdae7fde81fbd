import Foundation
import Messages

/// An exclusive lock on a file beside what it guards: two overlapping syncs of one replica, or two
/// hubs serving one database, never run at once. The kernel drops it when the process ends.
final class ExclusiveLock {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else { throw CLIFailure(Message.cannotOpenLock.text(path), code: .io) }
    }

    /// Takes the lock without waiting; false when another process holds it.
    func acquire() -> Bool { flock(fd, LOCK_EX | LOCK_NB) == 0 }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
