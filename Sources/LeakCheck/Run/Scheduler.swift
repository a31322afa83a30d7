import Foundation
import Synchronization

/// Runs (source × checker) jobs through one driver on `--jobs` workers, by one
/// path for every checker:
/// 1. each libtest binary is listed as its source hands it over (`JobFeed`:
///    cargo's executables as they link) and split into shards (`ShardPlanner`,
///    weighing the binary's measured start-up against the cached work), one process
///    `BIN name1 name2 … --exact --test-threads=1` each; `--per-test` makes a
///    shard of every test, `--no-split` / `--no-per-test` run binaries whole;
///    `--partition` keeps only its part of the jobs;
/// 2. every shard, ctest test and command goes into one queue (`UnitQueue`),
///    longest waiting unit first, while the sources still build;
/// 3. a shard a memory error or crash halted is split (`HaltedShard`): the
///    crashing test keeps the error, the others run again;
/// 4. findings are attributed by their stack (`StackAttribution`); only gating
///    ones with no test frame are bisected within their shard (`Bisection`);
/// 5. a binary's shard runs are reported as one run (`ShardedRuns`), in job
///    order (`JobOrder`), so the report is the same whatever `--jobs`, link
///    order, the timing cache or the partition; the cache is updated for the next run.
struct Scheduler: Sendable {
    let context: RunContext
    let driver: any CheckerDriver

    var runDir: String { (context.logsDir as NSString).appendingPathComponent(driver.checker.rawValue) }
    var policy: Policy { context.policy }
    var options: Options { context.options }

    /// One process in the queue.
    struct Unit: Sendable {
        /// Index of the job it came from (results are reported in job order).
        var owner: Int
        var job: Job
        /// The libtest tests it runs (nil: a whole program that cannot be listed).
        var tests: [String]?
        var estimate: Double?
        /// Listing position of its first test: shards are reported in listing order.
        var sortKey: Int
        /// Its tests may run in separate processes (false under `--no-split`).
        var splittable: Bool
        /// 0 for the planned units, n for the n-th re-run of a halted shard's tests.
        var round = 0
    }

    /// A unit's run, with what libtest printed (to tell which tests finished).
    struct Outcome: Sendable {
        var unit: Unit
        var run: RunResult
        var stdout: String?
    }

    /// Runs the jobs of `feed` as they arrive (a feature set's binaries while
    /// the next one builds), then the re-runs of halted shards, then bisection.
    func run(_ feed: JobFeed) -> [RunResult] {
        let first = firstRound(feed)
        let jobs = first.jobs
        var timings = first.timings
        var round = first.results
        var reported: [Outcome] = []
        while !round.isEmpty {
            var next: [Unit] = []
            for (unit, outcome) in round {
                guard let outcome else {
                    notRun(unit, reason: "the run was interrupted before it started")
                    continue
                }
                let (kept, again) = splitIfHalted(outcome)
                if kept.unit.round == 0 && again.isEmpty { record(kept, in: &timings) }
                reported.append(kept)
                next += again
            }
            if context.isInterrupted {
                for unit in next { notRun(unit, reason: "interrupted before they ran again") }
                break
            }
            round = Array(zip(next, runUnits(next, what: nil)))
        }
        bisect(&reported)
        saveTimings(timings, to: first.cachePath)
        // Report order: the jobs' own order (not the order cargo linked them in),
        // then each binary's shards in listing order.
        let ordered = reported.enumerated().sorted { a, b in
            let (x, y) = (a.element.unit, b.element.unit)
            let (p, q) = (jobs[x.owner].order, jobs[y.owner].order)
            if p != q { return p < q }
            if x.owner != y.owner { return x.owner < y.owner }
            if x.sortKey != y.sortKey { return x.sortKey < y.sortKey }
            if x.round != y.round { return x.round < y.round }
            return a.offset < b.offset
        }.map(\.element)
        return report(ordered, jobs: jobs)
    }

    /// The planned units of every job fed, and their outcomes (nil: not started).
    struct FirstRound {
        var jobs: [Job] = []
        var timings = TimingCache()
        var cachePath = ""
        var results: [(Unit, Outcome?)] = []
    }

