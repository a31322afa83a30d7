import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Spawns children (`ChildSpawn`: fork and exec) in their own process groups, waits for them
/// with a blocking `waitid` on the calling (dedicated) thread, enforces timeouts on
/// the whole run and stops every live run when the tool is interrupted.
/// `Foundation.Process` is avoided on purpose (STYLE.md: inherited signal masks,
/// exit detection through inheritable fds).
///
/// No process of a run outlives it, nor the tool:
/// - the tool is a child subreaper, so descendants that leave the run's process group
///   (`setsid()`, double forks) re-parent to it and are found by the run's marker
///   (`MOQ_LEAKCHECK_JOB`) and killed when the run ends or times out;
/// - each child gets `PR_SET_PDEATHSIG(SIGKILL)` (`ChildSpawn`), and when the
///   executable routes `HelperProcess.runIfRequested`, a watchdog process kills every
///   process of the tool's runs as soon as the tool dies, even by SIGKILL.
///
/// The leader is only reaped after its exit has been observed with `WNOWAIT` and every
/// signal to its group has been decided under the lock: the group id can never name
/// someone else's group when a signal is sent.
public final class Supervisor: Sendable {
    /// The one the CLI uses: only ever a default argument, everything else gets its
    /// supervisor passed in.
    public static let shared = Supervisor()

    /// Seams for the tests of races that real timing cannot produce on demand.
    struct TestHooks: Sendable {
        /// Runs after the spawn, before the exit is waited for (widens the window
        /// between a child's exit and the supervisor seeing it).
        var beforeWait: (@Sendable (pid_t) -> Void)?
        /// Makes the wait fail with this errno instead of waiting.
        var waitFault: Int32?
        /// Runs after the timeout handler has decided (and maybe signalled).
        var afterTimeout: (@Sendable () -> Void)?
    }

    private struct Child {
        var run: RunIdentity
        /// The run thread has seen the exit: from now on only it may touch the group.
        var exitObserved = false
        var timedOut = false
        /// An interruption reached the child before its exit was observed.
        var interrupted = false
        var signalsSent: [Int32] = []
        /// Re-parented orphans of the run that were signalled (pid → start time), to reap.
        var orphans: [pid_t: UInt64] = [:]
    }

    private struct State {
        var children: [pid_t: Child] = [:]
        var interrupted = false
    }

    private let state = Mutex(State())
    let hooks: TestHooks

    public init() { hooks = TestHooks() }

    init(hooks: TestHooks) { self.hooks = hooks }

    /// True once `interruptAll` has been called: callers stop starting work.
    public var isInterrupted: Bool { Cancellation.isSignalled || state.withLock { $0.interrupted } }

    /// Pids of the children running now (each leads its run's process group).
    public var runningProcessIDs: [pid_t] { state.withLock { $0.children.keys.sorted() } }

