import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns Ctrl-C / SIGTERM to the tool into an orderly stop: every live child
/// group is terminated, no new work starts, and the caller writes its partial
/// report before exiting 130.
///
/// A real `sigaction` handler, not a dispatch signal source: the source used
/// `SIG_IGN` plus libdispatch's own delivery, and a signal the kernel handed to
/// a thread that did not block it was dropped (issue 21: a SIGTERM during a
/// long parse was honoured 8 s late, or not at all: exit 1, `interrupted:
/// false`). The handler does only async-signal-safe work: two atomic stores
/// (`Cancellation.signal()`, which the parse and match loops poll and
/// `Supervisor.isInterrupted` reads) and a `write(2)` that wakes a thread of
/// its own, which terminates the children's groups.
public enum InterruptHandler {
    /// The write end of the wake-up pipe (read by the handler; set once, before any handler runs).
    nonisolated(unsafe) static var wakeFD: Int32 = -1

    /// Installs the handlers once, at start-up, on the main thread.
    public static func install(_ supervisor: Supervisor = .shared, onInterrupt: (@Sendable (Int32) -> Void)? = nil) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        // Close-on-exec: children (spawned through cspawn) never inherit the pipe.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let reader = fds[0]
        wakeFD = fds[1]
        _ = Cancellation.isRequested  // its atomics exist before a handler can touch them
        let thread = Thread {
            var sig: Int32 = 0
            while true {
                let n = read(reader, &sig, MemoryLayout<Int32>.size)
                if n < 0 && errno == EINTR { continue }
                guard n == MemoryLayout<Int32>.size else { return }
                supervisor.interruptAll()
                onInterrupt?(sig)
            }
        }
        thread.name = "moq-leakcheck interrupts"
        thread.start()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                Cancellation.signal()
                var s = sig
                _ = write(InterruptHandler.wakeFD, &s, MemoryLayout<Int32>.size)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }
}
