import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Timeouts, escalation, races between exit and timer, failed waits and processes
/// that leave the run's process group. Real processes (hang.c, sh); the two races
/// that timing cannot produce on demand go through the supervisor's test hooks.
@Suite struct ProcessLifecycleTests {
    func tempPath(_ name: String) -> String {
        let dir = Scratch.directory + "leakcheck-life-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    /// A program that ignores SIGTERM is SIGKILLed, and only after the grace period.
    @Test func timeoutEscalatesToSIGKILLAfterTheGrace() throws {
        let hang = try CFixture.path("hang")
        let out = tempPath("out")
        // 2 s: hang must have set SIG_IGN for SIGTERM (and printed its pids) before the
        // timeout, even on a loaded machine.
        var spec = ProcessSpec(executable: hang, arguments: ["ignore-term"], stdoutPath: out, timeout: 2)
        spec.gracePeriod = 0.7
        let r = try runBounded(Supervisor(), spec, limit: 20)
        #expect(r.timedOut && !r.interrupted)
        #expect(r.signal == SIGKILL)
        #expect(r.signalsSent == [SIGTERM, SIGKILL])
        #expect(r.signalWasOurs && r.signalName == nil)
        #expect(r.exitCode == nil && !r.succeeded)
        // SIGKILL came after timeout + grace (2.7 s), not straight away, and not much later.
        #expect(r.durationSeconds >= 2.65, "\(r.durationSeconds) s")
        #expect(r.durationSeconds < 6, "\(r.durationSeconds) s")
        let pids = try CFixture.hangPIDs(out)
        #expect(ProcessTable.waitUntilDead([pids.parent, pids.child], limit: 2) == [])
    }

    /// A program that honours SIGTERM stops at SIGTERM: no SIGKILL, no wait for the grace.
    @Test func timeoutStopsAtSIGTERMWhenTheProgramHonoursIt() throws {
        let hang = try CFixture.path("hang")
        let out = tempPath("out")
        var spec = ProcessSpec(executable: hang, stdoutPath: out, timeout: 2)
        spec.gracePeriod = 10
        let r = try runBounded(Supervisor(), spec, limit: 20)
        #expect(r.timedOut)
        #expect(r.signal == SIGTERM)
        #expect(r.signalsSent == [SIGTERM])
        #expect(r.signalName == nil)
        #expect(r.description == "timed out")
        #expect(r.durationSeconds < 7, "waited for the grace period: \(r.durationSeconds) s")
        let pids = try CFixture.hangPIDs(out)
        #expect(ProcessTable.waitUntilDead([pids.parent, pids.child], limit: 2) == [])
    }

    /// A grandchild that called setsid() is outside the group kill(-pgid) reaches, yet it
    /// dies on the timeout too.
    @Test func timeoutKillsASetsidGrandchild() throws {
        let hang = try CFixture.path("hang")
        let out = tempPath("out")
        var spec = ProcessSpec(executable: hang, arguments: ["setsid"], stdoutPath: out, timeout: 2)
        spec.gracePeriod = 1
        let r = try runBounded(Supervisor(), spec, limit: 20)
        #expect(r.timedOut && r.signal == SIGTERM)
        let pids = try CFixture.hangPIDs(out)
        #expect(ProcessTable.waitUntilDead([pids.parent, pids.child], limit: 2) == [])
    }

    /// The same grandchild with no environment at all (so without the run marker) is
    /// still found through its parent while the program runs.
    @Test func timeoutKillsASetsidGrandchildWithoutTheMarker() throws {
        let hang = try CFixture.path("hang")
        let out = tempPath("out")
        var spec = ProcessSpec(executable: "env", arguments: ["-i", hang, "setsid"], stdoutPath: out, timeout: 2)
        spec.gracePeriod = 1
        let r = try runBounded(Supervisor(), spec, limit: 20)
        #expect(r.timedOut && r.signal == SIGTERM)
        let pids = try CFixture.hangPIDs(out)
        #expect(ProcessTable.waitUntilDead([pids.parent, pids.child], limit: 2) == [])
        // It is this process's zombie now (a subreaper's orphan): reap it.
        var status: Int32 = 0
        _ = waitpid(pids.child, &status, WNOHANG)
    }

    /// A double-forked daemon is re-parented to the tool (a child subreaper) while the
    /// program runs: it dies on the timeout and is reaped (not even a zombie is left).
    @Test func timeoutKillsAndReapsADaemon() throws {
        let hang = try CFixture.path("hang")
        let out = tempPath("out")
        var spec = ProcessSpec(executable: hang, arguments: ["daemon"], stdoutPath: out, timeout: 2)
        spec.gracePeriod = 1
        let r = try runBounded(Supervisor(), spec, limit: 20)
        #expect(r.timedOut && r.signal == SIGTERM)
        let pids = try CFixture.hangPIDs(out)
        #expect(ProcessTable.isGone(pids.child), "the daemon is still in the process table")
        #expect(ProcessTable.isGone(pids.parent))
    }

    /// A program that exits normally but leaves a session-leaving daemon behind: the
    /// daemon does not outlive the run.
    @Test func daemonLeftByAnExitingProgramIsKilledWhenTheRunEnds() throws {
        let pidFile = tempPath("daemon.pid")
        // `setsid` in a background subshell (not a group leader) calls setsid() and execs sleep.
        let r = try runBounded(
            Supervisor(),
            ProcessSpec(executable: "sh", arguments: ["-c", "(setsid sleep 60 & echo $! > \(pidFile)); exit 0"]),
            limit: 20)
        #expect(r.exitCode == 0 && r.succeeded)
        let daemon = try #require(
            pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessTable.isGone(daemon), "the setsid daemon survived its run")
    }

