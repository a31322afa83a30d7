import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Real processes, no mocks.
@Suite struct SupervisorTests {
    func tempPath(_ name: String) -> String {
        let dir = Scratch.directory + "leakcheck-sup-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    @Test func exitStatusAndArgvAreExact() throws {
        let out = tempPath("out")
        // argv is passed as is: no shell splits "a b".
        let r = try Supervisor().run(
            ProcessSpec(
                executable: "sh", arguments: ["-c", "printf '%s|' \"$@\"; exit 7", "sh", "a b", "c"], stdoutPath: out))
        #expect(r.exitCode == 7 && r.signal == nil && !r.timedOut)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "a b|c|")
    }

    @Test func signalIsReported() throws {
        let r = try Supervisor().run(ProcessSpec(executable: "sh", arguments: ["-c", "kill -SEGV $$"]))
        #expect(r.signal == SIGSEGV)
        // The program's own signal: a crash, not ours.
        #expect(r.signalsSent == [] && !r.signalWasOurs)
        #expect(r.signalName == "SIGSEGV")
        #expect(r.exitCode == nil && !r.succeeded)
    }

    @Test func missingProgramIsASpawnError() {
        #expect(throws: SpawnError.self) { try Supervisor().run(ProcessSpec(executable: "/nonexistent/prog")) }
    }

