import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Builds the C fixtures the supervisor tests run (Tests/Fixtures/c), once per test process.
enum CFixture {
    private static let built = Mutex<[String: String]>([:])

    static func path(_ name: String) throws -> String {
        // Compiled under the lock: a test must never exec a binary cc is still writing (ETXTBSY).
        try built.withLock { built -> String in
            if let done = built[name] { return done }
            let dir = Scratch.directory + "leakcheck-cfix-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let out = dir + "/" + name
            let src = Paths.fixture("c/\(name).c").path
            let r = try Supervisor().run(
                ProcessSpec(
                    executable: "cc", arguments: ["-g", "-O0", "-o", out, src], stdoutPath: out + ".log",
                    stderrPath: out + ".log"))
            guard r.exitCode == 0 else {
                Issue.record(
                    "cc \(name).c failed: \((try? String(contentsOfFile: out + ".log", encoding: .utf8)) ?? "")")
                throw CFixtureFailed()
            }
            built[name] = out
            return out
        }
    }

    /// The "parent PID" and "child PID" lines hang.c prints.
    static func hangPIDs(_ stdoutPath: String) throws -> (parent: pid_t, child: pid_t) {
        let text = try String(contentsOfFile: stdoutPath, encoding: .utf8)
        var found: [String: pid_t] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let pid = pid_t(parts[1]) { found[String(parts[0])] = pid }
        }
        return (
            try #require(found["parent"], "hang printed: \(text)"),
            try #require(found["child"], "hang printed: \(text)")
        )
    }
}

struct CFixtureFailed: Error {}

/// Runs `spec` on a thread of its own and gives up after `limit` seconds, so a
/// supervisor bug that never stops a child fails the test instead of hanging it.
/// On giving up it kills the child's group and records an issue.
func runBounded(_ supervisor: Supervisor, _ spec: ProcessSpec, limit: Double) throws -> ProcessOutcome {
    let result = Mutex<Result<ProcessOutcome, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let r = Result { try supervisor.run(spec) }
        result.withLock { $0 = r }
        done.signal()
    }
    thread.start()
    if done.wait(timeout: .now() + limit) == .timedOut {
        Issue.record("the supervisor did not return within \(limit) s")
        for pid in supervisor.runningProcessIDs { kill(-pid, SIGKILL) }
        done.wait()
    }
    return try result.withLock { $0! }.get()
}

/// Reads /proc: a zombie waiting for its reaper is not a live process.
enum ProcessTable {
    /// (state, pgrp) of a process, from /proc/PID/stat.
    static func stat(_ pid: Int32) -> (Character, Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let pgrp = Int32(fields[2]) else { return nil }
        return (state, pgrp)
    }

    static func isLive(_ pid: Int32) -> Bool {
        guard let (state, _) = stat(pid) else { return false }
        return state != "Z" && state != "X"
    }

    /// Not even a zombie: the process is gone and was reaped.
    static func isGone(_ pid: Int32) -> Bool { stat(pid) == nil }

    static func liveMembers(ofGroup pgid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let (state, pgrp) = stat(pid) else { return false }
            return pgrp == pgid && state != "Z" && state != "X"
        }
    }

    /// Polls until `pids` are all dead (or `limit` seconds pass); returns the ones still live.
    static func waitUntilDead(_ pids: [Int32], limit: Double = 5) -> [Int32] {
        let deadline = Date().addingTimeInterval(limit)
        while true {
            let live = pids.filter(isLive)
            if live.isEmpty || Date() > deadline { return live }
            usleep(20_000)
        }
    }
}
