#if canImport(Glibc)
    import Glibc
#endif

/// One process as /proc/PID/stat shows it: the fields the supervisor needs to find
/// the processes of a run.
struct ProcEntry: Sendable, Equatable {
    var pid: pid_t
    var ppid: pid_t
    var pgrp: pid_t
    /// R, S, D, Z (zombie: dead, waiting for its parent to reap it), X, T…
    var state: UInt8
    /// Clock ticks after boot: with the pid, identifies a process across pid reuse.
    var startTime: UInt64

    var isLive: Bool { state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") }
}

/// Reads the process table from /proc with plain system calls (it runs inside
/// timeout handlers and in the watchdog, so it allocates little and never throws).
enum ProcFS {
    /// Every process /proc lists right now (processes that vanish mid-scan are skipped).
    static func all() -> [ProcEntry] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var entries: [ProcEntry] = []
        while let ent = readdir(dir) {
            let pid = withUnsafeBytes(of: ent.pointee.d_name) { raw -> pid_t? in
                var value: pid_t = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + pid_t(byte - UInt8(ascii: "0"))
                }
                return value > 0 ? value : nil
            }
            if let pid, let e = entry(pid) { entries.append(e) }
        }
        return entries
    }

    /// /proc/PID/stat parsed; nil when the process is gone.
    static func entry(_ pid: pid_t) -> ProcEntry? {
        let bytes = read("/proc/\(pid)/stat", limit: 4096)
        // comm may hold spaces and parentheses: the fields start after the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] = state (field 3 of proc(5)), [1] ppid, [2] pgrp, [19] starttime (field 22).
        guard fields.count > 19, let state = fields[0].first,
            let ppid = number(fields[1]), let pgrp = number(fields[2]), let start = number(fields[19])
        else { return nil }
        return ProcEntry(pid: pid, ppid: pid_t(ppid), pgrp: pid_t(pgrp), state: state, startTime: UInt64(start))
    }

    /// True when the process's initial environment holds exactly `entry` ("KEY=VALUE"),
    /// or an entry that starts with it when `prefix` is set. False when unreadable.
    static func environment(of pid: pid_t, has entry: [UInt8], prefix: Bool = false) -> Bool {
        let bytes = read("/proc/\(pid)/environ", limit: 1 << 20)
        for item in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            if prefix ? item.starts(with: entry) : item.elementsEqual(entry) { return true }
        }
        return false
    }

    /// `roots` and everything below them in the parent links of `table`.
    static func withDescendants(of roots: Set<pid_t>, in table: [ProcEntry]) -> Set<pid_t> {
        var children: [pid_t: [pid_t]] = [:]
        for e in table { children[e.ppid, default: []].append(e.pid) }
        var found = roots
        var queue = Array(roots)
        while let pid = queue.popLast() {
            for child in children[pid] ?? [] where found.insert(child).inserted { queue.append(child) }
        }
        return found
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    /// The first `limit` bytes of a /proc file ([] when it cannot be read).
    private static func read(_ path: String, limit: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while result.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }
}
