import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small process started once per tool (the tool's own binary with
/// `--orphan-watchdog`, see `HelperProcess`) that outlives the tool for one purpose: when the tool dies,
/// however it dies (SIGKILL included), kill every process its runs left. It holds one
/// end of a socket whose other end only the tool holds (close-on-exec, so no child
/// keeps it open): end of file means the tool is gone. The tool tells it which process
/// groups are live; processes that left their group are found by the tool's run marker.
/// It lives in its own process group so Ctrl-C at the terminal does not reach it.
enum OrphanWatchdog {
    private static let channel = Mutex<Int32?>(nil)

    /// Starts the watchdog (once per process, from `Supervisor`'s set-up).
    static func start(helper: String) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            return
        }
        var env = ProcessInfo.processInfo.environment
        env[RunMarker.variable] = nil
        // No death signal: it must outlive the tool to clean up after it.
        let request = ChildSpawn.Request(
            path: helper, argv: [HelperProcess.helperName, HelperProcess.watchdogFlag, RunMarker.toolPrefix],
            environment: env.map { "\($0.key)=\($0.value)" }, stdinFD: fds[1], stdoutPath: nil, stderrPath: nil,
            workingDirectory: nil, deathSignal: 0)
        let started = (try? ChildSpawn.start(request, executable: helper)) != nil
        close(fds[1])
        if !started {
            close(fds[0])
            return
        }
        channel.withLock { $0 = fds[0] }
    }

    /// The group of a run that just started / whose leader has been dealt with.
    static func track(group: pid_t) { tell("+\(group)\n") }
    static func untrack(group: pid_t) { tell("-\(group)\n") }

    private static func tell(_ line: String) {
        channel.withLock { fd in
            guard let socket = fd else { return }
            let bytes = Array(line.utf8)
            // MSG_NOSIGNAL: a dead watchdog must not kill the tool with SIGPIPE.
            let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent != bytes.count {
                close(socket)
                fd = nil
            }
        }
    }

    // MARK: the watchdog process

    /// argv: the tool's marker prefix. Reads group updates until end of file, then
    /// kills what is left and exits.
    static func serve(_ args: [String]) -> Never {
        // Only ever started by the supervisor, with the socket as stdin: a user who types
        // the hidden flag gets a one-line refusal, not a process sweeping on their behalf.
        var st = stat()
        guard args.count == 1, fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else {
            HelperProcess.internalUsage(HelperProcess.watchdogFlag)
        }
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { signal(sig, SIG_IGN) }
        var groups: Set<pid_t> = []
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                guard let op = line.first, let pid = pid_t(line.dropFirst()) else { continue }
                if op == "+" { groups.insert(pid) } else { groups.remove(pid) }
            }
        }
        sweep(groups: groups, markerPrefix: RunMarker.toolEntryPrefix(args[0]))
        _exit(0)
    }

    /// Kills the remaining groups and every process carrying the tool's marker, with
    /// their descendants, until a scan finds none alive.
    static func sweep(groups: Set<pid_t>, markerPrefix: [UInt8]) {
        let me = getpid()
        for _ in 0..<100 {
            for g in groups { _ = kill(-g, SIGKILL) }
            let table = ProcFS.all()
            var roots: Set<pid_t> = []
            for e in table where e.isLive && e.pid != me {
                if groups.contains(e.pgrp) || ProcFS.environment(of: e.pid, has: markerPrefix, prefix: true) {
                    roots.insert(e.pid)
                }
            }
            let targets = ProcFS.withDescendants(of: roots, in: table)
            let live = table.filter { targets.contains($0.pid) && $0.isLive && $0.pid != me }
            if live.isEmpty { return }
            for e in live { _ = kill(e.pid, SIGKILL) }
            usleep(20_000)
        }
    }
}
