/// Decides once: every run's status under the policy, then the report's
/// status and exit code (derived by `Policy.outcome`). Everything the tool
/// writes or prints is rendered from the `Report` this returns.
public enum Verdict {
    public static func decide(
        runs: [RunResult], skipped: [SkippedChecker] = [], suppressions: [SuppressionUsage],
        policy: Policy, diagnostics: Diagnostics, interrupted: Bool, ownCode: OwnCode? = nil
    ) -> Report {
        var decided = runs
        for i in decided.indices { decided[i].status = policy.status(of: decided[i]) }
        var notes = diagnostics.notes
        if interrupted { notes.append("interrupted: the report is partial") }
        var report = Report(
            runs: decided, skipped: skipped, suppressions: suppressions, failOn: policy.gatingLeakKinds.sorted(),
            notes: notes, incompleteReasons: diagnostics.incompleteReasons, interrupted: interrupted)
        report.codeUnderTest = ownCode.map(CodeUnderTest.init)
        return report
    }
}