    /// The child's starting state, read from inside it: its own process group, an
    /// empty signal mask, no ignored signals (a Dispatch worker's blocked set and the
    /// tool's handlers must not leak into the program), stdin from /dev/null, and
    /// output in the files, stderr appended after stdout when both name one file.
    @Test func childStartsInItsOwnGroupWithCleanSignalsAndFiles() throws {
        let out = tempPath("state")
        signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, SIG_DFL) }
        let script = """
            set -e
            echo "pgid=$(ps -o pgid= -p $$ | tr -d ' ') pid=$$"
            # The shell's own status, read with builtins: a forked grep could catch the
            # shell in the middle of its own fork, with every signal blocked for a moment.
            while read -r key value; do
                case $key in SigBlk:|SigIgn:) printf '%s\\t%s\\n' "$key" "$value" ;; esac
            done < /proc/self/status
            readlink /proc/$$/fd/0
            echo to-stderr >&2
            """
        let r = try Supervisor().run(
            ProcessSpec(executable: "sh", arguments: ["-c", script], stdoutPath: out, stderrPath: out))
        #expect(r.exitCode == 0)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        let ids = lines.first?.split(separator: " ").map { $0.split(separator: "=").last.map(String.init) ?? "" }
        #expect(ids?.count == 2 && ids?[0] == ids?[1], "the child leads its own process group: \(lines)")
        #expect(lines.contains("SigBlk:\t0000000000000000"), "\(lines)")
        // sh itself ignores nothing by default; SIGUSR2 (ignored by this process) must not be inherited.
        let ignored = lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(8), radix: 16) }
        #expect(ignored.map { $0 & (1 << (UInt64(SIGUSR2) - 1)) } == 0, "\(lines)")
        #expect(lines.contains("/dev/null"))
        #expect(lines.last == "to-stderr")
    }

    /// The child dies when the thread that started it ends (for the tool: when the
    /// tool dies): `PR_SET_PDEATHSIG` is armed before the program runs.
    @Test func childGetsTheParentDeathSignal() throws {
        let pidFile = tempPath("pid")
        let spawned = Mutex<pid_t?>(nil)
        let thread = Thread {
            // Started directly (not through `run`, whose thread waits for the child):
            // this thread ends at once, as a dying tool's would.
            let pid = try? ChildSpawn.start(
                ChildSpawn.Request(
                    path: "/bin/sh", argv: ["sh", "-c", "echo $$ > \(pidFile); exec sleep 30"], environment: [],
                    stdoutPath: nil, stderrPath: nil, workingDirectory: nil, deathSignal: SIGKILL),
                executable: "sh")
            spawned.withLock { $0 = pid }
        }
        thread.start()
        var pid: pid_t? = nil
        for _ in 0..<200 where pid == nil {
            usleep(10_000)
            pid = spawned.withLock { $0 }
        }
        let child = try #require(pid)
        var status: Int32 = 0
        var reaped: pid_t = 0
        for _ in 0..<500 {
            reaped = waitpid(child, &status, WNOHANG)
            if reaped != 0 { break }
            usleep(10_000)
        }
        if reaped == 0 { kill(child, SIGKILL) }
        #expect(reaped == child, "the child outlived the thread that started it")
        #expect(status & 0x7f == SIGKILL)
    }

    /// A child that cannot start says which of its files failed, and nothing runs.
    @Test func unopenableOutputAndMissingDirectoryAreNamed() throws {
        let marker = tempPath("ran")
        let badOut = "/nonexistent-dir-\(getpid())/out"
        let e1 = try #require(
            throws: SpawnError.self,
            performing: {
                try Supervisor().run(
                    ProcessSpec(executable: "sh", arguments: ["-c", "touch \(marker)"], stdoutPath: badOut))
            })
        #expect(e1.step == .file(badOut) && e1.code == ENOENT)
        #expect(e1.description.contains("cannot open \(badOut)"))
        var spec = ProcessSpec(executable: "sh", arguments: ["-c", "touch \(marker)"])
        spec.workingDirectory = "/nonexistent-dir-\(getpid())"
        let e2 = try #require(throws: SpawnError.self, performing: { try Supervisor().run(spec) })
        #expect(e2.step == .workingDirectory(spec.workingDirectory!))
        #expect(!FileManager.default.fileExists(atPath: marker), "the program ran after its set-up failed")
        // Executable, but not a program: the exec itself fails (no `#!`, no ELF).
        let junk = tempPath("junk")
        try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: junk))
        chmod(junk, 0o755)
        let e3 = try #require(
            throws: SpawnError.self, performing: { try Supervisor().run(ProcessSpec(executable: junk)) })
        #expect(e3.step == .exec && e3.code == ENOEXEC && e3.found)
    }

    /// Issue 21: a symlink planted at a child's log path is never written through: the
    /// child does not start, the victim keeps its bytes, and the error names the path.
    @Test func aSymlinkPlantedAtALogPathIsNotFollowed() throws {
        let victim = tempPath("victim")
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: victim))
        let log = tempPath("planted.out")
        #expect(symlink(victim, log) == 0)
        let marker = tempPath("ran-through-link")
        for spec in [
            ProcessSpec(executable: "sh", arguments: ["-c", "echo owned; touch \(marker)"], stdoutPath: log),
            ProcessSpec(
                executable: "sh", arguments: ["-c", "echo owned >&2; touch \(marker)"], stdoutPath: tempPath("ok.out"),
                stderrPath: log),
        ] {
            let e = try #require(throws: SpawnError.self, performing: { try Supervisor().run(spec) })
            #expect(e.step == .file(log) && e.code == ELOOP, "\(e)")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let pidFile = tempPath("pids")
        // The child forks a grandchild that ignores SIGTERM: only SIGKILL to the group gets it.
        let spec = ProcessSpec(
            executable: "sh",
            arguments: ["-c", "(trap '' TERM; sleep 60) & echo $! > \(pidFile); echo $$ >> \(pidFile); wait"],
            timeout: 0.5)
        var s = spec
        s.gracePeriod = 0.5
        let start = Date()
        let r = try Supervisor().run(s)
        #expect(r.timedOut)
        #expect(Date().timeIntervalSince(start) < 10)
        let pids = try String(contentsOfFile: pidFile, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 2)
        // Give the kernel a moment to reap, then nothing of the group may be left.
        usleep(300_000)
        #expect(ProcessTable.liveMembers(ofGroup: pids[1]).isEmpty, "the group survived the timeout")
        for pid in pids { #expect(!ProcessTable.isLive(pid), "process \(pid) survived the timeout") }
    }

    @Test func floodingBothStreamsDoesNotDeadlock() throws {
        let out = tempPath("out")
        let err = tempPath("err")
        let r = try Supervisor().run(
            ProcessSpec(
                executable: "sh", arguments: ["-c", "head -c 8000000 /dev/zero; head -c 8000000 /dev/zero >&2"],
                stdoutPath: out,
                stderrPath: err, timeout: 60))
        #expect(r.exitCode == 0)
        let outSize = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int
        let errSize = try FileManager.default.attributesOfItem(atPath: err)[.size] as? Int
        #expect(outSize == 8_000_000 && errSize == 8_000_000)
    }

    @Test func interruptStopsLiveChildrenAndRefusesNewOnes() throws {
        let sup = Supervisor()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { sup.interruptAll(grace: 0.5) }
        let r = try sup.run(ProcessSpec(executable: "sleep", arguments: ["30"]))
        #expect(r.interrupted && !r.timedOut)
        #expect(r.signal == SIGTERM)
        // SIGTERM was the supervisor's own: never a crash.
        #expect(r.signalsSent == [SIGTERM] && r.signalWasOurs)
        #expect(r.signalName == nil)
        #expect(r.wasSentBySupervisor(signalNamed: "SIGTERM") && !r.wasSentBySupervisor(signalNamed: "SIGSEGV"))
        let next = try sup.run(ProcessSpec(executable: "sleep", arguments: ["30"]))
        #expect(next.interrupted && next.durationSeconds == 0)
    }

    @Test func parallelMapKeepsOrderAndUsesSeveralThreads() {
        // Later items finish first; the result keeps the items' order. The peak
        // number of bodies running at once proves the jobs really overlap.
        let running = Mutex((now: 0, peak: 0))
        let r = parallelMap(Array(0..<6), jobs: 3) { _, i -> Int in
            running.withLock {
                $0.now += 1
                $0.peak = max($0.peak, $0.now)
            }
            usleep(UInt32(200_000 - i * 30_000))
            running.withLock { $0.now -= 1 }
            return i * i
        }
        #expect(r == [0, 1, 4, 9, 16, 25])
        #expect(running.withLock { $0.peak } == 3)
    }
}

