/// A binary's shard runs reported as one run, as if the binary had run whole.
///
/// Which tests share a shard depends on the timing cache and the machine's
/// cores, so reporting each shard would make the report change from one run
/// to the next for the same code. Combined, the report is the same whatever
/// `--jobs`, the cache or the partition, and has the shape of a `--no-split`
/// run: same `arguments`, `tests` in listing order, findings grouped by test.
enum ShardedRuns {
    /// `runs`: every shard run of one binary (halted shards' re-runs included);
    /// `whole`: the binary's job as it would run whole; `listing`: its tests in
    /// listing order (orders `tests`, `failedTests` and findings).
    static func combine(_ runs: [RunResult], whole: Job, listing: [String]) -> RunResult {
        precondition(!runs.isEmpty, "a binary with no shard run has nothing to combine")
        if runs.count == 1 {
            var r = runs[0]
            r.arguments = whole.arguments
            return r
        }
        let position = Dictionary(listing.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func rank(_ test: String?) -> Int { test.flatMap { position[$0] } ?? listing.count }
        var r = runs[0]
        r.arguments = whole.arguments
        r.test = nil
        r.tests = Array(Set(runs.flatMap { $0.tests ?? [] })).sorted { (rank($0), $0) < (rank($1), $1) }
        let failed = Set(runs.flatMap { $0.failedTests ?? [] })
        r.failedTests = failed.isEmpty ? nil : failed.sorted { (rank($0), $0) < (rank($1), $1) }
        // A test's findings all come from the one process it ran in, in that
        // process's order; tests in listing order; unattributed ones last.
        // Suppressed runtime noise of the process itself counts once, as in a whole run.
        let findings = ProcessNoise.countOnce(runs.map(\.findings)).flatMap { $0 }.enumerated().sorted {
            let (a, b) = (rank($0.element.test), rank($1.element.test))
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        r.findings = findings
        // The largest status is the same whichever shard each test was in.
        let codes = runs.compactMap(\.exitCode)
        r.exitCode = codes.isEmpty ? nil : codes.max()
        r.signal = runs.compactMap(\.signal).sorted().first
        r.timedOut = runs.contains { $0.timedOut }
        let reasons = runs.compactMap(\.incompleteReason)
        r.incompleteReason = reasons.isEmpty ? nil : Array(Set(reasons)).sorted().joined(separator: "; ")
        r.logFiles = runs.flatMap(\.logFiles)
        let seconds = runs.compactMap(\.durationSeconds)
        r.durationSeconds = seconds.isEmpty ? nil : (seconds.reduce(0, +) * 1000).rounded() / 1000
        return r
    }
}

/// Runtime noise each process of a test binary reports once (std's main thread
/// handle, the harness's own allocations): suppressed, with no test frame on
/// its stack. A binary split into shards, or into partitions, would count it once
/// per process, so the suppressed figures would move with `--jobs`, the timing
/// cache and the partition. Counted once, as a whole-binary run counts it.
enum ProcessNoise {
    struct Key: Hashable {
        var kind: FindingKind
        var suppressedBy: String
        var fingerprint: String
    }

    static func key(_ f: Finding) -> Key? {
        // A test frame on the stack makes it the test's (it comes once per test);
        // a process that ran one test names that test on everything it reported.
        guard let by = f.suppressedBy, f.attributedBy != .stack else { return nil }
        return Key(kind: f.kind, suppressedBy: by, fingerprint: f.fingerprint)
    }

    /// `processes`: the findings of each process of one binary, in order. Each
    /// noise record is kept from the first process that reports the most copies
    /// of it (copies and bytes), and dropped from the others; everything else is kept.
    static func countOnce(_ processes: [[Finding]]) -> [[Finding]] {
        guard processes.count > 1 else { return processes }
        var best: [Key: (process: Int, copies: Int, bytes: Int)] = [:]
        for (p, findings) in processes.enumerated() {
            var here: [Key: (copies: Int, bytes: Int)] = [:]
            for f in findings {
                guard let k = key(f) else { continue }
                let n = Swift.max(1, f.count ?? 1)
                let old = here[k] ?? (0, 0)
                here[k] = (
                    old.copies.addingSaturated(n), old.bytes.addingSaturated((f.bytes ?? 0).multipliedSaturated(by: n))
                )
            }
            for (k, v) in here {
                if let b = best[k], (b.copies, b.bytes) >= (v.copies, v.bytes) { continue }
                best[k] = (p, v.copies, v.bytes)
            }
        }
        return processes.enumerated().map { p, findings in
            findings.filter { f in key(f).map { best[$0]?.process == p } ?? true }
        }
    }
}
