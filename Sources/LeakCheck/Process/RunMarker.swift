import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Every process a run starts carries `MOQ_LEAKCHECK_JOB=<tool>-<n>` in its
/// environment. A grandchild that leaves the run's process group (`setsid()`, a
/// double fork) keeps it, so the supervisor, and the watchdog after the tool's
/// death, can still tell which processes belong to which run.
enum RunMarker {
    static let variable = "MOQ_LEAKCHECK_JOB"

    /// Unique to this tool process: its pid plus randomness (pids are reused).
    static let toolPrefix: String = {
        let random = UInt32.random(in: 0...UInt32.max)
        return "\(getpid())-\(String(random, radix: 16))"
    }()

    private static let counter = Atomic<Int>(0)

    /// A fresh marker value for one run.
    static func next() -> String {
        "\(toolPrefix)-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
    }

    /// "MOQ_LEAKCHECK_JOB=value", as /proc/PID/environ spells it.
    static func entry(_ value: String) -> [UInt8] { Array("\(variable)=\(value)".utf8) }

    /// Matches every run of the tool whose prefix is `toolPrefix`.
    static func toolEntryPrefix(_ toolPrefix: String) -> [UInt8] { Array("\(variable)=\(toolPrefix)-".utf8) }
}

/// The processes of one run: its leader (the direct child, which leads the run's
/// process group) and its marker.
struct RunIdentity: Sendable {
    let leader: pid_t
    let marker: [UInt8]

    /// Every process of the run except the leader, live or zombie: members of the
    /// leader's group and the leader's descendants (only while the leader is unreaped,
    /// `leaderIsOurs`), orphans re-parented to this process (a child subreaper) that
    /// carry the marker, and their descendants.
    func members(leaderIsOurs: Bool) -> [ProcEntry] {
        let table = ProcFS.all()
        let me = getpid()
        var roots: Set<pid_t> = []
        if leaderIsOurs {
            roots.insert(leader)
            for e in table where e.pgrp == leader { roots.insert(e.pid) }
        }
        for e in table where e.ppid == me && e.pid != leader && e.isLive {
            if ProcFS.environment(of: e.pid, has: marker) { roots.insert(e.pid) }
        }
        let all = ProcFS.withDescendants(of: roots, in: table)
        return table.filter { all.contains($0.pid) && $0.pid != leader && $0.pid != me }
    }

    /// Sends `signal` to the run's process group and to every process of the run
    /// outside it. Only call while the leader is known not to be reaped: its pid then
    /// still names this run's group and no other.
    /// Returns the signalled processes that are this process's children (re-parented
    /// orphans, pid → start time): once dead their environment is gone, so the end of
    /// the run reaps them from this list.
    func signalAll(_ signal: Int32) -> [pid_t: UInt64] {
        // Scan before signalling: once the leader dies, its children re-parent and the
        // ones without the marker could no longer be traced to this run.
        let members = members(leaderIsOurs: true)
        _ = kill(-leader, signal)
        let me = getpid()
        var ours: [pid_t: UInt64] = [:]
        for e in members where e.isLive {
            if e.pgrp != leader { _ = kill(e.pid, signal) }
            if e.ppid == me { ours[e.pid] = e.startTime }
        }
        return ours
    }

    /// SIGKILLs whatever the run left behind once its leader has exited, until nothing
    /// is left (a killed process's children re-parent here and are caught next round),
    /// then reaps the ones that became this process's zombies.
    /// `known`: children of this process already seen as part of the run (`signalAll`).
    func killRemnants(leaderIsOurs: Bool, known: [pid_t: UInt64] = [:]) {
        let me = getpid()
        var ours = known
        for _ in 0..<100 {
            if leaderIsOurs { _ = kill(-leader, SIGKILL) }
            let members = members(leaderIsOurs: leaderIsOurs)
            for e in members where e.ppid == me { ours[e.pid] = e.startTime }
            let live = members.filter(\.isLive)
            if live.isEmpty { break }
            for e in live { _ = kill(e.pid, SIGKILL) }
            usleep(2_000)
        }
        reap(ours)
    }

    /// Reaps the given children of this process once they are zombies, checking the
    /// start time so a reused pid is never waited for. Gives up after two seconds.
    private func reap(_ children: [pid_t: UInt64]) {
        var pending = children
        let me = getpid()
        for _ in 0..<400 where !pending.isEmpty {
            for (pid, start) in pending {
                guard let e = ProcFS.entry(pid), e.ppid == me, e.startTime == start else {
                    pending[pid] = nil
                    continue
                }
                if !e.isLive {
                    var status: Int32 = 0
                    _ = waitpid(pid, &status, WNOHANG)
                    pending[pid] = nil
                }
            }
            if !pending.isEmpty { usleep(5_000) }
        }
    }
}
