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
    /// The code under test (crates and source roots), recorded by the verdict:
    /// causes are grouped by its innermost frame, in this run and in `merge`.
    public var codeUnderTest: CodeUnderTest?

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
        Policy.outcome(
            of: runs, incompleteReasons: incompleteReasons, interrupted: interrupted,
            emptyPartition: partition?.receivedNoJob == true)
    }
    public var status: RunStatus { outcome.status }
    public var exitCode: Int32 { outcome.exitCode }
    public var totals: Totals { runs.reduce(Totals()) { $0 + $1.totals } }
    /// The gating findings grouped by the fix they need, most severe first
    /// (`Causes.group`): derived from the runs like `totals`, so it can never
    /// disagree with them. Every output leads with them; read it once per render.
    public var causes: [Cause] { causes(poll: nil) }

    /// `causes`, ending early (empty) when a renderer's `poll` says stop.
    public func causes(poll: RenderPoll?) -> [Cause] {
        Causes.group(runs, policy: derivedPolicy, ownCode: codeUnderTest?.ownCode, poll: poll)
    }

    /// The policy a report read back was gated with: its `failOn`, and, when
    /// its findings carry baseline marks, only new ones gate.
    public var derivedPolicy: Policy {
        var p = Policy(gatingLeakKinds: Set(failOn))
        if runs.contains(where: { $0.findings.contains { $0.baseline != nil } }) { p.gateKnownFindings = false }
        return p
    }
}

/// `report.codeUnderTest`: `{crates, sourceRoots}`.
public struct CodeUnderTest: Codable, Sendable, Hashable {
    public var crates: [String]
    public var sourceRoots: [String]
    public init(crates: [String], sourceRoots: [String]) {
        self.crates = crates
        self.sourceRoots = sourceRoots
    }
    public init(_ own: OwnCode) { self.init(crates: own.crateNames.sorted(), sourceRoots: own.sourceRoots.sorted()) }
    public var ownCode: OwnCode { OwnCode(crateNames: crates, sourceRoots: sourceRoots) }
    /// Both sets of crates and roots.
    public func union(_ other: CodeUnderTest) -> CodeUnderTest {
        CodeUnderTest(
            crates: Array(Set(crates).union(other.crates)).sorted(),
            sourceRoots: Array(Set(sourceRoots).union(other.sourceRoots)).sorted())
    }
}