    /// The child exits, the timer fires, and only then does the supervisor see the exit:
    /// the exit came first, so it is no timeout and nothing is signalled.
    @Test func exitBeforeTheTimerFiresIsNotATimeout() throws {
        let timerFired = DispatchSemaphore(value: 0)
        let hooks = Supervisor.TestHooks(
            beforeWait: { pid in
                Self.waitUntilZombie(pid)
                #expect(timerFired.wait(timeout: .now() + 20) == .success, "the timeout never fired")
            },
            afterTimeout: { timerFired.signal() })
        let r = try runBounded(
            Supervisor(hooks: hooks), ProcessSpec(executable: "sh", arguments: ["-c", "exit 0"], timeout: 0.1),
            limit: 30)
        #expect(!r.timedOut)
        #expect(r.signalsSent == [])
        #expect(r.exitCode == 0 && r.signal == nil && r.succeeded)
    }

    /// Until the child has exited: it is then a zombie nobody has reaped yet.
    static func waitUntilZombie(_ pid: pid_t) {
        for _ in 0..<2000 where ProcFS.entry(pid)?.isLive ?? false { usleep(5_000) }
    }

    /// Ctrl-C that comes after the child exited (but before the supervisor saw it) does
    /// not turn a finished run into an interrupted one, and signals nothing.
    @Test func interruptAfterTheExitDoesNotInterruptTheRun() throws {
        let supervisor = Mutex<Supervisor?>(nil)
        let hooks = Supervisor.TestHooks(beforeWait: { pid in
            Self.waitUntilZombie(pid)
            supervisor.withLock { $0 }?.interruptAll(grace: 0.1)
            // Leave time for a (wrong) SIGKILL escalation before the exit is seen.
            usleep(300_000)
        })
        let sup = Supervisor(hooks: hooks)
        supervisor.withLock { $0 = sup }
        let r = try runBounded(sup, ProcessSpec(executable: "sh", arguments: ["-c", "exit 0"]), limit: 30)
        #expect(!r.interrupted && !r.timedOut)
        #expect(r.signalsSent == [])
        #expect(r.exitCode == 0 && r.succeeded)
        // New work is still refused.
        #expect(sup.isInterrupted)
    }

    /// A wait that fails is never read as exit 0; the supervisor neither reaps nor signals
    /// a child it could not wait for.
    @Test func failedWaitIsNotASuccess() throws {
        let spawned = Mutex<pid_t>(0)
        let hooks = Supervisor.TestHooks(beforeWait: { pid in spawned.withLock { $0 = pid } }, waitFault: ECHILD)
        let r = try Supervisor(hooks: hooks).run(ProcessSpec(executable: "sh", arguments: ["-c", "exit 3"]))
        let pid = spawned.withLock { $0 }
        #expect(r.waitError == "waitid(\(pid)): No child processes")
        #expect(r.exitCode == nil && r.signal == nil)
        #expect(!r.succeeded)
        #expect(r.description == "wait failed: waitid(\(pid)): No child processes")
        // The child is still ours to reap: it was left alone and ends with its own status.
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect((status >> 8) & 0xff == 3)
    }

    /// Every process of a run carries the run's marker; each run gets its own.
    @Test func eachRunIsMarkedInTheEnvironment() throws {
        let sup = Supervisor()
        var markers: [String] = []
        for _ in 0..<2 {
            let out = tempPath("env")
            let r = try sup.run(
                ProcessSpec(
                    executable: "sh", arguments: ["-c", "printf %s \"$MOQ_LEAKCHECK_JOB\""],
                    environment: ["PATH": "/usr/bin:/bin"], stdoutPath: out))
            #expect(r.exitCode == 0)
            markers.append(try String(contentsOfFile: out, encoding: .utf8))
        }
        #expect(markers.count == 2 && markers[0] != markers[1])
        for m in markers {
            #expect(m.hasPrefix(RunMarker.toolPrefix + "-"), "\(m)")
            #expect(Int(m.dropFirst(RunMarker.toolPrefix.count + 1)) != nil, "\(m)")
        }
    }

    @Test func procStatIsParsed() throws {
        let me = try #require(ProcFS.entry(getpid()))
        #expect(me.pid == getpid() && me.ppid == getppid() && me.pgrp == getpgrp())
        #expect(me.isLive)
        #expect(ProcFS.all().contains(me))
        #expect(LinuxProcessControl.becomeChildSubreaper() && LinuxProcessControl.isChildSubreaper)
    }

    @Test func outcomeSaysWhoseSignalItWas() {
        let ours = ProcessOutcome(signal: SIGKILL, timedOut: true, signalsSent: [SIGTERM, SIGKILL])
        #expect(ours.signalWasOurs && ours.signalName == nil && !ours.succeeded)
        #expect(ours.wasSentBySupervisor(signalNamed: "SIGTERM") && ours.wasSentBySupervisor(signalNamed: "SIGKILL"))
        #expect(!ours.wasSentBySupervisor(signalNamed: "SIGSEGV"))
        // A crash during the grace period is the program's own.
        let crash = ProcessOutcome(signal: SIGSEGV, timedOut: true, signalsSent: [SIGTERM])
        #expect(!crash.signalWasOurs && crash.signalName == "SIGSEGV")
        let failedWait = ProcessOutcome(waitError: "waitid(1): Interrupted")
        #expect(!failedWait.succeeded && failedWait.description == "wait failed: waitid(1): Interrupted")
        #expect(ProcessOutcome(exitCode: 0).succeeded)
    }
}
