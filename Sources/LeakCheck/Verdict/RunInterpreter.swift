/// Turns what happened to one child (its exit, the checker's parsed output, the
/// test harness's output) into a `RunResult`. Pure: every rule that decides
/// whether a run can be trusted lives here, where unit tests reach it.
public struct RunEvidence: Sendable {
    public var checker: Checker
    public var executable: String
    public var arguments: [String]
    public var test: String?
    public var featureSet: String?
    public var outcome: ProcessOutcome
    /// Parsed checker output(s): one valgrind XML, or every sanitizer log file of the run.
    public var outputs: [CheckerOutput]
    /// The program's own stdout+stderr (for libtest verdicts), when captured.
    public var programOutput: String?
    /// The program is a libtest harness (cargo test binary).
    public var isLibtest: Bool
    /// Exit status the sanitizer uses when it reports (our `exitcode=` option).
    public var sanitizerExitCode: Int32?
    public var timeout: Double?
    public var logFiles: [String]
    /// The test is expected to fail (ctest `WILL_FAIL`): a non-zero exit passes, a zero exit fails.
    public var expectFailure: Bool

    public init(
        checker: Checker, executable: String, arguments: [String], test: String? = nil, featureSet: String? = nil,
        outcome: ProcessOutcome, outputs: [CheckerOutput], programOutput: String? = nil, isLibtest: Bool = false,
        sanitizerExitCode: Int32? = nil, timeout: Double? = nil, logFiles: [String] = [], expectFailure: Bool = false
    ) {
        self.expectFailure = expectFailure
        self.checker = checker
        self.executable = executable
        self.arguments = arguments
        self.test = test
        self.featureSet = featureSet
        self.outcome = outcome
        self.outputs = outputs
        self.programOutput = programOutput
        self.isLibtest = isLibtest
        self.sanitizerExitCode = sanitizerExitCode
        self.timeout = timeout
        self.logFiles = logFiles
    }
}

public enum RunInterpreter {
    public static func interpret(_ e: RunEvidence) -> RunResult {
        // The tool's own SIGTERM/SIGKILL of a timed-out or interrupted run is
        // not the program crashing: valgrind still writes a <fatal_signal> for it.
        let ours = { (o: CheckerOutput) in o.fatalSignal.map(e.outcome.wasSentBySupervisor(signalNamed:)) ?? false }
        var findings = e.outputs.flatMap { o in ours(o) ? o.findings.filter { $0.kind != .fatalSignal } : o.findings }
        var reasons: [String] = []
        if let err = e.outcome.waitError { reasons.append("cannot tell how the program ended: \(err)") }

        if e.outcome.timedOut {
            reasons.append("timed out after \(e.timeout.map { formatSeconds($0) } ?? "the time limit")")
        }
        if e.outcome.interrupted { reasons.append("interrupted before it finished") }

        let definition = CheckerRegistry.definition(e.checker)
        if e.outputs.isEmpty, let reason = definition.noOutputReason { reasons.append(reason) }
        for o in e.outputs where !o.complete {
            reasons.append(o.incompleteReason ?? definition.incompleteOutputReason)
        }

        // A signal that killed the program is a finding, unless the checker already reported it.
        let hasFatal = findings.contains { $0.kind == .fatalSignal }
        var signalName = e.outputs.filter { !ours($0) }.compactMap(\.fatalSignal).first
        if let sig = e.outcome.signalName, !e.outcome.timedOut, !e.outcome.interrupted {
            signalName = signalName ?? sig
            if !hasFatal {
                findings.append(
                    Finding(kind: .fatalSignal, rawKind: sig, message: "program killed by \(sig)", test: e.test))
            }
        }

        // Failing tests and unexplained non-zero exits are findings: never green.
        var failedTests: [String]? = nil
        let explainedBySanitizer = { (code: Int32) in
            e.sanitizerExitCode == code && findings.contains { $0.kind != .testFailure }
        }
        if e.expectFailure, let code = e.outcome.exitCode, !e.outcome.timedOut, !e.outcome.interrupted {
            // WILL_FAIL: the test's own failure is its pass; a sanitizer's report is not.
            if code == 0 {
                findings.append(
                    Finding(
                        kind: .testFailure, rawKind: "WILL_FAIL test passed",
                        message: "the test is expected to fail (WILL_FAIL) but exited with status 0", test: e.test))
            }
        } else if let code = e.outcome.exitCode, code != 0, !e.outcome.timedOut, !e.outcome.interrupted {
            let failed = e.isLibtest ? LibtestListing.failedTests(in: e.programOutput ?? "") : []
            if !failed.isEmpty {
                failedTests = failed
                for name in failed {
                    findings.append(
                        Finding(
                            kind: .testFailure, rawKind: "test failed",
                            message: "test \(name) failed (exit status \(code))",
                            test: name))
                }
            } else {
                let explainedBySignal = findings.contains { $0.kind == .fatalSignal }
                if !explainedBySanitizer(code) && !explainedBySignal {
                    var message = "program exited with status \(code)"
                    if e.isLibtest, let verdict = LibtestListing.resultLine(in: e.programOutput ?? "") {
                        message += " (\(verdict))"
                    }
                    findings.append(
                        Finding(kind: .testFailure, rawKind: "exit status \(code)", message: message, test: e.test))
                }
            }
        }

        if let test = e.test {
            for i in findings.indices where findings[i].test == nil { findings[i].test = test }
        }

        var run = RunResult(
            checker: e.checker, executable: e.executable, arguments: e.arguments, test: e.test,
            featureSet: e.featureSet, exitCode: e.outcome.exitCode, signal: signalName, timedOut: e.outcome.timedOut,
            findings: findings, incompleteReason: reasons.isEmpty ? nil : reasons.joined(separator: "; "),
            logFiles: e.logFiles)
        run.durationSeconds = (e.outcome.durationSeconds * 1000).rounded() / 1000
        run.failedTests = failedTests
        return run
    }

    static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