@Suite struct JSONReportTests {
    @Test func optionalContractKeysArePresentAsNull() throws {
        let run = RunResult(
            checker: .valgrind, executable: "/x/t", arguments: [],
            findings: [Finding(kind: .invalidRead, rawKind: "InvalidRead", message: "Invalid read of size 4")])
        let report = Verdict.decide(
            runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
        let obj = try JSONSerialization.jsonObject(with: JSONReport.encode(report)) as! [String: Any]
        #expect(obj["schemaVersion"] as? Int == 1)
        #expect(obj["status"] as? String == "findings")
        let r = (obj["runs"] as! [[String: Any]])[0]
        for key in ["test", "signal", "exitCode"] {
            #expect(r.keys.contains(key) && r[key] is NSNull, "runs[0].\(key)")
        }
        #expect(r["timedOut"] as? Bool == false)
        let f = (r["findings"] as! [[String: Any]])[0]
        for key in ["bytes", "blocks", "suppressedBy"] {
            #expect(f.keys.contains(key) && f[key] is NSNull, "finding.\(key)")
        }
        #expect(f["kind"] as? String == "invalidRead")
        let totals = obj["totals"] as! [String: Any]
        #expect(totals["errors"] as? Int == 1)
        #expect((totals["definitelyLost"] as? [String: Int]) == ["bytes": 0, "blocks": 0])
    }

    @Test func reportRoundTripsThroughDecoding() throws {
        let f = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 40, blocks: 1, indirectBytes: 16,
            message: "m", stack: [Frame(function: "malloc")])
        let data = try JSONEncoder().encode(f)
        let back = try JSONDecoder().decode(Finding.self, from: data)
        #expect(back == f)
    }
}
