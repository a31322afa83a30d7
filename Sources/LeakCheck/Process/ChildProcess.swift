#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Synchronization

/// What to run: an argv array (never a shell string), its environment and
/// where its output goes. Output always goes to files: no pipe can fill up and
/// deadlock, memory does not grow with the output, and the files stay for
/// post-mortem.
public struct ProcessSpec: Sendable {
    public var executable: String
    public var arguments: [String]
    /// Full environment of the child (nil: inherit the tool's).
    public var environment: [String: String]?
    public var workingDirectory: String?
    /// nil: /dev/null.
    public var stdoutPath: String?
    /// nil: /dev/null. May equal `stdoutPath` (both streams appended to one file).
    public var stderrPath: String?
    /// Seconds before the child's whole process group gets SIGTERM, then SIGKILL after `gracePeriod`.
    public var timeout: Double?
    public var gracePeriod: Double = 5

    public init(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, stdoutPath: String? = nil, stderrPath: String? = nil,
        timeout: Double? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.timeout = timeout
    }
}

/// How a supervised child ended.
public struct ProcessOutcome: Sendable, Equatable {
    /// Exit status when the child exited normally.
    public var exitCode: Int32?
    /// Signal number when the child was killed by a signal.
    public var signal: Int32?
    /// The timeout fired (the group got SIGTERM, maybe SIGKILL).
    public var timedOut: Bool
    /// The tool was interrupted while the child ran (children were stopped).
    public var interrupted: Bool
    public var durationSeconds: Double

    public var succeeded: Bool { exitCode == 0 && signal == nil && !timedOut && !interrupted }

    public var signalName: String? { signal.map(SignalNames.name(of:)) }

    /// "exit status 1", "killed by SIGSEGV", "timed out".
    public var description: String {
        if timedOut { return "timed out" }
        if interrupted { return "interrupted" }
        if let signal { return "killed by \(SignalNames.name(of: signal))" }
        return "exit status \(exitCode ?? -1)"
    }
}

public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var executable: String
    public var code: Int32
    /// The program was found on disk: the failure is about starting it (or its output files).
    public var found: Bool = true
    public var description: String {
        if !found { return "cannot run \(executable): not found" }
        return "cannot start \(executable): \(String(cString: strerror(code)))"
    }
}

public enum SignalNames {
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}

/// Spawns children with `posix_spawn` in their own process groups, reaps them
/// with a blocking `waitpid` on the calling (dedicated) thread, enforces
/// timeouts on the whole group and stops every live group when the tool is
/// interrupted. `Foundation.Process` is avoided on purpose (STYLE.md: inherited
/// signal masks, exit detection through inheritable fds).
public final class Supervisor: Sendable {
    public static let shared = Supervisor()

    private struct State {
        var live: Set<pid_t> = []
        var interrupted = false
        var timedOut: Set<pid_t> = []
    }
    private let state = Mutex(State())

    public init() {}

    /// True once `interruptAll` has been called: callers stop starting work.
    public var isInterrupted: Bool { state.withLock { $0.interrupted } }

