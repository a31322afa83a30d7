import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Turns Ctrl-C / SIGTERM to the tool into an orderly stop: every live child
/// group is terminated, no new work starts, and the caller writes its partial
/// report before exiting 130.
public enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers once, at start-up, on the main thread.
    public static func install(_ supervisor: Supervisor = .shared, onInterrupt: (@Sendable (Int32) -> Void)? = nil) {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // The supervisor's flag first (it never blocks: the SIGKILL escalation is
                // scheduled, not waited for), then the parse and match loops' flag: a loop
                // that stops on `Cancellation` must find the run already marked interrupted,
                // or the verdict taken right after reads `interrupted: false` (issue 21).
                supervisor.interruptAll()
                Cancellation.request()
                onInterrupt?(sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
