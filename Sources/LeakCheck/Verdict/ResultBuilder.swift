/// The one path from evidence to a run's result, for live runs and `parse`
/// alike: interpret the process and the checker's output, keep the parser's
/// warnings and the checker's own suppression counts, apply suppressions.
struct ResultBuilder: Sendable {
    let context: RunContext

    func build(_ evidence: RunEvidence, source: RunSource, target: String?, label: String) -> RunResult {
        var run = RunInterpreter.interpret(evidence)
        run.source = source
        run.target = target
        for output in evidence.outputs {
            for w in output.warnings { context.diagnostics.note("\(label): \(w)") }
            context.addCheckerCounts(output.checkerSuppressionCounts)
        }
        if let finder = context.boundaries {
            run.findings = finder.annotate(run.findings)
            // Printed once however many runs (Diagnostics keeps a note once).
            if let hint = BoundaryFinder.hint(for: run.findings) { context.diagnostics.note(hint) }
        }
        applySuppressions(to: &run)
        return run
    }

    func applySuppressions(to run: inout RunResult) {
        guard !context.suppressions.isEmpty else { return }
        let applied = SuppressionApplier.apply(
            context.matcher, to: run.findings, checker: run.checker, ownCode: context.ownCode,
            allowBroad: !context.policy.gateOverBroadSuppressions)
        run.findings = applied.findings
        if let reason = applied.incompleteReason, run.incompleteReason == nil { run.incompleteReason = reason }
    }
}
