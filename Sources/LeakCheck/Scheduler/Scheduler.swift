import Foundation
import Synchronization

/// Runs (source × checker) jobs on `--jobs` cores through one driver, ties
/// findings to tests by the driver's attribution strategy, and hands every
/// result through the one `ResultBuilder`.
struct Scheduler: Sendable {
    let context: RunContext
    let driver: any CheckerDriver

    var runDir: String { (context.logsDir as NSString).appendingPathComponent(driver.checker.rawValue) }
    var policy: Policy { context.policy }

    func run(_ jobs: [Job]) -> [RunResult] {
        listAll(jobs)
        switch driver.attribution {
        case .rerunWhenGating: return runWholeThenAttribute(jobs)
        case .processPerTest: return runPerTest(jobs)
        }
    }

    // MARK: - Attribution strategies

    /// Whole binaries first; only binaries with gating findings are re-run one
    /// test per process (unless --per-test / --no-per-test say otherwise).
    func runWholeThenAttribute(_ jobs: [Job]) -> [RunResult] {
        let whole = runParallel(jobs)
        guard context.options.perTest != false, !context.isInterrupted else { return whole.compactMap { $0 } }
        var perTestJobs: [(owner: Int, job: Job)] = []
        for (i, (job, run)) in zip(jobs, whole).enumerated() {
            guard let run, job.isLibtest else { continue }
            let wants =
                context.options.perTest == true
                || (run.incompleteReason == nil && !run.timedOut && run.findings.contains(where: policy.gates))
            guard wants, let tests = listTests(job) else { continue }
            for (n, t) in tests.enumerated() { perTestJobs.append((i, job.forTest(t, index: n))) }
        }
        if perTestJobs.isEmpty { return whole.compactMap { $0 } }
        context.console.progress(
            "\(driver.checker.displayName): attributing findings to tests: \(perTestJobs.count) per-test runs")
        let perTest = runParallel(perTestJobs.map(\.job))
        var byOwner: [Int: [RunResult]] = [:]
        for (entry, run) in zip(perTestJobs, perTest) {
            if let run { byOwner[entry.owner, default: []].append(run) }
        }
        let attributed = Set(perTestJobs.map(\.owner))
        var output: [RunResult] = []
        for (i, run) in whole.enumerated() {
            guard let run else { continue }
            guard attributed.contains(i) else {
                output.append(run)
                continue
            }
            // Tests an interruption kept from running leave their findings in the residual run.
            let mine = byOwner[i] ?? []
            output += mine
            if let residual = Self.residual(of: run, notIn: mine, policy: policy) { output.append(residual) }
        }
        return output
    }

    /// The whole-binary run's gating findings that no per-test run reproduced
    /// (a leak that needs several tests together, or one outside any test):
    /// kept so attribution never loses a finding.
    static func residual(of whole: RunResult, notIn perTest: [RunResult], policy: Policy) -> RunResult? {
        guard whole.incompleteReason == nil, !whole.timedOut else { return whole }
        let seen = Set(perTest.flatMap { $0.findings.map(\.fingerprint) })
        let missing = whole.findings.filter {
            policy.gates($0) && !seen.contains($0.fingerprint) && $0.kind != .testFailure
        }
        if missing.isEmpty { return nil }
        var r = whole
        r.findings = missing
        return r
    }

    /// Every test in its own process: LSan's at-exit report belongs to exactly one test.
    func runPerTest(_ jobs: [Job]) -> [RunResult] {
        guard context.options.perTest != false else { return runParallel(jobs).compactMap { $0 } }
        var expanded: [Job] = []
        for job in jobs {
            guard job.isLibtest, let tests = listTests(job), !tests.isEmpty else {
                expanded.append(job)  // cannot list: run it whole, nothing is lost
                continue
            }
            for (n, t) in tests.enumerated() { expanded.append(job.forTest(t, index: n)) }
        }
        context.console.progress("\(driver.checker.displayName): \(expanded.count) runs, one test per process")
        return runParallel(expanded).compactMap { $0 }
    }

