import Foundation
import Synchronization

/// What the checkers run on.
public enum Target: Sendable {
    /// A cargo package: build its tests, run every test executable.
    case cargo(manifest: String, crateDir: String)
    /// One program given after `--`.
    case command([String])
}

/// One program to run under a checker.
struct Job: Sendable {
    var program: String
    var arguments: [String]
    var test: String?
    var featureSet: String?
    var isLibtest: Bool
    var label: String

    /// The same binary running only `name` (libtest's exact match, one thread).
    func forTest(_ name: String, index: Int) -> Job {
        var j = self
        j.test = name
        j.arguments = [name, "--exact", "--test-threads=1"]
        j.label = label + "-t\(index)"
        return j
    }
}

/// The orchestration: build, run every job under each checker (in parallel),
/// apply suppressions and the policy, write reports. Every decision it takes
/// is delegated to a pure piece (parsers, RunInterpreter, Policy, reports).
public final class Engine: Sendable {
    public let options: Options
    public let console: Console
    public let supervisor: Supervisor
    public let toolRoot: String?
    let environment: [String: String]
    let suppressions: [Suppression]
    let matcher: SuppressionMatcher
    let notes = Mutex<[String]>([])
    let crateInfo = Mutex<(names: Set<String>, roots: Set<String>)>(([], []))
    /// Suppression counts the checkers reported themselves (valgrind `<suppcounts>`,
    /// LSan "Suppressions used"), for logs written with the checker's own suppressions.
    let checkerCounts = Mutex<[String: Int]>([:])

    public init(
        options: Options, console: Console, supervisor: Supervisor = .shared, toolRoot: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment, suppressions: [Suppression]
    ) {
        self.options = options
        self.console = console
        self.supervisor = supervisor
        self.toolRoot = toolRoot
        self.environment = environment
        self.suppressions = suppressions
        self.matcher = SuppressionMatcher(suppressions)
    }

    func note(_ s: String) {
        notes.withLock { if !$0.contains(s) { $0.append(s) } }
    }

    var reportDir: String { options.reportDir }
    var logsDir: String { (reportDir as NSString).appendingPathComponent("leakcheck-logs") }

    // MARK: - Entry points

    /// Runs the checkers of the subcommand on the target and returns the report.
    public func runCheckers(target: Target) -> Report {
        let policy = options.policy
        var runs: [RunResult] = []
        var skipped: [SkippedChecker] = []
        prepareDirectories()
        if case .cargo(_, let crateDir) = target {
            crateInfo.withLock { $0.roots.insert(Self.withSlash(crateDir)) }
        } else {
            crateInfo.withLock { $0.roots.insert(Self.withSlash(FileManager.default.currentDirectoryPath)) }
        }

        for checker in options.subcommand.checkers {
            if supervisor.isInterrupted { break }
            if let reason = unavailability(of: checker, target: target) {
                if options.explicitSubcommand {
                    runs.append(
                        RunResult(
                            checker: checker, executable: checker.rawValue, arguments: [], status: .incomplete,
                            incompleteReason: reason))
                    console.error("\(checker.displayName) cannot run: \(reason)")
                } else {
                    skipped.append(SkippedChecker(checker: checker, reason: reason))
                    console.progress("- \(checker.displayName): skipped: \(reason)")
                }
                continue
            }
            runs += run(checker: checker, target: target, policy: policy)
        }
        if runs.isEmpty && !skipped.isEmpty {
            note("no checker could run")
        }
        return assemble(runs: runs, skipped: skipped, policy: policy)
    }

    /// Builds the report from parsed runs (also used by `parse`).
    func assemble(runs: [RunResult], skipped: [SkippedChecker], policy: Policy) -> Report {
        let evaluated = policy.evaluate(runs)
        let interrupted = supervisor.isInterrupted
        let (status, code) = policy.outcome(of: evaluated, interrupted: interrupted)
        var report = Report(
            status: status, exitCode: code, runs: evaluated, skipped: skipped,
            suppressions: usage(of: evaluated), failOn: policy.gatingLeakKinds.sorted(),
            notes: notes.withLock { $0 }, interrupted: interrupted)
        if interrupted { report.notes.append("interrupted: the report is partial") }
        return report
    }

