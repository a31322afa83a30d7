/// Attributes findings whose stack names no test (a spawned thread running a
/// named function, a global, at-exit code) by re-running parts of the shard
/// they came from: halves, then quarters, down to one test.
///
/// A pure state machine: `pendingRuns` are the runs to start now (independent,
/// so they may run in parallel), `record(_:reproduced:)` takes each one's
/// result (the fingerprints it reproduced, checker output parsed as usual), and
/// when `isFinished` every target fingerprint is in `attributed` or `residual`.
///
/// How: fingerprints that the same set of tests reproduced travel together as a
/// group. A group of several tests runs its first half only: what that half
/// reproduces follows it; what it does not is presumed to be in the second
/// half, not run. A presumed group of one test is run alone once to confirm;
/// a fingerprint it does not reproduce needs several tests together and is
/// `residual` (kept in the whole-shard run, as before). So one finding costs
/// ⌈log2 n⌉ runs, plus one when it was presumed to the end; a finding several
/// tests each cause is attributed to the one the halving meets first (the
/// shard's other occurrences stay unattributed in the caller's residual run).
public struct Bisection: Sendable {
    /// One process to start: the shard's binary given `tests` with `--exact`.
    public struct Run: Sendable, Hashable, Identifiable {
        public var id: Int
        /// In the shard's order.
        public var tests: [String]
    }

    private struct Group: Sendable {
        var tests: [String]
        var fingerprints: Set<String>
        /// A run of exactly `tests` reproduced `fingerprints` (false: presumed).
        var confirmed: Bool
    }

    /// Runs to start now; empty when finished or waiting for results.
    public private(set) var pendingRuns: [Run] = []
    /// Fingerprint → the one test that reproduces it alone.
    public private(set) var attributed: [String: String] = [:]
    /// Fingerprints no single test reproduces.
    public private(set) var residual: Set<String> = []
    /// Runs proposed so far (each costs one process).
    public private(set) var runsProposed = 0

    private var waiting: [Int: Group] = [:]
    private var nextID = 0

    /// The fingerprints worth bisecting in a shard's findings: gating under
    /// `policy`, not suppressed, not attributed already (by the stack). Never
    /// target what every process shows (harness noise, a suppressed record):
    /// every half reproduces it, so it would be pinned on the first test.
    public static func targets(in findings: [Finding], policy: Policy) -> Set<String> {
        Set(findings.filter { $0.test == nil && $0.suppressedBy == nil && policy.gates($0) }.map(\.fingerprint))
    }

    /// `tests`: the shard's tests, whose run reproduced `fingerprints`.
    public init(tests: [String], fingerprints: Set<String>) {
        var seen = Set<String>()
        let tests = tests.filter { seen.insert($0).inserted }
        guard !fingerprints.isEmpty else { return }
        guard !tests.isEmpty else {
            residual = fingerprints
            return
        }
        advance(Group(tests: tests, fingerprints: fingerprints, confirmed: true))
    }

    /// Every fingerprint is attributed or residual and no run is outstanding.
    public var isFinished: Bool { pendingRuns.isEmpty && waiting.isEmpty }

    /// The result of a pending run: which target fingerprints it reproduced
    /// (others are ignored). An unknown or already recorded id is ignored.
    public mutating func record(_ runID: Int, reproduced: Set<String>) {
        guard let group = waiting.removeValue(forKey: runID) else { return }
        pendingRuns.removeAll { $0.id == runID }
        if group.tests.count == 1 {
            // The confirmation run of a presumed single test.
            for f in group.fingerprints {
                if reproduced.contains(f) { attributed[f] = group.tests[0] } else { residual.insert(f) }
            }
            return
        }
        let half = (group.tests.count + 1) / 2
        let first = Array(group.tests[..<half])
        let second = Array(group.tests[half...])
        let inFirst = group.fingerprints.intersection(reproduced)
        let rest = group.fingerprints.subtracting(inFirst)
        if !inFirst.isEmpty { advance(Group(tests: first, fingerprints: inFirst, confirmed: true)) }
        if !rest.isEmpty { advance(Group(tests: second, fingerprints: rest, confirmed: false)) }
    }

    /// Settles a group of one test, or proposes the run that splits it.
    private mutating func advance(_ group: Group) {
        if group.tests.count == 1 && group.confirmed {
            for f in group.fingerprints { attributed[f] = group.tests[0] }
            return
        }
        let tests = group.tests.count == 1 ? group.tests : Array(group.tests[..<((group.tests.count + 1) / 2)])
        let run = Run(id: nextID, tests: tests)
        nextID += 1
        runsProposed += 1
        waiting[run.id] = group
        pendingRuns.append(run)
    }
}
