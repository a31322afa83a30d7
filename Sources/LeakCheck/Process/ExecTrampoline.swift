import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The hidden entry points of the tool's own binary that tie children to the tool's
/// life. `posix_spawn` has no hook to run code in the child, and forking a Swift
/// process to call `prctl` there is unsafe, so the supervisor spawns the tool's own
/// executable (`/proc/self/exe`) with `--exec-trampoline`, which sets
/// `PR_SET_PDEATHSIG(SIGKILL)`, checks that the tool is still its parent and `execv`s the
/// real program (keeping pid, process group, descriptors and environment). The same
/// binary also serves as the orphan watchdog (`--orphan-watchdog`).
///
/// The executable calls `runIfRequested` first thing in `main`; until it has, the
/// supervisor spawns programs directly (a test bundle, another host of the library).
public enum ExecTrampoline {
    static let trampolineFlag = "--exec-trampoline"
    static let watchdogFlag = "--orphan-watchdog"
    /// Descriptor on which the trampoline reports a failed exec (the errno, 4 bytes).
    static let errorChannel: Int32 = 3

    private static let routed = Atomic<Bool>(false)

    /// Runs the trampoline or the watchdog when `argv` (the whole `CommandLine.arguments`)
    /// asks for one, and never returns then; returns nil otherwise. Calling it also tells
    /// the supervisor that this executable routes the hidden arguments.
    @discardableResult
    public static func runIfRequested(_ argv: [String]) -> Never? {
        routed.store(true, ordering: .releasing)
        guard argv.count >= 2 else { return nil }
        switch argv[1] {
        case trampolineFlag: trampoline(Array(argv.dropFirst(2)))
        case watchdogFlag: OrphanWatchdog.serve(Array(argv.dropFirst(2)))
        default: return nil
        }
    }

    /// The program to spawn as trampoline and watchdog: this very executable, when its
    /// `main` routes them.
    static var helperExecutable: String? {
        routed.load(ordering: .acquiring) ? "/proc/self/exe" : nil
    }

    /// argv[0] for the helper processes, so `ps` shows the tool's name, not "exe".
    static var helperName: String { CommandLine.arguments.first ?? "moq-leakcheck" }

    /// argv: expected parent pid, program path, then the program's argv (from argv[0]).
    private static func trampoline(_ args: [String]) -> Never {
        guard args.count >= 3, let parent = pid_t(args[0]) else {
            internalUsage(trampolineFlag)
        }
        LinuxProcessControl.setParentDeathSignal(SIGKILL)
        // The tool may have died before the death signal was armed: then nobody is
        // left to supervise this run, so it must not start.
        guard getppid() == parent else { _exit(127) }
        _ = fcntl(errorChannel, F_SETFD, FD_CLOEXEC)
        let path = args[1]
        let programArgv = Array(args.dropFirst(2))
        var pointers: [UnsafeMutablePointer<CChar>?] = programArgv.map { strdup($0) }
        pointers.append(nil)
        execv(path, pointers)
        var code = errno
        _ = withUnsafeBytes(of: &code) { send(errorChannel, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        _exit(127)
    }

    static func internalUsage(_ flag: String) -> Never {
        let message = "moq-leakcheck: \(flag) is internal to the tool's process supervision\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(2)
    }
}