    /// Runs the child to completion (blocking the calling thread).
    public func run(_ spec: ProcessSpec) throws -> ProcessOutcome {
        let start = Date()
        if isInterrupted {
            return ProcessOutcome(exitCode: nil, signal: nil, timedOut: false, interrupted: true, durationSeconds: 0)
        }
        let pid = try spawn(spec)
        // A Ctrl-C that arrived between the check above and the spawn must reach this child too.
        let alreadyInterrupted = state.withLock { s -> Bool in
            s.live.insert(pid)
            return s.interrupted
        }
        if alreadyInterrupted { terminateGroup(pid, grace: spec.gracePeriod) }

        var timer: DispatchSourceTimer?
        if let timeout = spec.timeout, timeout > 0 {
            let t = DispatchSource.makeTimerSource(queue: .global())
            t.schedule(deadline: .now() + timeout)
            let grace = spec.gracePeriod
            t.setEventHandler { [self] in
                let stillLive = state.withLock { s -> Bool in
                    guard s.live.contains(pid) else { return false }
                    s.timedOut.insert(pid)
                    return true
                }
                if stillLive { terminateGroup(pid, grace: grace) }
            }
            t.resume()
            timer = t
        }

        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, 0)
            if r == pid { break }
            if r == -1 && errno == EINTR { continue }
            break
        }
        timer?.cancel()
        // Nothing the child left behind in its group (a forked helper, valgrind's
        // children) may outlive it.
        _ = kill(-pid, SIGKILL)
        let (timedOut, interrupted) = state.withLock { s -> (Bool, Bool) in
            s.live.remove(pid)
            return (s.timedOut.remove(pid) != nil, s.interrupted)
        }
        var outcome = ProcessOutcome(
            exitCode: nil, signal: nil, timedOut: timedOut, interrupted: interrupted && !timedOut,
            durationSeconds: Date().timeIntervalSince(start))
        if Self.exited(status) {
            outcome.exitCode = Self.exitStatus(status)
        } else if Self.signaled(status) {
            outcome.signal = Self.termSignal(status)
        }
        return outcome
    }

    /// Forwards an interruption to every live process group: SIGTERM, then SIGKILL
    /// after `grace` seconds for any that are still there.
    public func interruptAll(grace: Double = 3) {
        let pids = state.withLock { s -> [pid_t] in
            s.interrupted = true
            return Array(s.live)
        }
        for pid in pids { terminateGroup(pid, grace: grace) }
    }

    private func terminateGroup(_ pid: pid_t, grace: Double) {
        _ = kill(-pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            // Only a group whose leader we have not reaped yet can still be ours.
            let live = state.withLock { $0.live.contains(pid) }
            if live { _ = kill(-pid, SIGKILL) }
        }
    }

    // MARK: spawning

    private func spawn(_ spec: ProcessSpec) throws -> pid_t {
        guard let path = ExecutableLocator.resolve(spec.executable, environment: spec.environment) else {
            throw SpawnError(executable: spec.executable, code: ENOENT, found: false)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let out = spec.stdoutPath ?? "/dev/null"
        let err = spec.stderrPath ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        if err == out && spec.stdoutPath != nil {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        }
        if let dir = spec.workingDirectory {
            guard let addchdir = Self.addchdir else {
                throw SpawnError(executable: spec.executable, code: ENOSYS)
            }
            _ = addchdir(&actions, dir)
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attr, &allSignals)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(
            &attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [path] + spec.arguments
        let env = (spec.environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cargv in
            withCStrings(env) { cenv in
                posix_spawn(&pid, path, &actions, &attr, cargv, cenv)
            }
        }
        if rc != 0 { throw SpawnError(executable: spec.executable, code: rc) }
        return pid
    }

    private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }

    /// glibc ≥ 2.29 has `posix_spawn_file_actions_addchdir_np`, but the Glibc module
    /// does not import it (it needs _GNU_SOURCE): look it up at run time.
    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
    nonisolated(unsafe) private static let addchdir: AddChdir? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            return nil
        }
        return unsafeBitCast(sym, to: AddChdir.self)
    }()

    // The W* macros are not imported into Swift.
    static func exited(_ status: Int32) -> Bool { status & 0x7f == 0 }
    static func exitStatus(_ status: Int32) -> Int32 { (status >> 8) & 0xff }
    static func signaled(_ status: Int32) -> Bool { (status & 0x7f) != 0 && (status & 0x7f) != 0x7f }
    static func termSignal(_ status: Int32) -> Int32 { status & 0x7f }
}

/// Finds a program on PATH the way a shell would, so argv[0] can be a bare name.
public enum ExecutableLocator {
    public static func resolve(_ name: String, environment: [String: String]? = nil) -> String? {
        if name.contains("/") {
            return access(name, X_OK) == 0 ? name : nil
        }
        let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