    /// Plans each batch as it is fed and runs its units on `--jobs` workers
    /// while the next batch builds: the workers take the longest waiting unit
    /// first. Under `--partition` the whole job list is planned at once (a
    /// slice is taken across every binary).
    func firstRound(_ feed: JobFeed) -> FirstRound {
        let queue = UnitQueue<Int>()
        let units = Mutex<[Unit]>([])
        let outcomes = Mutex<[Int: Outcome]>([:])
        let done = ProgressCounter()
        let supervisor = context.supervisor
        let workers = DispatchGroup()
        for _ in 0..<max(1, options.jobs) {
            workers.enter()
            let thread = Thread {
                while let index = queue.pop(shouldStop: { supervisor.isInterrupted }) {
                    let unit = units.withLock { $0[index] }
                    let outcome = runOne(unit, what: nil, done: done) {
                        let (n, open) = queue.count
                        return "\(n)\(open ? "…" : "")"
                    }
                    outcomes.withLock { $0[index] = outcome }
                }
                workers.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        var round = FirstRound()
        var timingsLoaded = false
        func take(_ batch: [Job]) {
            if !timingsLoaded {
                // The cache path is known once a source has started (beside cargo's target dir).
                round.cachePath = timingCachePath
                round.timings = loadTimings(round.cachePath)
                timingsLoaded = true
            }
            let planned = plan(batch, firstOwner: round.jobs.count, timings: round.timings)
            round.jobs += batch
            let base = units.withLock { u -> Int in
                defer { u += planned }
                return u.count
            }
            queue.push(planned.enumerated().map { (item: base + $0.offset, seconds: $0.element.estimate) })
        }
        if options.partitionSpec != nil {
            take(feed.drain())
        } else {
            while let batch = feed.next() { take(batch) }
        }
        queue.close()
        workers.wait()
        if !timingsLoaded {
            round.cachePath = timingCachePath
            round.timings = loadTimings(round.cachePath)
        }
        let all = units.withLock { $0 }
        let ran = outcomes.withLock { $0 }
        round.results = all.indices.map { i -> (Unit, Outcome?) in (all[i], ran[i]) }
        return round
    }

    /// One run per binary for shards (`ShardedRuns`), one per test under
    /// `--per-test`, whole programs as they ran; in job order.
    func report(_ ordered: [Outcome], jobs: [Job]) -> [RunResult] {
        var out: [RunResult] = []
        var i = 0
        while i < ordered.count {
            let owner = ordered[i].unit.owner
            var j = i
            while j < ordered.count && ordered[j].unit.owner == owner { j += 1 }
            let group = ordered[i..<j]
            let job = jobs[owner]
            if job.isLibtest, options.perTest != true, !wholeBinaries, group.allSatisfy({ $0.unit.tests != nil }),
                let listing = context.harnessListings.withLock({ $0[job.program] })
            {
                out.append(ShardedRuns.combine(group.map(\.run), whole: job, listing: listing.tests))
            } else {
                out += group.map(\.run)
            }
            i = j
        }
        // The ignored tests go into the JSON too, so `merge` can list them as skipped.
        let harness = context.harnessListings.withLock { $0 }
        return out.map { run in
            var run = run
            if let listing = harness[run.executable], !listing.ignored.isEmpty {
                run.ignoredTests = listing.tests.filter(listing.ignored.contains)
            }
            return run
        }
    }

    // MARK: - Planning

    /// Tests of one binary must share a process: `--no-split`, or `--no-per-test`.
    var wholeBinaries: Bool { options.noSplit || options.perTest == false }

    /// Timing cache key of a job: per checker (valgrind's seconds are not ASan's).
    func cacheBinary(_ job: Job) -> String { "\(driver.checker.rawValue)/\(job.scheduleID)" }

    /// The units to run for `jobs`: shards of every listable libtest binary
    /// (whole binaries under `--no-split`), every other job whole, less what
    /// `--partition` leaves to other partitions.
    func plan(_ jobs: [Job], firstOwner: Int = 0, timings: TimingCache) -> [Unit] {
        let listed: [[String]?] = jobs.map { $0.isLibtest ? listTests($0) : nil }
        // The job list partitions select from: binaries × tests, or whole programs.
        func ids(_ i: Int) -> [TestID] {
            let id = jobs[i].scheduleID
            guard let tests = listed[i], !tests.isEmpty, !wholeBinaries else { return [TestID(binary: id)] }
            return tests.map { TestID(binary: id, test: $0) }
        }
        // Test filters first (as cargo test's), then the partition of what is left,
        // so `slice` and `count` spread the selected tests evenly.
        let selection = options.selection
        let all = jobs.indices.flatMap(ids).filter { $0.test.map(selection.includes) ?? true }
        let listedTests = listed.compactMap { $0 }.joined()
        context.selectionCount.withLock {
            $0.selected += listedTests.count(where: selection.includes)
            $0.listed += listedTests.count
        }
        var selected = Set(all)
        if let partition = options.partitionSpec {
            selected = Set(partition.select(all))
            context.partitionJobs.withLock { $0 += selected.count }
            // An empty partition gets one note for the whole run (Engine), not one per checker.
            if !selected.isEmpty {
                context.diagnostics.note(
                    "--partition \(partition): \(driver.checker.displayName) runs \(selected.count) of \(all.count) jobs; the other \(all.count - selected.count) belong to other partitions (not run here)"
                )
            }
        }
        let planner = ShardPlanner(cores: Self.cores, startupSeconds: driver.startupSeconds)
        func startup(_ key: String) -> Double { timings.startupSeconds(of: key) ?? driver.startupSeconds }
        var units: [Unit] = []
        for (n, job) in jobs.enumerated() {
            let i = firstOwner + n
            let key = cacheBinary(job)
            guard let tests = listed[n], !tests.isEmpty else {
                guard selected.contains(TestID(binary: job.scheduleID)) else { continue }
                // A whole program's recorded time is its wall time, start-up included.
                let estimate = timings[TestID(binary: key)]
                var whole = job
                // A libtest binary that could not be listed filters itself.
                if job.isLibtest && selection.filtersTests { whole.arguments += selection.libtestArguments }
                units.append(Unit(owner: i, job: whole, tests: nil, estimate: estimate, sortKey: 0, splittable: false))
                continue
            }
            if wholeBinaries {
                let mine = tests.filter(selection.includes)
                guard !mine.isEmpty, selected.contains(TestID(binary: job.scheduleID)) else {
                    markNotRun(job, running: [])
                    continue
                }
                let estimate = timings[TestID(binary: key)]
                // One process still; under filters it runs only the selected tests.
                var whole = job
                if mine.count < tests.count {
                    markNotRun(job, running: Set(mine))
                    whole.arguments = job.forShard(mine, index: 0).arguments
                }
                units.append(Unit(owner: i, job: whole, tests: mine, estimate: estimate, sortKey: 0, splittable: false))
                continue
            }
            let mine = tests.filter { selected.contains(TestID(binary: job.scheduleID, test: $0)) }
            let position = Dictionary(tests.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            if mine.count < tests.count { markNotRun(job, running: Set(mine)) }
            if options.perTest == true {
                for t in mine {
                    let n = position[t]!
                    let estimate = timings[TestID(binary: key, test: t)].map { $0 + startup(key) }
                    units.append(
                        Unit(
                            owner: i, job: job.forTest(t, index: n), tests: [t], estimate: estimate, sortKey: n,
                            splittable: true))
                }
                continue
            }
            for (n, shard) in planner.plan(binary: key, tests: mine, timings: timings).enumerated() {
                units.append(
                    Unit(
                        owner: i, job: job.forShard(shard.tests, index: n), tests: shard.tests,
                        estimate: shard.estimatedSeconds, sortKey: position[shard.tests[0]]!, splittable: true))
            }
        }
        return units
    }

    /// The reports list a binary's tests that another partition runs, or that
    /// the test filters leave out, as skipped (JUnit's `<skipped>`), never as passed.
    func markNotRun(_ job: Job, running: Set<String>) {
        guard let full = context.harnessListings.withLock({ $0[job.program] }) else { return }
        let others = full.tests.filter { !running.contains($0) }
        context.listings.withLock { $0[job.program] = TestList(tests: full.tests, ignored: full.ignored.union(others)) }
    }

    /// Shards per binary: the machine's cores, not `--jobs`, so that the same
    /// shards (and so the same report) come out whatever `--jobs` is.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    // MARK: - Halted shards

    /// A shard that ended before all its tests finished (a sanitizer halting at
    /// a memory error, a crash): the test it was in keeps the error and the
    /// shard's run; the others run again in a new shard (all of them when the
    /// checker's leak check at exit was lost). When the test cannot be named,
    /// each of the others runs alone, so every test runs to completion in some
    /// process or is said not to have run.
    func splitIfHalted(_ outcome: Outcome) -> (kept: Outcome, again: [Unit]) {
        let unit = outcome.unit
        var run = outcome.run
        guard let tests = unit.tests, tests.count > 1, let stdout = outcome.stdout, !run.timedOut,
            !context.isInterrupted
        else { return (outcome, []) }
        // libtest's summary line: the harness finished (a flood of output may have
        // pushed early verdict lines out of the tail read, which proves nothing).
        if LibtestListing.resultLine(in: stdout) != nil { return (outcome, []) }
        let finished = Set(HaltedShard.finished(in: stdout))
        guard tests.contains(where: { !finished.contains($0) }) else { return (outcome, []) }
        let attribution = StackAttribution(crateName: unit.job.target ?? "", tests: tests)
        let errors = run.findings.indices.filter {
            !run.findings[$0].kind.isLeak && run.findings[$0].kind != .testFailure
        }
        var halted = errors.lazy.compactMap { attribution.test(for: run.findings[$0].stack) }.first
        let byStack = halted != nil
        if halted == nil, let t = HaltedShard.unfinished(in: stdout), tests.contains(t) { halted = t }
        let again = HaltedShard.rerun(
            tests: tests, stdout: stdout, halted: halted, exitLeakCheckLost: driver.leakCheckOnlyAtExit)
        if let halted {
            for i in errors where run.findings[i].test == nil {
                run.findings[i].test = halted
                if byStack { run.findings[i].attributedBy = .stack }
            }
        }
        let againSet = Set(again)
        run.tests = tests.filter { !againSet.contains($0) }
        let label = unit.job.target ?? unit.job.label
        guard unit.splittable else {
            context.diagnostics.note(
                "\(label): \(again.count) test(s) did not run: the process stopped in \(halted ?? "a test") and --no-split keeps its tests in one process (\(again.prefix(5).joined(separator: ", "))\(again.count > 5 ? ", …" : ""))"
            )
            return (Outcome(unit: unit, run: run, stdout: stdout), [])
        }
        context.console.progress(
            "\(driver.checker.displayName) \(label): the process stopped in \(halted ?? "an unknown test"); running its other \(again.count) test(s) again"
        )
        let base = unit.job
        var units: [Unit] = []
        if halted != nil {
            var job = base.forShard(again, index: 0)
            job.label = base.label + "-r\(unit.round + 1)"
            units.append(
                Unit(
                    owner: unit.owner, job: job, tests: again, estimate: nil, sortKey: unit.sortKey, splittable: true,
                    round: unit.round + 1))
        } else {
            for (n, t) in again.enumerated() {
                var job = base.forTest(t, index: n)
                job.label = base.label + "-r\(unit.round + 1)-t\(n)"
                units.append(
                    Unit(
                        owner: unit.owner, job: job, tests: [t], estimate: nil, sortKey: unit.sortKey, splittable: true,
                        round: unit.round + 1))
            }
        }
        return (Outcome(unit: unit, run: run, stdout: stdout), units.filter { !$0.tests!.isEmpty })
    }

    func notRun(_ unit: Unit, reason: String) {
        guard let tests = unit.tests, !tests.isEmpty else { return }
        context.diagnostics.note(
            "\(unit.job.target ?? unit.job.label): \(tests.count) test(s) not run: \(reason) (\(tests.prefix(5).joined(separator: ", "))\(tests.count > 5 ? ", …" : ""))"
        )
    }

    // MARK: - Bisection

    /// Gating findings no stack named, in shards of several tests, are
    /// attributed by re-running halves of their shard (all shards' runs in one
    /// parallel round at a time). The re-runs are not reported: they only name
    /// the test; what no single test reproduces stays unattributed in the shard run.
    func bisect(_ reported: inout [Outcome]) {
        var states: [(index: Int, state: Bisection)] = []
        for (i, o) in reported.enumerated() {
            guard o.unit.splittable, let tests = o.unit.tests, tests.count > 1, o.run.incompleteReason == nil,
                !o.run.timedOut
            else { continue }
            let targets = Bisection.targets(in: o.run.findings.filter { $0.kind != .testFailure }, policy: policy)
            if !targets.isEmpty { states.append((i, Bisection(tests: o.run.tests ?? tests, fingerprints: targets))) }
        }
        guard !states.isEmpty else { return }
        var round = 0
        while !context.isInterrupted {
            let pending = states.indices.flatMap { s in states[s].state.pendingRuns.map { (s, $0) } }
            if pending.isEmpty { break }
            round += 1
            let units = pending.map { s, r -> Unit in
                let owner = reported[states[s].index].unit
                var job = owner.job.forShard(r.tests, index: 0)
                job.label = owner.job.label + "-b\(r.id)"
                return Unit(owner: owner.owner, job: job, tests: r.tests, estimate: nil, sortKey: 0, splittable: true)
            }
            context.console.progress(
                "\(driver.checker.displayName): attributing findings with no test on their stack: \(units.count) bisection run(s), round \(round)"
            )
            let results = runUnits(units, what: "bisect")
            for ((s, r), outcome) in zip(pending, results) {
                guard let outcome else { continue }
                states[s].state.record(r.id, reproduced: Set(outcome.run.findings.map(\.fingerprint)))
            }
        }
        for (i, state) in states {
            for j in reported[i].run.findings.indices where reported[i].run.findings[j].test == nil {
                if let t = state.attributed[reported[i].run.findings[j].fingerprint] {
                    reported[i].run.findings[j].test = t
                    reported[i].run.findings[j].attributedBy = .rerun
                }
            }
        }
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

    // MARK: - Timing cache

    /// `MOQ_LEAKCHECK_TIMINGS` names the cache explicitly (a CI cache path, or a
    /// run that must plan without the shared one); else beside the target dir.
    var timingCachePath: String {
        if let path = context.environment["MOQ_LEAKCHECK_TIMINGS"], !path.isEmpty { return path }
        return context.products.withLock { $0[TimingCache.productKey] }
            ?? (context.reportDir as NSString).appendingPathComponent("leakcheck-timings.json")
    }

    func loadTimings(_ path: String) -> TimingCache {
        do { return try TimingCache.load(path: path) } catch {
            context.diagnostics.note("\(error); shards are planned without it")
            return TimingCache()
        }
    }

    func saveTimings(_ cache: TimingCache, to path: String) {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try cache.save(path: path)
        } catch {
            context.diagnostics.note("cannot write the timing cache \(path): \(error.localizedDescription)")
        }
    }

    /// A complete run's wall time, for the next run's planning.
    func record(_ outcome: Outcome, in cache: inout TimingCache) {
        let run = outcome.run
        guard let seconds = run.durationSeconds, run.incompleteReason == nil, !run.timedOut else { return }
        let key = cacheBinary(outcome.unit.job)
        guard let tests = outcome.unit.tests, !wholeBinaries else {
            cache.record(seconds: seconds, for: TestID(binary: key))
            return
        }
        cache.record(
            shardSeconds: seconds, tests: tests.map { TestID(binary: key, test: $0) },
            startupSeconds: driver.startupSeconds,
            workSeconds: outcome.stdout.flatMap(LibtestListing.finishedSeconds(in:)))
    }

    // MARK: - Listing

    /// `BIN --list --format terse` minus `--ignored` ones: the tests libtest
    /// would run. The whole listing (ignored ones too) is kept for the reports
    /// (JUnit shows ignored tests as skipped). A listing that fails is said:
    /// the binary runs whole, never silently unattributed.
    func listTests(_ job: Job) -> [String]? {
        if let known = context.harnessListings.withLock({ $0[job.program] }) {
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
                "\(job.target ?? job.program): listing its tests failed (\(all.outcome.description)); it ran whole, findings not attributed to tests"
            )
            return nil
        }
        let ignored =
            Capture.run(
                job.program, ["--list", "--format", "terse", "--ignored"], environment: env,
                supervisor: context.supervisor
            ).map { LibtestListing.parseTerse($0.output) } ?? []
        let list = TestList(tests: LibtestListing.parseTerse(all.output), ignored: Set(ignored))
        context.harnessListings.withLock { $0[job.program] = list }
        context.listings.withLock { $0[job.program] = list }
        return list.tests.filter { !list.ignored.contains($0) }
    }

    // MARK: - Running

    /// Runs `units` longest first on `--jobs` workers; results aligned with
    /// `units` (nil: an interruption kept it from starting). Stack attribution
    /// is applied to every run. `what` names bisection runs in the progress.
    func runUnits(_ units: [Unit], what: String?) -> [Outcome?] {
        let order = JobQueue.longestFirst(Array(units.indices)) { units[$0].estimate }
        let done = ProgressCounter()
        let supervisor = context.supervisor
        let ran = parallelMap(order, jobs: options.jobs, shouldStop: { supervisor.isInterrupted }) { _, index in
            runOne(units[index], what: what, done: done) { "\(units.count)" }
        }
        var aligned = [Outcome?](repeating: nil, count: units.count)
        for (slot, index) in order.enumerated() { aligned[index] = ran[slot] ?? nil }
        return aligned
    }

    /// Runs one unit, attributes its findings by stack, and prints its progress
    /// line (`[done/total]`; `total` is read when the line is printed).
    func runOne(_ unit: Unit, what: String?, done: ProgressCounter, total: () -> String) -> Outcome {
        var (r, stdout) = execute(unit.job)
        if unit.job.isLibtest, let tests = unit.tests {
            r.tests = tests
            let attribution = StackAttribution(crateName: unit.job.target ?? "", tests: tests)
            r.findings = r.findings.map(attribution.attribute)
            if tests.count == 1 {
                // The test ran alone in this process: what no stack named is still its own.
                for i in r.findings.indices where r.findings[i].test == nil {
                    r.findings[i].test = tests[0]
                    r.findings[i].attributedBy = .rerun
                }
            }
        }
        let n = done.next()
        let status = policy.status(of: r)
        let mark = status == .clean ? "ok" : status.rawValue
        let shard = unit.tests.map { $0.count > 1 ? " (\($0.count) tests)" : "" } ?? ""
        context.console.progress(
            "[\(n)/\(total())] \(what.map { $0 + " " } ?? "")\(driver.checker.rawValue) \(TextReport.runLabel(r))\(shard): \(mark) (\(String(format: "%.1f", r.durationSeconds ?? 0)) s)"
        )
        return Outcome(unit: unit, run: r, stdout: stdout)
    }

    /// One process: its result, and the program's own output (libtest's verdict lines).
    func execute(_ job: Job) -> (RunResult, String?) {
        let base = (runDir as NSString).appendingPathComponent(job.label)
        func failed(_ reason: String, logFiles: [String] = []) -> (RunResult, String?) {
            var r = RunResult(
                checker: driver.checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, status: .incomplete, incompleteReason: reason, logFiles: logFiles)
            r.source = job.source
            r.target = job.target
            return (r, nil)
        }
        let prepared: PreparedRun
        do { prepared = try driver.prepare(job, base: base, context: context) } catch { return failed("\(error)") }
        context.console.detail("run: \(([prepared.spec.executable] + prepared.spec.arguments).joined(separator: " "))")
        for key in driver.shownEnvironmentKeys {
            if let v = prepared.spec.environment?[key] { context.console.detail("  \(key)=\(v)") }
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
        let run = ResultBuilder(context: context).build(
            RunEvidence(
                checker: driver.checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, outcome: outcome, outputs: outputs, programOutput: programOutput,
                isLibtest: job.isLibtest, sanitizerExitCode: driver.reportExitCode,
                timeout: job.timeout ?? options.timeout, logFiles: logFiles, expectFailure: job.expectFailure),
            source: job.source, target: job.target, label: job.label)
        return (run, programOutput)
    }
}

/// Counts finished units for the progress lines, across worker threads.
final class ProgressCounter: Sendable {
    private let count = Mutex(0)

    /// The number of this unit (1 for the first to finish).
    func next() -> Int {
        count.withLock { n in
            n += 1
            return n
        }
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
