import Foundation
import Synchronization
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// No process of a run outlives the run or the tool: the built `moq-leakcheck` (which
/// routes the watchdog) under valgrind, on hang.c's modes.
@Suite(.serialized) struct OrphanTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
    }

    /// hang.c's "parent PID" / "child PID" lines, once it has printed both.
    static func hangPIDs(in path: String, within limit: Double) -> (parent: pid_t, child: pid_t)? {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            var found: [String: pid_t] = [:]
            for line in ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let pid = pid_t(parts[1]) { found[String(parts[0])] = pid }
            }
            if let p = found["parent"], let c = found["child"] { return (p, c) }
            usleep(50_000)
        }
        return nil
    }

    /// Processes that are still running (zombies are dead) among `processes`, by pid and
    /// start time so a reused pid is not mistaken for a survivor.
    static func survivors(_ processes: [ProcEntry], within limit: Double) -> [ProcEntry] {
        let deadline = Date().addingTimeInterval(limit)
        while true {
            let live = processes.filter { p in
                ProcFS.entry(p.pid).map { $0.startTime == p.startTime && $0.isLive } ?? false
            }
            if live.isEmpty || Date() > deadline { return live }
            usleep(50_000)
        }
    }

    static func commandLine(_ pid: pid_t) -> String {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return String(decoding: raw.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// SIGKILL of the tool mid-run: valgrind (the direct child, PDEATHSIG), the program's
    /// session-leaving daemon (re-parented to the tool) and the watchdog are all gone.
    @Test func sigkillOfTheToolLeavesNothingRunning() throws {
        let bin = try Tool.compileC("hang")
        let dir = Tool.tempDir("orphan-kill")
        let spec = ProcessSpec(
            executable: Tool.binary, arguments: ["valgrind", "--report-dir", dir, "--", bin, "daemon"],
            stdoutPath: dir + "/out.txt", stderrPath: dir + "/out.txt", timeout: 300)
        let sup = Supervisor()
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<ProcessOutcome?>(nil)
        Thread {
            let r = try? sup.run(spec)
            outcome.withLock { $0 = r }
            finished.signal()
        }.start()
        // Whatever fails below, the tool does not keep running after the test.
        defer { for pid in sup.runningProcessIDs { kill(pid, SIGKILL) } }

        let pids = try #require(
            Self.hangPIDs(in: dir + "/leakcheck-logs/valgrind/hang.out", within: 120),
            "hang never started under the tool: \((try? String(contentsOfFile: dir + "/out.txt", encoding: .utf8)) ?? "")"
        )
        let tool = try #require(sup.runningProcessIDs.first)
        let table = ProcFS.all()
        let tree = ProcFS.withDescendants(of: [tool], in: table).subtracting([tool])
        let run = table.filter { tree.contains($0.pid) }
        let watchdogs = run.filter { Self.commandLine($0.pid).contains("--orphan-watchdog") }
        // valgrind running hang, hang's daemon (its parent exited: re-parented to the tool), the watchdog.
        #expect(
            Set(run.map(\.pid)) == Set([pids.parent, pids.child] + watchdogs.map(\.pid)),
            "\(run.map { Self.commandLine($0.pid) })")
        #expect(watchdogs.count == 1)
        #expect(
            run.first { $0.pid == pids.child }?.ppid == tool, "the daemon should be the tool's (a subreaper's) orphan")
        #expect(run.first { $0.pid == pids.child }?.pgrp != pids.parent, "the daemon left the run's group")

        kill(tool, SIGKILL)
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(outcome.withLock { $0?.signal } == SIGKILL)
        let left = Self.survivors(run, within: 10)
        #expect(
            left.isEmpty,
            "still running after SIGKILL of the tool: \(left.map { "\($0.pid) \(Self.commandLine($0.pid))" })")
        for p in left { kill(p.pid, SIGKILL) }
        // Those re-parented to this (subreaper) test process are its zombies now.
        for p in run {
            var status: Int32 = 0
            _ = waitpid(p.pid, &status, WNOHANG)
        }
    }

    /// The parent-death signal on its own: with the watchdog gone too, SIGKILL of the
    /// tool still takes valgrind (the tool's direct child) down through PR_SET_PDEATHSIG.
    @Test func directChildDiesWithTheToolThroughTheParentDeathSignal() throws {
        let bin = try Tool.compileC("hang")
        let dir = Tool.tempDir("orphan-pdeath")
        let spec = ProcessSpec(
            executable: Tool.binary, arguments: ["valgrind", "--report-dir", dir, "--", bin],
            stdoutPath: dir + "/out.txt", stderrPath: dir + "/out.txt", timeout: 300)
        let sup = Supervisor()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            _ = try? sup.run(spec)
            finished.signal()
        }.start()
        defer { for pid in sup.runningProcessIDs { kill(pid, SIGKILL) } }
        let pids = try #require(Self.hangPIDs(in: dir + "/leakcheck-logs/valgrind/hang.out", within: 120))
        let tool = try #require(sup.runningProcessIDs.first)
        let table = ProcFS.all()
        let watchdog = try #require(
            table.first { $0.ppid == tool && Self.commandLine($0.pid).contains("--orphan-watchdog") })
        let leader = try #require(ProcFS.entry(pids.parent))
        #expect(leader.ppid == tool)
        kill(watchdog.pid, SIGKILL)
        #expect(Self.survivors([watchdog], within: 5).isEmpty)
        kill(tool, SIGKILL)
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(Self.survivors([leader], within: 10).isEmpty, "valgrind outlived the tool")
        // hang's forked child is the watchdog's to kill, and the watchdog is dead: clean up here.
        for pid in [pids.child, pids.parent, watchdog.pid] {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    /// `--timeout` stops a grandchild that called setsid() (its parent is still the
    /// program) and a double-forked daemon (its parent exited), both outside the group.
    @Test func sessionLeavingGrandchildrenAreKilledOnTimeout() throws {
        let bin = try Tool.compileC("hang")
        for mode in ["setsid", "daemon"] {
            // Long enough for valgrind to start hang (and its forks) on a loaded machine: hang never exits.
            let r = try Tool.run(["valgrind", "--timeout", "10", "--", bin, mode], tag: "orphan-\(mode)", timeout: 120)
            #expect(r.exitCode == 3, "\(mode): \(r.combined)")
            let run = try #require(r.runs.first)
            #expect(run["timedOut"] as? Bool == true, "\(mode)")
            let pids = try #require(
                Self.hangPIDs(in: r.dir + "/leakcheck-logs/valgrind/hang.out", within: 1), "\(mode)")
            let left = Self.survivors([pids.parent, pids.child].compactMap { ProcFS.entry($0) }, within: 3)
            #expect(left.isEmpty, "\(mode): \(left.map { "\($0.pid) \(Self.commandLine($0.pid))" })")
            // The tool's own SIGTERM is not a crash: RunInterpreter must drop the checker's
            // report of it (ProcessOutcome.wasSentBySupervisor(signalNamed:)).
            #expect(!Tool.Result.kinds(run).contains("fatalSignal"), "\(mode)")
        }
    }

    /// What RunInterpreter needs to tell a timeout from a crash, on a real valgrind run:
    /// valgrind reports the supervisor's SIGTERM as its fatal signal, and the outcome
    /// says that signal was the supervisor's.
    @Test func timedOutValgrindRunNamesTheSupervisorsSignal() throws {
        let bin = try Tool.compileC("hang")
        let dir = Tool.tempDir("orphan-vg")
        var spec = ProcessSpec(
            executable: "valgrind",
            arguments: ["--xml=yes", "--xml-file=\(dir)/hang.xml", "--log-file=\(dir)/hang.log", bin],
            stdoutPath: dir + "/out.txt", stderrPath: dir + "/out.txt", timeout: 10)
        spec.gracePeriod = 10
        let r = try Supervisor().run(spec)
        #expect(r.timedOut && r.signal == SIGTERM && r.signalsSent == [SIGTERM])
        #expect(r.signalWasOurs && r.signalName == nil)
        let output = try ValgrindXMLParser.parse(fileAt: dir + "/hang.xml")
        let fatal = try #require(output.fatalSignal)
        #expect(fatal == "SIGTERM")
        #expect(r.wasSentBySupervisor(signalNamed: fatal))
    }
}

extension Tool.Result {
    /// Kinds of every finding of one JSON run, suppressed or not, in order.
    static func kinds(_ run: [String: Any]) -> [String] {
        (run["findings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    }
}
