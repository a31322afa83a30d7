import Foundation
import Synchronization

/// What the checkers run on: a cargo package, a program after `--`, CTest
/// build trees, or a cargo package and its C suite together.
public enum Target: Sendable {
    /// A cargo package: build its tests, run every test executable.
    case cargo(manifest: String, crateDir: String)
    /// One program given after `--`.
    case command([String])
}

/// The orchestration, and nothing else: for each checker, every source
/// prepares its jobs, the scheduler runs them, and the verdict is decided once
/// from the runs and the diagnostics. Every decision lives in a piece a unit
/// test reaches (sources, drivers, scheduler, RunInterpreter, Policy, Verdict).
public final class Engine: Sendable {
    public let context: RunContext
    public var options: Options { context.options }
    public var console: Console { context.console }
    public var diagnostics: Diagnostics { context.diagnostics }

    public init(context: RunContext) {
        self.context = context
    }

    /// Runs the checkers of the subcommand on every source and decides the verdict.
    func runCheckers(sources: [any TestSource]) -> Report {
        var runs: [RunResult] = []
        var skipped: [SkippedChecker] = []
        prepareDirectories()
        for checker in options.subcommand.checkers {
            if context.isInterrupted { break }
            let driver = CheckerRegistry.driver(for: checker)
            let machineReason = driver.unavailability(context)
            let reasons =
                [machineReason].compactMap { $0 }
                + sources.compactMap { $0.unavailability(for: driver, context: context) }
            if let reason = reasons.first {
                if let why = RequiredCheckers.incompleteReason(
                    checker, cannotRun: reason, explicitCommand: options.explicitSubcommand,
                    requested: options.requiredCheckers, running: options.subcommand.checkers,
                    environment: context.environment, machineCannotRun: machineReason != nil)
                {
                    runs.append(
                        RunResult(
                            checker: checker, executable: checker.rawValue, arguments: [], status: .incomplete,
                            incompleteReason: why))
                    console.error("\(checker.displayName) cannot run: \(why)")
                } else {
                    skipped.append(SkippedChecker(checker: checker, reason: reason))
                    console.progress("- \(checker.displayName): skipped: \(reason)")
                }
                continue
            }
            prepareRunDirectory(for: driver)
            // The sources build on their own thread and feed their jobs as they are
            // built: the scheduler runs what has linked while the rest builds.
            let feed = JobFeed()
            let failures = Mutex<[RunResult]>([])
            let built = DispatchSemaphore(value: 0)
            let builder = Thread { [context] in
                for (index, source) in sources.enumerated() {
                    if context.isInterrupted { break }
                    let failed = source.prepare(for: driver, context: context) { batch in
                        feed.add(
                            batch.map { job in
                                var job = job
                                job.order.source = index
                                return job
                            })
                    }
                    failures.withLock { $0 += failed }
                }
                feed.finish()
                built.signal()
            }
            builder.stackSize = 4 << 20
            builder.start()
            let scheduled = Scheduler(context: context, driver: driver).run(feed)
            built.wait()
            runs += failures.withLock { $0 }
            runs += scheduled
        }
        if runs.isEmpty && !skipped.isEmpty {
            diagnostics.incomplete("no checker could run")
        }
        noteSelection()
        return decide(runs: runs, skipped: skipped)
    }

    /// Test filters that select nothing are a typo, never a clean run; what they
    /// left out is listed as skipped in the reports.
    func noteSelection() {
        let selection = options.selection
        guard !selection.isEverything else { return }
        let (listed, selected) = context.selectionCount.withLock { ($0.listed, $0.selected) }
        guard selection.filtersTests else {
            diagnostics.note("cargo targets: \(selection.description)")
            return
        }
        if listed > 0 && selected == 0 {
            diagnostics.incomplete(
                "the test selection (\(selection.description)) matches none of the \(listed) tests listed: nothing was checked"
            )
        } else {
            diagnostics.note(
                "test selection (\(selection.description)): \(selected) of \(listed) tests checked; the others are listed as skipped"
            )
        }
    }

    /// The one verdict: statuses under the policy, suppression use, status and exit code.
    func decide(runs: [RunResult], skipped: [SkippedChecker]) -> Report {
        // One verdict across checkers: valgrind's and ASan's copies of a leak are marked as one site.
        var runs = CrossChecker.match(runs)
        var fixed: [Finding]?
        if let baseline = context.baseline {
            // Only findings the baseline does not know gate; the report lists what was fixed.
            let unmarked = Report(runs: runs, failOn: [])
            runs = BaselineComparison.mark(unmarked, against: baseline).runs
            fixed = BaselineComparison.compare(current: unmarked, baseline: baseline).fixed
        }
        var report = Verdict.decide(
            runs: runs, skipped: skipped,
            suppressions: SuppressionUsageTable.compute(
                suppressions: context.suppressions, findings: runs.flatMap(\.findings),
                checkerCounts: context.checkerCounts),
            policy: context.policy, diagnostics: diagnostics, interrupted: context.isInterrupted,
            ownCode: context.ownCode)
        report.fixedSinceBaseline = fixed
        // `merge` checks every part is there by this.
        if var spec = options.partitionSpec?.spec {
            spec.jobs = context.partitionJobs.withLock { $0 }
            if spec.receivedNoJob && report.runs.isEmpty { report.notes.append(spec.emptyNote) }
            report.partition = spec
        }
        return report
    }

    var reportDir: String { context.reportDir }
    var logsDir: String { context.logsDir }

    func prepareDirectories() {
        do { try FileManager.default.createDirectory(atPath: reportDir, withIntermediateDirectories: true) } catch {
            diagnostics.incomplete("cannot create \(reportDir): \(error.localizedDescription)")
        }
        // The tool's own directory: a planted symlink there is removed, not followed.
        do { try ToolDirectory.ensure(logsDir) } catch {
            diagnostics.incomplete("\(error)")
        }
    }

    /// A fresh directory for the checker's raw output; for sanitizers, the
    /// `asan-report.*` files of an earlier run are removed so they are never
    /// read as this run's.
    func prepareRunDirectory(for driver: any CheckerDriver) {
        let fm = FileManager.default
        let runDir = (logsDir as NSString).appendingPathComponent(driver.checker.rawValue)
        do { try ToolDirectory.recreate(runDir) } catch {
            diagnostics.incomplete("\(error)")
        }
        guard let published = driver.publishedLogPrefix else { return }
        let prefix = published + "."
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: reportDir) } catch { return }
        for name in names where name.hasPrefix(prefix) {
            let path = (reportDir as NSString).appendingPathComponent(name)
            do { try fm.removeItem(atPath: path) } catch {
                diagnostics.incomplete("cannot remove the stale \(path): \(error.localizedDescription)")
            }
        }
    }
}
