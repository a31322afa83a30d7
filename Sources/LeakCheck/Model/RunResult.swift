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
    /// The binary's `#[ignore]`d tests, as its harness listed them: with `tests`, a
    /// report read back (`merge`) has every testcase the run's JUnit had.
    public var ignoredTests: [String]?
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
