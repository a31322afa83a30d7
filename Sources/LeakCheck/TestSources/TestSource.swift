/// What a source hands the scheduler for one checker: the jobs to run, and
/// the runs that already failed (a build that broke is an incomplete run).
struct SourcePreparation: Sendable {
    var jobs: [Job] = []
    var failures: [RunResult] = []
}

/// A kind of target (cargo package, `-- PROG`, CTest build tree) turned into
/// jobs. A new kind (nextest archives) is one new file conforming to this.
protocol TestSource: Sendable {
    var kind: RunSource { get }
    /// Why this source cannot run under the checker at all (nil: it can).
    func unavailability(for driver: any CheckerDriver, context: RunContext) -> String?
    /// Builds what the checker needs (instrumented for sanitizers) and lists the jobs.
    func prepare(for driver: any CheckerDriver, context: RunContext) -> SourcePreparation
    /// The same, handing jobs to `emit` as soon as they are built (cargo: each
    /// test executable as it links, from any thread), so the scheduler starts
    /// on them while the rest builds; returns the failed steps. By default:
    /// `prepare`, one batch.
    func prepare(
        for driver: any CheckerDriver, context: RunContext, emit: @escaping @Sendable (_ jobs: [Job]) -> Void
    ) -> [RunResult]
}

extension TestSource {
    func prepare(
        for driver: any CheckerDriver, context: RunContext, emit: @escaping @Sendable (_ jobs: [Job]) -> Void
    ) -> [RunResult] {
        let prep = prepare(for: driver, context: context)
        emit(prep.jobs)
        return prep.failures
    }

    /// A run standing for a step of this source that failed before any test ran.
    func failedStep(
        _ driver: any CheckerDriver, executable: String, arguments: [String] = [], featureSet: String? = nil,
        exitCode: Int32? = nil, reason: String, logFiles: [String] = []
    ) -> RunResult {
        var r = RunResult(
            checker: driver.checker, executable: executable, arguments: arguments, featureSet: featureSet,
            status: .incomplete, exitCode: exitCode, incompleteReason: reason, logFiles: logFiles)
        r.source = kind
        return r
    }
}