    /// Runs the child to completion (blocking the calling thread).
    public func run(_ spec: ProcessSpec) throws -> ProcessOutcome {
        let start = Date()
        if isInterrupted { return ProcessOutcome(interrupted: true) }
        Self.processSetup()
        let marker = RunMarker.next()
        let pid = try spawn(spec, marker: marker)
        OrphanWatchdog.track(group: pid)
        // A Ctrl-C that arrived between the check above and the spawn must reach this child too.
        let alreadyInterrupted = state.withLock { s -> Bool in
            s.children[pid] = Child(run: RunIdentity(leader: pid, marker: RunMarker.entry(marker)))
            return s.interrupted
        }
        if alreadyInterrupted { terminate(pid, grace: spec.gracePeriod, reason: .interrupt) }

        var timer: DispatchSourceTimer?
        if let timeout = spec.timeout, timeout > 0 {
            let t = DispatchSource.makeTimerSource(queue: .global())
            t.schedule(deadline: .now() + timeout)
            let grace = spec.gracePeriod
            t.setEventHandler { [self] in
                terminate(pid, grace: grace, reason: .timeout)
                hooks.afterTimeout?()
            }
            t.resume()
            timer = t
        }

        hooks.beforeWait?(pid)
        // Wait without reaping: the zombie keeps its pid, hence the group id, reserved.
        var info = siginfo_t()
        var waitErrno: Int32 = 0
        if let fault = hooks.waitFault {
            waitErrno = fault
        } else {
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
                if errno == EINTR { continue }
                waitErrno = errno
                break
            }
        }
        timer?.cancel()
        let child = state.withLock { s -> Child? in
            s.children[pid]?.exitObserved = true
            return s.children[pid]
        }
        // Nothing the child left behind (a forked helper, valgrind's children, a
        // session-leaving daemon) may outlive it. When the wait failed the pid may
        // already be reaped: only the marked orphans are certainly still this run's.
        let identity = child?.run ?? RunIdentity(leader: pid, marker: RunMarker.entry(marker))
        identity.killRemnants(leaderIsOurs: waitErrno == 0, known: child?.orphans ?? [:])
        OrphanWatchdog.untrack(group: pid)
        // Forget the child before reaping it: a late grace-period SIGKILL then finds no
        // entry and signals nothing, so a reaped leader's (reusable) pid is never signalled.
        state.withLock { s in s.children[pid] = nil }
        if waitErrno == 0 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }

        let timedOut = child?.timedOut ?? false
        let interrupted = child?.interrupted ?? false
        var outcome = ProcessOutcome(
            timedOut: timedOut, interrupted: interrupted && !timedOut,
            durationSeconds: Date().timeIntervalSince(start), signalsSent: child?.signalsSent ?? [])
        if waitErrno != 0 {
            outcome.waitError = "waitid(\(pid)): \(String(cString: strerror(waitErrno)))"
        } else {
            let status = info._sifields._sigchld.si_status
            switch info.si_code {
            case Int32(CLD_EXITED): outcome.exitCode = status
            case Int32(CLD_KILLED), Int32(CLD_DUMPED): outcome.signal = status
            default: outcome.waitError = "waitid(\(pid)): unexpected si_code \(info.si_code)"
            }
        }
        return outcome
    }

    /// Forwards an interruption to every live run: SIGTERM, then SIGKILL after `grace`
    /// seconds for any that are still there.
    public func interruptAll(grace: Double = 3) {
        let pids = state.withLock { s -> [pid_t] in
            s.interrupted = true
            return Array(s.children.keys)
        }
        for pid in pids { terminate(pid, grace: grace, reason: .interrupt) }
    }

    private enum StopReason { case timeout, interrupt, escalation }

    /// SIGTERM now, SIGKILL after the grace period, each only if the child is still running.
    private func terminate(_ pid: pid_t, grace: Double, reason: StopReason) {
        guard send(SIGTERM, to: pid, reason: reason) else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            _ = send(SIGKILL, to: pid, reason: .escalation)
        }
    }

    /// Signals the run of `pid` unless its leader has already exited. Decided and sent
    /// under the lock, and the run thread takes the lock before it reaps, so the leader
    /// cannot be reaped (and its pid reused) in between. A leader that exited but whose
    /// exit the run thread has not seen yet is still a zombie: `waitid(WNOWAIT|WNOHANG)`
    /// tells, and then the exit came first: it is neither a timeout nor an interruption.
    private func send(_ signal: Int32, to pid: pid_t, reason: StopReason) -> Bool {
        state.withLock { s -> Bool in
            guard var child = s.children[pid], !child.exitObserved, !Self.hasExited(pid) else { return false }
            switch reason {
            case .timeout: child.timedOut = true
            case .interrupt: child.interrupted = true
            case .escalation: break
            }
            child.orphans.merge(child.run.signalAll(signal)) { a, _ in a }
            if !child.signalsSent.contains(signal) { child.signalsSent.append(signal) }
            s.children[pid] = child
            return true
        }
    }

    /// The child has exited (it may be an unreaped zombie), without reaping it.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT | WNOHANG) != 0 {
            if errno == EINTR { continue }
            // ECHILD: not waitable any more, so certainly not running as our child.
            return true
        }
        return info._sifields._sigchld.si_pid == pid
    }

    /// Once per process: become a child subreaper and, when the executable can run it,
    /// start the watchdog.
    private static let setup: Void = {
        LinuxProcessControl.becomeChildSubreaper()
        if let helper = HelperProcess.helperExecutable { OrphanWatchdog.start(helper: helper) }
    }()

    private static func processSetup() { _ = setup }
}
