/// How a supervised child ended.
public struct ProcessOutcome: Sendable, Equatable {
    /// Exit status when the child exited normally.
    public var exitCode: Int32?
    /// Signal number when the child was killed by a signal (whoever sent it: see `signalWasOurs`).
    public var signal: Int32?
    /// The timeout fired while the child was still running (strictly before its exit
    /// was observed), so the supervisor stopped it.
    public var timedOut: Bool
    /// The tool was interrupted while the child ran (children were stopped).
    public var interrupted: Bool
    public var durationSeconds: Double
    /// Signals the supervisor itself sent to the child's process group because of a
    /// timeout or an interruption, in order (SIGTERM, then SIGKILL after the grace period).
    public var signalsSent: [Int32]
    /// Set when the supervisor could not learn how the child ended (`waitid` failed with
    /// something other than EINTR). `exitCode` and `signal` are then nil and the run is
    /// incomplete, never a pass.
    public var waitError: String?

    public init(
        exitCode: Int32? = nil, signal: Int32? = nil, timedOut: Bool = false, interrupted: Bool = false,
        durationSeconds: Double = 0, signalsSent: [Int32] = [], waitError: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.interrupted = interrupted
        self.durationSeconds = durationSeconds
        self.signalsSent = signalsSent
        self.waitError = waitError
    }

    /// Exit 0 and nothing else went wrong.
    public var succeeded: Bool {
        exitCode == 0 && signal == nil && !timedOut && !interrupted && waitError == nil
    }

    /// The child died of a signal the supervisor sent (timeout or interruption), not of
    /// a fault of its own: it is never a crash finding.
    public var signalWasOurs: Bool {
        guard let signal else { return false }
        return signalsSent.contains(signal)
    }

    /// Name of the signal that killed the child ("SIGSEGV"); nil when it exited, and nil
    /// when the signal was the supervisor's own (`signalWasOurs`), so a timeout or Ctrl-C
    /// never reads as a crash.
    public var signalName: String? {
        guard let signal, !signalWasOurs else { return nil }
        return SignalNames.name(of: signal)
    }

    /// True when a checker's report of a fatal signal by name ("SIGTERM", as in
    /// valgrind's `<fatal_signal>`) is one the supervisor sent: that is the timeout or
    /// the interruption, not a memory error.
    public func wasSentBySupervisor(signalNamed name: String) -> Bool {
        signalsSent.contains { SignalNames.name(of: $0) == name }
    }

    /// "exit status 1", "killed by SIGSEGV", "timed out", "wait failed: …".
    public var description: String {
        if let waitError { return "wait failed: \(waitError)" }
        if timedOut { return "timed out" }
        if interrupted { return "interrupted" }
        if let signal { return "killed by \(SignalNames.name(of: signal))" }
        return "exit status \(exitCode ?? -1)"
    }
}
