import Foundation
import Synchronization
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Real processes, no mocks.
@Suite struct SupervisorTests {
    func tempPath(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "leakcheck-sup-\(getpid())-\(UUID().uuidString)"
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
