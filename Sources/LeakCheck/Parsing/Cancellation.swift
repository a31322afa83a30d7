import Synchronization

/// A process-wide "stop now" flag that the parse loops poll.
///
/// The signal handler calls `request()` (an atomic store: safe in a handler);
/// the valgrind XML scanner, the valgrind text parser and the sanitizer parser
/// check `isRequested` every few thousand elements or lines and return what
/// they have read so far with `complete = false` and the reason
/// `Cancellation.reason`. Polling is one relaxed load per few thousand lines,
/// so a huge log stops within a second of SIGTERM without slowing parsing.
public enum Cancellation {
    private static let flag = Atomic<Bool>(false)
    /// Set only by a real SIGINT/SIGTERM/SIGHUP (`signal()`), never by a test's simulation.
    private static let signalled = Atomic<Bool>(false)

    /// The `incompleteReason` a parser gives when it stopped because of a request.
    public static let reason = "interrupted"

    /// Asks every running parse loop to stop. Async-signal-safe.
    public static func request() {
        flag.store(true, ordering: .relaxed)
    }

    /// What the tool's signal handler calls: `request()`, and the mark
    /// `Supervisor.isInterrupted` reads, so the verdict is interrupted as soon as
    /// any loop can see the request. Async-signal-safe (two atomic stores).
    public static func signal() {
        signalled.store(true, ordering: .sequentiallyConsistent)
        flag.store(true, ordering: .sequentiallyConsistent)
    }

    /// True once the tool received an interrupting signal.
    public static var isSignalled: Bool { signalled.load(ordering: .sequentiallyConsistent) }

    /// True once `request()` was called (or, inside `simulatingRequest`, always).
    public static var isRequested: Bool {
        flag.load(ordering: .relaxed) || requestedInTask
    }

    /// Lets a test see a parser stop without setting the process-wide flag,
    /// which would stop every parse running in parallel with it.
    @TaskLocal static var requestedInTask = false

    /// How many lines or elements a loop handles between two polls.
    static let pollInterval = 4096
}