    /// Per-suppression use over the final findings, unused entries included.
    func usage(of runs: [RunResult]) -> [SuppressionUsage] {
        var table: [String: SuppressionUsage] = [:]
        var order: [String] = []
        for s in suppressions {
            let source = "\(s.file):\(s.line)"
            if table[source] == nil {
                table[source] = SuppressionUsage(name: s.name, source: source)
                order.append(source)
            }
        }
        for f in runs.flatMap(\.findings) {
            guard let source = f.suppressionSource, var u = table[source] else { continue }
            u.count += 1
            u.bytes += f.bytes ?? 0
            if f.suppressionOverBroad == true { u.overBroad = true }
            table[source] = u
        }
        var usage = order.compactMap { table[$0] }
        // The checker's own counts sit beside ours: same name → cross-checked in one row;
        // a name only the checker knows (its own file) gets a row of its own.
        for (name, n) in checkerCounts.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            if let i = usage.firstIndex(where: { $0.name == name }) {
                usage[i].checkerCount = (usage[i].checkerCount ?? 0) + n
            } else {
                usage.append(SuppressionUsage(name: name, source: "(applied by the checker)", checkerCount: n))
            }
        }
        return usage
    }

    // MARK: - Availability

    func unavailability(of checker: Checker, target: Target) -> String? {
        switch checker {
        case .valgrind:
            if ExecutableLocator.resolve("valgrind", environment: environment) == nil {
                return "valgrind not found on PATH (install it: apt-get install valgrind)"
            }
        case .asan, .lsan:
            if case .command(let argv) = target {
                guard let path = ExecutableLocator.resolve(argv[0], environment: environment) else {
                    return "\(argv[0]) not found"
                }
                if !BinaryInspector.isSanitized(path) {
                    return "\(argv[0]) is not built with a sanitizer (compile it with -fsanitize=\(checker == .lsan ? "leak" : "address"))"
                }
            } else if ExecutableLocator.resolve("cargo", environment: environment) == nil {
                return "cargo not found on PATH (install Rust with rustup)"
            }
        }
        return nil
    }

    // MARK: - One checker

    func run(checker: Checker, target: Target, policy: Policy) -> [RunResult] {
        let runDir = (logsDir as NSString).appendingPathComponent(checker.rawValue)
        try? FileManager.default.removeItem(atPath: runDir)
        try? FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        if checker != .valgrind { removeStaleSanitizerReports(checker) }

        switch target {
        case .command(let argv):
            let job = Job(
                program: argv[0], arguments: Array(argv.dropFirst()), test: nil, featureSet: nil, isLibtest: false,
                label: Self.safeLabel((argv[0] as NSString).lastPathComponent))
            console.progress("\(checker.displayName): running \(argv.joined(separator: " "))")
            return [execute(job, checker: checker, runDir: runDir)]
        case .cargo(let manifest, _):
            var toolchain: SanitizerToolchain? = nil
            if checker != .valgrind {
                let (tc, why) = SanitizerToolchain.detect(preferred: options.toolchain, environment: environment)
                guard let tc else {
                    return [
                        RunResult(
                            checker: checker, executable: "cargo", arguments: [], status: .incomplete,
                            incompleteReason: "no Rust toolchain for sanitizer builds: \(why)")
                    ]
                }
                toolchain = tc
                note("\(checker.displayName) build: \(tc.description); doctests are not run under the sanitizer")
                console.progress("\(checker.displayName): building with \(tc.description)")
            }
            var results: [RunResult] = []
            var jobs: [Job] = []
            for fs in options.featureSets {
                if supervisor.isInterrupted { break }
                let build = cargoBuild(
                    manifest: manifest, features: fs, checker: checker, toolchain: toolchain, runDir: runDir)
                switch build {
                case .failure(let run): results.append(run)
                case .success(let exes):
                    for exe in exes {
                        jobs.append(
                            Job(
                                program: exe.path, arguments: [], test: nil, featureSet: fs.label, isLibtest: true,
                                label: Self.safeLabel("\(fs.label)-\(exe.targetKind)-\(exe.targetName)")))
                    }
                }
            }
            if jobs.isEmpty && results.isEmpty {
                results.append(
                    RunResult(
                        checker: checker, executable: "cargo", arguments: [], status: .incomplete,
                        incompleteReason: "cargo built no test executables (does the crate have tests?)"))
            }
            if checker == .valgrind {
                results += runValgrindJobs(jobs, runDir: runDir, policy: policy)
            } else {
                results += runSanitizerJobs(jobs, checker: checker, toolchain: toolchain!, runDir: runDir)
            }
            return results
        }
    }

    /// valgrind: whole binaries first; only binaries with gating findings are
    /// re-run one test per process (unless --per-test / --no-per-test say otherwise).
    func runValgrindJobs(_ jobs: [Job], runDir: String, policy: Policy) -> [RunResult] {
        let whole = runParallel(jobs, checker: .valgrind, runDir: runDir)
        guard options.perTest != false, !supervisor.isInterrupted else { return whole.compactMap { $0 } }
        var perTestJobs: [(owner: Int, job: Job)] = []
        for (i, (job, run)) in zip(jobs, whole).enumerated() {
            guard let run, job.isLibtest else { continue }
            let wants = options.perTest == true || (run.status != .incomplete && run.findings.contains(where: policy.gates))
            guard wants, let tests = listTests(job.program, runDir: runDir, env: nil) else { continue }
            for (n, t) in tests.enumerated() { perTestJobs.append((i, job.forTest(t, index: n))) }
        }
        if perTestJobs.isEmpty { return whole.compactMap { $0 } }
        console.progress("Valgrind: attributing findings to tests: \(perTestJobs.count) per-test runs")
        let perTest = runParallel(perTestJobs.map(\.job), checker: .valgrind, runDir: runDir)
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
    /// (a leak that needs several tests together, or one outside any test): kept
    /// so attribution never loses a finding.
    static func residual(of whole: RunResult, notIn perTest: [RunResult], policy: Policy) -> RunResult? {
        guard whole.status != .incomplete else { return whole }
        let seen = Set(perTest.flatMap { $0.findings.map(\.fingerprint) })
        let missing = whole.findings.filter { policy.gates($0) && !seen.contains($0.fingerprint) && $0.kind != .testFailure }
        if missing.isEmpty { return nil }
        var r = whole
        r.findings = missing
        r.recomputeTotals()
        return r
    }

    /// Sanitizers: every test in its own process (they start in milliseconds),
    /// so LSan's at-exit report belongs to exactly one test.
    func runSanitizerJobs(_ jobs: [Job], checker: Checker, toolchain: SanitizerToolchain, runDir: String) -> [RunResult] {
        guard options.perTest != false else { return runParallel(jobs, checker: checker, runDir: runDir).compactMap { $0 } }
        var expanded: [Job] = []
        let listEnv = sanitizerEnvironment(checker: checker, logPrefix: nil, forListing: true)
        for job in jobs {
            guard let tests = listTests(job.program, runDir: runDir, env: listEnv), !tests.isEmpty else {
                expanded.append(job)  // cannot list: run it whole, nothing is lost
                continue
            }
            for (n, t) in tests.enumerated() { expanded.append(job.forTest(t, index: n)) }
        }
        console.progress("\(checker.displayName): \(expanded.count) runs, one test per process")
        return runParallel(expanded, checker: checker, runDir: runDir).compactMap { $0 }
    }

    /// Results aligned with `jobs`: nil for a job an interruption kept from starting.
    func runParallel(_ jobs: [Job], checker: Checker, runDir: String) -> [RunResult?] {
        let total = jobs.count
        let done = Mutex(0)
        let results = parallelMap(jobs, jobs: options.jobs, shouldStop: { [supervisor] in supervisor.isInterrupted }) {
            [self] _, job in
            let r = execute(job, checker: checker, runDir: runDir)
            let n = done.withLock { n -> Int in
                n += 1
                return n
            }
            let mark = r.status == .clean ? "ok" : r.status.rawValue
            console.progress(
                "[\(n)/\(total)] \(checker.rawValue) \(TextReport.runLabel(r)): \(mark) (\(String(format: "%.1f", r.durationSeconds ?? 0)) s)"
            )
            return r
        }
        return results
    }

    // MARK: - Executing one job

    func execute(_ job: Job, checker: Checker, runDir: String) -> RunResult {
        let base = (runDir as NSString).appendingPathComponent(job.label)
        let programOut = base + ".out"
        var logFiles = [programOut]
        var outputs: [CheckerOutput] = []
        var spec: ProcessSpec
        var sanitizerLogDir: String?
        switch checker {
        case .valgrind:
            let xml = base + ".xml"
            let vglog = base + ".valgrind.log"
            logFiles = [xml, vglog, programOut]
            let args =
                [
                    "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=all",
                    "--errors-for-leak-kinds=definite,indirect", "--gen-suppressions=all", "--error-limit=no",
                    "--child-silent-after-fork=yes", "--num-callers=40", "--xml=yes", "--xml-file=\(xml)",
                    "--log-file=\(vglog)", job.program,
                ] + job.arguments
            // A panic backtrace under valgrind adds megabytes of "still reachable"
            // symbolication caches (RUST_BACKTRACE=1 is common in CI): keep it off.
            var env = environment
            env["RUST_BACKTRACE"] = "0"
            spec = ProcessSpec(
                executable: "valgrind", arguments: args, environment: env, stdoutPath: programOut,
                stderrPath: programOut, timeout: options.timeout)
        case .asan, .lsan:
            let dir = base + ".logs"
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            sanitizerLogDir = dir
            let env = sanitizerEnvironment(checker: checker, logPrefix: dir + "/asan-report", forListing: false)
            spec = ProcessSpec(
                executable: job.program, arguments: job.arguments, environment: env, stdoutPath: programOut,
                stderrPath: programOut, timeout: options.timeout)
        }
        console.detail("run: \(([spec.executable] + spec.arguments).joined(separator: " "))")
        if checker != .valgrind {
            let key = checker == .lsan ? "LSAN_OPTIONS" : "ASAN_OPTIONS"
            console.detail("  \(key)=\(spec.environment?[key] ?? "")")
        }
        let outcome: ProcessOutcome
        do {
            outcome = try supervisor.run(spec)
        } catch {
            return RunResult(
                checker: checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, status: .incomplete, incompleteReason: "\(error)", logFiles: [])
        }
        switch checker {
        case .valgrind:
            let xml = base + ".xml"
            if FileManager.default.fileExists(atPath: xml) {
                do { outputs.append(try ValgrindXMLParser.parse(fileAt: xml)) } catch {
                    var o = CheckerOutput(format: .valgrindXML)
                    o.complete = false
                    o.incompleteReason = "cannot read valgrind XML: \(error)"
                    outputs.append(o)
                }
            }
        case .asan, .lsan:
            let dir = sanitizerLogDir!
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for name in files where name.hasPrefix("asan-report") {
                let path = (dir as NSString).appendingPathComponent(name)
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                outputs.append(SanitizerLogParser.parse(text: text))
                // The names the guide's CI uploads: asan-report.<pid> in the report dir.
                let pid = name.split(separator: ".").last.map(String.init) ?? name
                let published = (reportDir as NSString).appendingPathComponent(
                    "\(checker == .lsan ? "lsan" : "asan")-report.\(pid)")
                try? FileManager.default.removeItem(atPath: published)
                try? FileManager.default.copyItem(atPath: path, toPath: published)
                logFiles.append(published)
            }
        }
        console.detail("  \(outcome.description) after \(String(format: "%.2f", outcome.durationSeconds)) s; output in \(logFiles.joined(separator: ", "))")
        let programOutput = Self.readTail(programOut, limit: 32 << 20)
        var run = RunInterpreter.interpret(
            RunEvidence(
                checker: checker, executable: job.program, arguments: job.arguments, test: job.test,
                featureSet: job.featureSet, outcome: outcome, outputs: outputs, programOutput: programOutput,
                isLibtest: job.isLibtest, sanitizerExitCode: checker == .valgrind ? nil : Self.sanitizerExitCode,
                timeout: options.timeout, logFiles: logFiles))
        applySuppressions(to: &run)
        run.status = options.policy.status(of: run)
        return run
    }

    func applySuppressions(to run: inout RunResult) {
        guard !suppressions.isEmpty else { return }
        let own = ownCode()
        let applied = SuppressionApplier.apply(matcher, to: run.findings, checker: run.checker, ownCode: own)
        run.findings = applied.findings
        run.recomputeTotals()
    }

    func ownCode() -> OwnCode {
        let (names, roots) = crateInfo.withLock { ($0.names, $0.roots) }
        return OwnCode(crateNames: names.sorted(), sourceRoots: roots.sorted())
    }

    /// `exitcode=` the tool sets for sanitizers, to tell "the sanitizer reported" from "a test failed".
    static let sanitizerExitCode: Int32 = 23

    func sanitizerEnvironment(checker: Checker, logPrefix: String?, forListing: Bool) -> [String: String] {
        var env = environment
        var ours: [(String, String)] = []
        if forListing {
            ours.append(("detect_leaks", "0"))
        } else {
            ours.append(("detect_leaks", "1"))
            if let logPrefix { ours.append(("log_path", logPrefix)) }
            ours.append(("exitcode", "\(Self.sanitizerExitCode)"))
            ours.append(("fast_unwind_on_malloc", "0"))
            ours.append(("symbolize", "1"))
            if let sym = ExecutableLocator.resolve("llvm-symbolizer", environment: environment) {
                ours.append(("external_symbolizer_path", sym))
            }
        }
        let key = checker == .lsan ? "LSAN_OPTIONS" : "ASAN_OPTIONS"
        let (merged, dropped) = SanitizerOptions.merge(ours: ours, user: environment[key])
        if !dropped.isEmpty && !forListing {
            note("\(key): ignored \(dropped.joined(separator: ", ")) (the tool reads the logs from its own log_path)")
        }
        env[key] = merged
        if checker == .asan && !forListing {
            // Leak-specific options are read from LSAN_OPTIONS under ASan too.
            let (lsan, _) = SanitizerOptions.merge(
                ours: [("exitcode", "\(Self.sanitizerExitCode)"), ("fast_unwind_on_malloc", "0")],
                user: environment["LSAN_OPTIONS"])
            env["LSAN_OPTIONS"] = lsan
        }
        if forListing && checker == .asan {
            env["LSAN_OPTIONS"] = "detect_leaks=0"
        }
        return env
    }

    /// `BIN --list --format terse` minus `--ignored` ones: the tests libtest would run.
    func listTests(_ program: String, runDir: String, env: [String: String]?) -> [String]? {
        guard let all = Capture.run(program, ["--list", "--format", "terse"], environment: env ?? environment),
            all.outcome.succeeded
        else { return nil }
        let ignored =
            Capture.run(program, ["--list", "--format", "terse", "--ignored"], environment: env ?? environment)
            .map { LibtestListing.parseTerse($0.output) } ?? []
        let ignoredSet = Set(ignored)
        return LibtestListing.parseTerse(all.output).filter { !ignoredSet.contains($0) }
    }

    // MARK: - Building

    enum BuildOutcome {
        case success([TestExecutable])
        case failure(RunResult)
    }

    func cargoBuild(
        manifest: String, features: FeatureSelection, checker: Checker, toolchain: SanitizerToolchain?, runDir: String
    ) -> BuildOutcome {
        var args = (toolchain?.cargoPrefix ?? []) + [
            "test", "--no-run", "--message-format=json-render-diagnostics", "--manifest-path", manifest,
        ]
        args += features.cargoArguments
        var env = environment
        env["CARGO_TERM_COLOR"] = "never"
        if let toolchain {
            args += ["--target", toolchain.hostTriple]
            let crateDir = (manifest as NSString).deletingLastPathComponent
            let baseTarget = environment["CARGO_TARGET_DIR"] ?? (crateDir as NSString).appendingPathComponent("target")
            args += ["--target-dir", "\(baseTarget)/moq-leakcheck/\(checker.rawValue)-\(toolchain.kind.rawValue)"]
            for (k, v) in toolchain.environment { env[k] = v }
            let flag = checker == .lsan ? "-Zsanitizer=leak" : "-Zsanitizer=address"
            if let encoded = environment["CARGO_ENCODED_RUSTFLAGS"], !encoded.isEmpty {
                env["CARGO_ENCODED_RUSTFLAGS"] = encoded + "\u{1f}" + flag
            } else {
                env["RUSTFLAGS"] = ((environment["RUSTFLAGS"].map { $0 + " " }) ?? "") + flag
            }
        }
        let label = Self.safeLabel("build-\(features.label)")
        let stdoutPath = (runDir as NSString).appendingPathComponent(label + ".json")
        let stderrPath = (runDir as NSString).appendingPathComponent(label + ".stderr")
        console.progress("\(checker.displayName): cargo \(args.joined(separator: " "))")
        if let flags = env["RUSTFLAGS"] ?? env["CARGO_ENCODED_RUSTFLAGS"], toolchain != nil {
            console.detail("  RUSTFLAGS=\(flags)\(toolchain?.kind == .stableBootstrap ? " RUSTC_BOOTSTRAP=1" : "")")
        }
        let outcome: ProcessOutcome
        do {
            outcome = try supervisor.run(
                ProcessSpec(
                    executable: "cargo", arguments: args, environment: env, stdoutPath: stdoutPath,
                    stderrPath: stderrPath, timeout: nil))
        } catch {
            return .failure(
                RunResult(
                    checker: checker, executable: "cargo", arguments: args, featureSet: features.label,
                    status: .incomplete, incompleteReason: "\(error)"))
        }
        let messages = CargoBuildMessages.parse((try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "")
        for (name, dir) in messages.packages where !dir.contains("/.cargo/registry/") && !dir.contains("/rustlib/") {
            crateInfo.withLock {
                $0.names.insert(name)
                $0.roots.insert(Self.withSlash(dir))
            }
        }
        for exe in messages.executables {
            crateInfo.withLock { _ = $0.names.insert(exe.targetName) }
        }
        if !outcome.succeeded || messages.success == false {
            let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            let errorLines = stderr.split(separator: "\n").filter {
                $0.hasPrefix("error") || $0.contains("--> ") || $0.hasPrefix("  |") || $0.hasPrefix("   |")
            }
            let shown = errorLines.isEmpty ? Array(stderr.split(separator: "\n").suffix(15)) : Array(errorLines.prefix(30))
            console.error("cargo build failed (\(features.label), \(outcome.description)):")
            for line in shown { console.progress("  " + line) }
            let first = shown.first(where: { $0.hasPrefix("error") }).map(String.init) ?? outcome.description
            return .failure(
                RunResult(
                    checker: checker, executable: "cargo", arguments: args, featureSet: features.label,
                    status: .incomplete, exitCode: outcome.exitCode,
                    incompleteReason: "cargo build failed: \(first)", logFiles: [stdoutPath, stderrPath]))
        }
        let exes = messages.executables.sorted { ($0.targetKind, $0.targetName) < ($1.targetKind, $1.targetName) }
        return .success(exes)
    }

    // MARK: - Files

    func prepareDirectories() {
        try? FileManager.default.createDirectory(atPath: reportDir, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: logsDir, withIntermediateDirectories: true)
    }

    /// Reports from an earlier run must never be read as this run's: remove them first.
    func removeStaleSanitizerReports(_ checker: Checker) {
        let prefix = checker == .lsan ? "lsan-report." : "asan-report."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: reportDir)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: (reportDir as NSString).appendingPathComponent(name))
        }
    }

    static func readTail(_ path: String, limit: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size > UInt64(limit) { try? handle.seek(toOffset: size - UInt64(limit)) } else { try? handle.seek(toOffset: 0) }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func safeLabel(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    static func withSlash(_ s: String) -> String { s.hasSuffix("/") ? s : s + "/" }
}
