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
                // Parse and match loops poll this: SIGTERM stops even a long parse within a second.
                Cancellation.request()
                supervisor.interruptAll()
                onInterrupt?(sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
