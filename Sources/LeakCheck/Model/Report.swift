/// Bytes and blocks of one leak kind.
///
/// Sums saturate at `Int.max` instead of trapping: figures come from logs, and a
/// hostile or corrupt log must never crash the tool (a parser notes the figure
/// it had to clamp).
public struct Tally: Codable, Sendable, Hashable {
    public var bytes: Int
    public var blocks: Int
    public init(bytes: Int = 0, blocks: Int = 0) {
        self.bytes = bytes
        self.blocks = blocks
    }
    public static let zero = Tally()
    /// Saturating: `Int.max` stays `Int.max` (and `Int.min` stays `Int.min`).
    public static func + (a: Tally, b: Tally) -> Tally {
        Tally(bytes: saturatingAdd(a.bytes, b.bytes), blocks: saturatingAdd(a.blocks, b.blocks))
    }
    public static func += (a: inout Tally, b: Tally) { a = a + b }
    public var isZero: Bool { bytes == 0 && blocks == 0 }

    /// `a + b`, clamped to `Int`'s range instead of trapping on overflow.
    @inline(__always)
    public static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (s, o) = a.addingReportingOverflow(b)
        if !o { return s }
        return b > 0 ? Int.max : Int.min
    }
}

/// LEAK SUMMARY figures plus a count of memory errors. Unsuppressed findings
/// only; `suppressed` holds what suppressions removed.
public struct Totals: Codable, Sendable, Hashable {
    public var definitelyLost = Tally()
    public var indirectlyLost = Tally()
    public var possiblyLost = Tally()
    public var stillReachable = Tally()
    public var suppressed = Tally()
    /// Non-leak findings (memory errors, fatal signals, test failures), unsuppressed.
    public var errors = 0
    /// Non-leak findings removed by suppressions.
    public var suppressedErrors = 0

    public init() {}

    public init(findings: [Finding]) {
        for f in findings { add(f) }
    }

    /// Adds one finding. A deduplicated one (`count` N) counts N times; a
    /// `summaryOnly` finding counts under the leak kind it stands for
    /// (`Finding.summaryLeakKind`), so totals equal the checker's own LEAK
    /// SUMMARY, and one that stands for N memory errors carries N in `count`.
    /// Every sum saturates.
    public mutating func add(_ f: Finding) {
        let n = Swift.max(1, f.count ?? 1)
        let tally = Tally(
            bytes: (f.bytes ?? 0).multipliedSaturated(by: n), blocks: (f.blocks ?? 0).multipliedSaturated(by: n))
        let kind = f.summaryLeakKind ?? f.kind
        if f.suppressedBy != nil {
            if kind.isLeak { suppressed += tally } else { suppressedErrors = suppressedErrors.addingSaturated(n) }
            return
        }
        switch kind {
        case .definitelyLost: definitelyLost += tally
        case .indirectlyLost: indirectlyLost += tally
        case .possiblyLost: possiblyLost += tally
        case .stillReachable: stillReachable += tally
        default: errors = errors.addingSaturated(n)
        }
    }

    /// Saturating sum of two totals.
    public static func + (a: Totals, b: Totals) -> Totals {
        var t = a
        t.definitelyLost += b.definitelyLost
        t.indirectlyLost += b.indirectlyLost
        t.possiblyLost += b.possiblyLost
        t.stillReachable += b.stillReachable
        t.suppressed += b.suppressed
        t.errors = Tally.saturatingAdd(t.errors, b.errors)
        t.suppressedErrors = Tally.saturatingAdd(t.suppressedErrors, b.suppressedErrors)
        return t
    }

    public func tally(for kind: FindingKind) -> Tally {
        switch kind {
        case .definitelyLost: return definitelyLost
        case .indirectlyLost: return indirectlyLost
        case .possiblyLost: return possiblyLost
        case .stillReachable: return stillReachable
        default: return .zero
        }
    }
}

public enum Checker: String, Codable, Sendable, CaseIterable {
    case valgrind, asan, lsan

    public var displayName: String {
        switch self {
        case .valgrind: return "Valgrind"
        case .asan: return "AddressSanitizer"
        case .lsan: return "LeakSanitizer"
        }
    }
}

public enum RunStatus: String, Codable, Sendable, Comparable {
    case clean, findings, incomplete
    private var rank: Int {
        switch self {
        case .clean: return 0
        case .findings: return 1
        case .incomplete: return 2
        }
    }
    public static func < (a: RunStatus, b: RunStatus) -> Bool { a.rank < b.rank }
}

/// Where a run's program came from.
public enum RunSource: String, Codable, Sendable, CaseIterable {
    /// A test executable cargo built.
    case cargo
    /// A test of a CMake build tree, read from `ctest --show-only=json-v1`.
    case ctest
    /// The program given after `--`.
    case command
}

