#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT for a long-running command (`serve`): blocked in every thread, and taken
/// with `sigwait` on the calling thread. Nothing here can be released by the optimiser, unlike a
/// dispatch source kept only in a local array (which once left a release build deaf to SIGTERM).
enum StopSignals {
    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Blocks both signals in this thread and every thread it starts from now on. Call it before
    /// starting any thread.
    static func block() {
        var set = set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGTERM or SIGINT; returns which arrived.
    static func wait() -> Int32 {
        var set = set
        var signal: Int32 = 0
        while sigwait(&set, &signal) != 0 {}
        return signal
    }
}
