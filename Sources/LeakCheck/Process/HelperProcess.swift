import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The hidden entry point of the tool's own binary: `--orphan-watchdog` runs the
/// `OrphanWatchdog` that kills what the tool's runs left when the tool dies.
///
/// The executable calls `runIfRequested` first thing in `main`; until it has, the
/// supervisor starts no watchdog (a test bundle, another host of the library). The
/// parent-death signal every child gets does not depend on it (`ChildSpawn`).
public enum HelperProcess {
    static let watchdogFlag = "--orphan-watchdog"

    private static let routed = Atomic<Bool>(false)

    /// Runs the watchdog when `argv` (the whole `CommandLine.arguments`) asks for it,
    /// and never returns then; returns nil otherwise. Calling it also tells the
    /// supervisor that this executable routes the hidden argument.
    @discardableResult
    public static func runIfRequested(_ argv: [String]) -> Never? {
        routed.store(true, ordering: .releasing)
        guard argv.count >= 2, argv[1] == watchdogFlag else { return nil }
        OrphanWatchdog.serve(Array(argv.dropFirst(2)))
    }

    /// The program to spawn as watchdog: this very executable, when its `main`
    /// routes it.
    static var helperExecutable: String? {
        routed.load(ordering: .acquiring) ? "/proc/self/exe" : nil
    }

    /// argv[0] for the helper process, so `ps` shows the tool's name, not "exe".
    static var helperName: String { CommandLine.arguments.first ?? "moq-leakcheck" }

    static func internalUsage(_ flag: String) -> Never {
        let message = "moq-leakcheck: \(flag) is internal to the tool's process supervision\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(2)
    }
}