/// One execution of one program under one checker.
public struct RunResult: Codable, Sendable {
    public var checker: Checker
    public var source: RunSource = .cargo
    public var executable: String
    public var arguments: [String]
    /// The single test this run executed (per-test runs), or nil for a whole binary.
    public var test: String?
    /// Cargo features the binary was built with (nil in command mode).
    public var featureSet: String?
    /// Decided by the policy in one place (`Verdict.decide`); never set elsewhere.
    public internal(set) var status: RunStatus
    /// Exit status of the program under the checker (nil when killed by a signal).
    public var exitCode: Int32?
    /// Signal that ended the program (valgrind's fatal_signal or the wait status), e.g. "SIGSEGV".
    public var signal: String?
    public var timedOut: Bool
    /// Derived from `findings` every time: it can never disagree with them.
    public var totals: Totals { Totals(findings: findings) }
    public var findings: [Finding]
    /// Why the run could not be trusted (set whenever status is incomplete).
    public var incompleteReason: String?
    /// Files kept for post-mortem: raw XML, sanitizer logs, captured stdout/stderr.
    public var logFiles: [String]
    public var durationSeconds: Double?
    /// Names of tests the harness reported as failed.
    public var failedTests: [String]?
    /// The tests this run executed, as the harness listed them (libtest `--list`,
    /// ctest's test name): lets JUnit show one testcase per test, always.
    public var tests: [String]?
    /// Stable name of what ran, without cargo's build hash (`lifecycle`, `moq_ffi`,
    /// a ctest test name): JUnit classnames and partitions use it.
    public var target: String?

    public init(
        checker: Checker, executable: String, arguments: [String], test: String? = nil,
        featureSet: String? = nil, status: RunStatus = .clean, exitCode: Int32? = nil,
        signal: String? = nil, timedOut: Bool = false, findings: [Finding] = [],
        incompleteReason: String? = nil, logFiles: [String] = []
    ) {
        self.checker = checker
        self.executable = executable
        self.arguments = arguments
        self.test = test
        self.featureSet = featureSet
        self.status = status
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.findings = findings
        self.incompleteReason = incompleteReason
        self.logFiles = logFiles
    }
}

/// A checker that was asked for (or tried in `all`) but did not run.
public struct SkippedChecker: Codable, Sendable {
    public var checker: Checker
    public var reason: String
    public init(checker: Checker, reason: String) {
        self.checker = checker
        self.reason = reason
    }
}

/// Use count of one suppression entry over the whole report.
public struct SuppressionUsage: Codable, Sendable, Hashable {
    public var name: String
    /// `file:line` where the entry starts.
    public var source: String
    public var count: Int
    /// Bytes of the leaks it removed.
    public var bytes: Int
    /// It removed a finding whose stack passes through the crate's own code.
    public var overBroad: Bool
    /// Count the checker itself reported (valgrind suppcounts / LSan "Suppressions used"), when known.
    public var checkerCount: Int?
    public init(name: String, source: String, count: Int = 0, bytes: Int = 0, overBroad: Bool = false, checkerCount: Int? = nil) {
        self.name = name
        self.source = source
        self.count = count
        self.bytes = bytes
        self.overBroad = overBroad
        self.checkerCount = checkerCount
    }
}

/// The whole report: what `--json` writes (schemaVersion 1). It is the one
/// verdict every output renders: `status`, `exitCode` and `totals` are derived
/// from the runs and the recorded problems, never stored beside them.
public struct Report: Sendable {
    public var schemaVersion = 1
    public var tool = "moq-leakcheck"
    public var toolVersion = LeakCheckVersion.string
    public var runs: [RunResult]
    public var skipped: [SkippedChecker]
    public var suppressions: [SuppressionUsage]
    /// Gating kinds used for this report.
    public var failOn: [FindingKind]
    /// Notes worth a person's attention (toolchain path used, doctests not run, …).
    public var notes: [String]
    /// Problems that make the whole report untrustworthy (an output that could
    /// not be written, a log that could not be read, a partition missing).
    public var incompleteReasons: [String]
    /// Set when the tool was interrupted (Ctrl-C / SIGTERM).
    public var interrupted: Bool
    /// This report covers one partition of the job list (`--partition`).
    public var partition: PartitionSpec?
    /// Findings of the baseline (`--baseline`) that this run no longer shows.
    public var fixedSinceBaseline: [Finding]?

    public init(
        runs: [RunResult], skipped: [SkippedChecker] = [], suppressions: [SuppressionUsage] = [],
        failOn: [FindingKind], notes: [String] = [], incompleteReasons: [String] = [], interrupted: Bool = false
    ) {
        self.runs = runs
        self.skipped = skipped
        self.suppressions = suppressions
        self.failOn = failOn
        self.notes = notes
        self.incompleteReasons = incompleteReasons
        self.interrupted = interrupted
    }

    /// The overall status and exit code, by the one rule in `Policy.outcome`.
    public var outcome: (status: RunStatus, exitCode: Int32) {
        Policy.outcome(of: runs, incompleteReasons: incompleteReasons, interrupted: interrupted)
    }
    public var status: RunStatus { outcome.status }
    public var exitCode: Int32 { outcome.exitCode }
    public var totals: Totals { runs.reduce(Totals()) { $0 + $1.totals } }
}

public enum LeakCheckVersion {
    public static let string = "0.1.0"
}