    /// `BIN --list --format terse` minus `--ignored` ones: the tests libtest
    /// would run. The whole listing (ignored ones too) is kept for the reports
    /// (JUnit shows ignored tests as skipped). A listing that fails is said:
    /// attribution is dropped for that binary, never silently.
    func listTests(_ job: Job) -> [String]? {
        if let known = context.listings.withLock({ $0[job.program] }) {
            return known.tests.filter { !known.ignored.contains($0) }
        }
        let env = driver.listingEnvironment(context)
        guard
            let all = Capture.run(
                job.program, ["--list", "--format", "terse"], environment: env, supervisor: context.supervisor)
        else {
            context.diagnostics.note("\(job.target ?? job.program): cannot start it to list its tests; it ran whole")
            return nil
        }
        guard all.outcome.succeeded else {
            context.diagnostics.note(
                "\(job.target ?? job.program): listing its tests failed (\(all.outcome.description)); it ran whole, findings not attributed to tests")
            return nil
        }
        let ignored =
            Capture.run(
                job.program, ["--list", "--format", "terse", "--ignored"], environment: env,
                supervisor: context.supervisor
            ).map { LibtestListing.parseTerse($0.output) } ?? []
        let list = TestList(tests: LibtestListing.parseTerse(all.output), ignored: Set(ignored))
        context.listings.withLock { $0[job.program] = list }
        return list.tests.filter { !list.ignored.contains($0) }
    }

    /// Lists every libtest binary up front (cheap: no checker involved), so
    /// every report can show each test, clean or not.
    func listAll(_ jobs: [Job]) {
        let libtest = jobs.filter(\.isLibtest)
        _ = parallelMap(libtest, jobs: context.options.jobs, shouldStop: { context.supervisor.isInterrupted }) { _, job in
            listTests(job)?.count ?? 0
        }
    }

    // MARK: - Running

    /// Results aligned with `jobs`: nil for a job an interruption kept from starting.
    func runParallel(_ jobs: [Job]) -> [RunResult?] {
        let total = jobs.count
        let done = Mutex(0)
        let supervisor = context.supervisor
        return parallelMap(jobs, jobs: context.options.jobs, shouldStop: { supervisor.isInterrupted }) { _, job in
            let r = execute(job)
            let n = done.withLock { n -> Int in
                n += 1
                return n
            }
            let status = policy.status(of: r)
            let mark = status == .clean ? "ok" : status.rawValue
            context.console.progress(
                "[\(n)/\(total)] \(driver.checker.rawValue) \(TextReport.runLabel(r)): \(mark) (\(String(format: "%.1f", r.durationSeconds ?? 0)) s)"
            )
            return r
        }
    }

    func execute(_ job: Job) -> RunResult {
        let base = (runDir as NSString).appendingPathComponent(job.label)
        func failed(_ reason: String, logFiles: [String] = []) -> RunResult {
            var r = RunResult(
                checker: driver.checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, status: .incomplete, incompleteReason: reason, logFiles: logFiles)
            r.source = job.source
            r.target = job.target
            return r
        }
        let prepared: PreparedRun
        do { prepared = try driver.prepare(job, base: base, context: context) } catch { return failed("\(error)") }
        context.console.detail("run: \(([prepared.spec.executable] + prepared.spec.arguments).joined(separator: " "))")
        if driver.sanitizer != nil {
            for key in ["ASAN_OPTIONS", "LSAN_OPTIONS"] {
                if let v = prepared.spec.environment?[key] { context.console.detail("  \(key)=\(v)") }
            }
        }
        let outcome: ProcessOutcome
        do { outcome = try context.supervisor.run(prepared.spec) } catch { return failed("\(error)") }
        let (outputs, logFiles) = driver.collect(prepared, context: context)
        context.console.detail(
            "  \(outcome.description) after \(String(format: "%.2f", outcome.durationSeconds)) s; output in \(logFiles.joined(separator: ", "))"
        )
        let programOutput = FileTail.read(prepared.programOutput, limit: 32 << 20)
        if programOutput == nil && job.isLibtest {
            context.diagnostics.note("\(job.label): cannot read the program's output at \(prepared.programOutput)")
        }
        return ResultBuilder(context: context).build(
            RunEvidence(
                checker: driver.checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, outcome: outcome, outputs: outputs, programOutput: programOutput,
                isLibtest: job.isLibtest, sanitizerExitCode: driver.reportExitCode,
                timeout: job.timeout ?? context.options.timeout, logFiles: logFiles, expectFailure: job.expectFailure),
            source: job.source, target: job.target, label: job.label)
    }
}

/// The last `limit` bytes of a file (a flooding test's output stays bounded).
enum FileTail {
    static func read(_ path: String, limit: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size > UInt64(limit) ? size - UInt64(limit) : 0)
            return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            return nil
        }
    }
}
