import Foundation
import Synchronization

/// A cargo package: `cargo test --no-run` per feature set (instrumented for
/// sanitizers), every test executable from the compiler-artifact messages.
struct CargoSource: TestSource {
    let manifest: String
    let crateDir: String
    var kind: RunSource { .cargo }

    func unavailability(for driver: any CheckerDriver, context: RunContext) -> String? {
        ExecutableLocator.resolve("cargo", environment: context.environment) == nil
            ? "cargo not found on PATH (install Rust with rustup)" : nil
    }

    func prepare(for driver: any CheckerDriver, context: RunContext) -> SourcePreparation {
        let jobs = Mutex<[Job]>([])
        let failures = prepare(for: driver, context: context) { batch in jobs.withLock { $0 += batch } }
        return SourcePreparation(jobs: jobs.withLock { $0 }.sorted { $0.order < $1.order }, failures: failures)
    }

    /// Each test executable handed over as cargo reports it linked, while the
    /// rest of the build goes on (`BuildMessageFollower`).
    func prepare(
        for driver: any CheckerDriver, context: RunContext, emit: @escaping @Sendable (_ jobs: [Job]) -> Void
    ) -> [RunResult] {
        context.addOwnCode(root: crateDir)
        var prep = SourcePreparation()
        var emitted = 0
        var toolchain: SanitizerToolchain? = nil
        if driver.sanitizer != nil {
            let (tc, why) = SanitizerToolchain.detect(
                preferred: context.options.toolchain, environment: context.environment, supervisor: context.supervisor)
            guard let tc else {
                prep.failures.append(
                    failedStep(driver, executable: "cargo", reason: "no Rust toolchain for sanitizer builds: \(why)"))
                return prep.failures
            }
            toolchain = tc
            if let why = driver.cargoUnavailability(toolchain: tc, context: context) {
                prep.failures.append(failedStep(driver, executable: "cargo", reason: why))
                uninstrumentedLibraryForCSuite(driver, context: context)
                return prep.failures
            }
            context.diagnostics.note(
                "\(driver.checker.displayName) build: \(tc.description); doctests are not run under the sanitizer")
            context.console.progress("\(driver.checker.displayName): building with \(tc.description)")
        }
        let runDir = (context.logsDir as NSString).appendingPathComponent(driver.checker.rawValue)
        // The timing cache lives next to the target dir, so it survives report dirs.
        let targetDir =
            context.environment["CARGO_TARGET_DIR"] ?? (crateDir as NSString).appendingPathComponent("target")
        context.products.withLock { $0[TimingCache.productKey] = targetDir + "/moq-leakcheck/timings.json" }
        for (index, fs) in context.options.featureSets.enumerated() {
            if context.isInterrupted { break }
            let handOver: @Sendable (TestExecutable) -> Void = { exe in
                var job = Job(
                    source: .cargo, program: exe.path, arguments: [], test: nil, featureSet: fs.label,
                    isLibtest: true, label: Job.safeLabel("\(fs.label)-\(exe.targetKind)-\(exe.targetName)"),
                    target: exe.targetName)
                job.targetKind = exe.targetKind
                job.order = JobOrder(batch: index, rank: exe.targetKind + "\u{0}" + exe.targetName)
                emit([job])
            }
            let result = build(
                features: fs, driver: driver, toolchain: toolchain, runDir: runDir, context: context,
                handOver: handOver)
            emitted += result.handedOver
            if let failure = result.failure { prep.failures.append(failure) }
        }
        if emitted == 0 && prep.failures.isEmpty {
            prep.failures.append(
                failedStep(
                    driver, executable: "cargo", reason: "cargo built no test executables (does the crate have tests?)")
            )
        }
        return prep.failures
    }

    /// What one feature set's build handed over, and its failure (a build that
    /// fails after some test executables linked still had those checked).
    struct BuildOutcome {
        var handedOver = 0
        var failure: RunResult?
    }

    /// When the crate's tests cannot be built for the checker (tsan without rust-src) but a
    /// C suite asks for `{crate_lib_dir}`: the library built without the checker's flags, on
    /// the user's toolchain, in a target dir of its own, so the C suite, whose own code the
    /// checker does instrument, is still checked. A note says what the checker cannot see.
    func uninstrumentedLibraryForCSuite(_ driver: any CheckerDriver, context: RunContext) {
        guard Self.cSuiteWantsLibrary(context) else { return }
        let features = context.options.featureSets.first ?? FeatureSelection()
        let args =
            ["test", "--no-run", "--message-format=json-render-diagnostics", "--manifest-path", manifest]
            + features.cargoArguments + ["--target-dir", ownTargetDir(driver, context: context) + "-library"]
        var env = context.environment
        env["CARGO_TERM_COLOR"] = "never"
        let runDir = (context.logsDir as NSString).appendingPathComponent(driver.checker.rawValue)
        try? FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        context.console.progress("\(driver.checker.displayName): cargo build --lib (uninstrumented, for the C suite)")
        guard
            let libDir = buildLibrary(
                testArguments: args, environment: env, label: Job.safeLabel("build-\(features.label)"), runDir: runDir,
                context: context
            ).first
        else { return }
        context.products.withLock { $0["crate_lib_dir:\(driver.checker.rawValue)"] = libDir }
        context.diagnostics.note(Self.uninstrumentedLibraryNote(driver.checker))
    }

    /// A `--cmake-arg` names `{crate_lib_dir}`: only then is a library built for the C suite.
    static func cSuiteWantsLibrary(_ context: RunContext) -> Bool {
        context.options.cmakeArgs.contains { $0.contains(CMakeInvocation.crateLibDirPlaceholder) }
    }

    /// What a C suite checked against the crate's uninstrumented library can and cannot show.
    static func uninstrumentedLibraryNote(_ checker: Checker) -> String {
        "\(checker.displayName): the C suite links the crate's library built without the sanitizer: its races in C code and the pthread calls are seen, synchronisation inside the library (std's locks, channels) is not"
    }

    /// `cargo build --lib` with the arguments of the test build; the library dirs it reports.
    func buildLibrary(
        testArguments: [String], environment: [String: String], label: String, runDir: String, context: RunContext
    ) -> [String] {
        guard let i = testArguments.firstIndex(of: "test") else { return [] }
        // The test build's own target selection (`--lib`, `--test NAME`) is not the library build's.
        let selection = context.options.selection.cargoArguments
        var args = testArguments
        if !selection.isEmpty, args.suffix(selection.count).elementsEqual(selection) {
            args.removeLast(selection.count)
        }
        args.replaceSubrange(i...(i + 1), with: ["build", "--lib"])
        let out = (runDir as NSString).appendingPathComponent(label + "-lib.json")
        do {
            let o = try context.supervisor.run(
                ProcessSpec(
                    executable: "cargo", arguments: args, environment: environment, stdoutPath: out,
                    stderrPath: out + ".stderr", timeout: nil))
            guard o.succeeded, let data = FileManager.default.contents(atPath: out) else {
                context.diagnostics.note(
                    "cargo build --lib failed (\(o.description)): no crate library for the C suite")
                return []
            }
            return CargoBuildMessages.parse(String(decoding: data, as: UTF8.self)).libraryDirs
        } catch {
            context.diagnostics.note("cargo build --lib: \(error)")
            return []
        }
    }

    /// The target dir sanitizer builds use: one per sanitizer and toolchain.
    func sanitizerTargetDir(_ driver: any CheckerDriver, toolchain: SanitizerToolchain, context: RunContext) -> String {
        let base = context.environment["CARGO_TARGET_DIR"] ?? (crateDir as NSString).appendingPathComponent("target")
        return "\(base)/moq-leakcheck/\(driver.checker.rawValue)-\(toolchain.kind.rawValue)"
    }

    /// The target dir of a checker that builds on the user's own toolchain with flags of its own.
    func ownTargetDir(_ driver: any CheckerDriver, context: RunContext) -> String {
        let base = context.environment["CARGO_TARGET_DIR"] ?? (crateDir as NSString).appendingPathComponent("target")
        return "\(base)/moq-leakcheck/\(driver.checker.rawValue)"
    }

    func build(
        features: FeatureSelection, driver: any CheckerDriver, toolchain: SanitizerToolchain?, runDir: String,
        context: RunContext, handOver: @escaping @Sendable (TestExecutable) -> Void
    ) -> BuildOutcome {
        var args =
            (toolchain?.cargoPrefix ?? []) + [
                "test", "--no-run", "--message-format=json-render-diagnostics", "--manifest-path", manifest,
            ]
        args += features.cargoArguments
        args += driver.cargoArguments
        var env = context.environment
        env["CARGO_TERM_COLOR"] = "never"
        let rustFlags = driver.rustFlags
        if !rustFlags.isEmpty {
            if let toolchain {
                args += ["--target", toolchain.hostTriple]
                args += ["--target-dir", sanitizerTargetDir(driver, toolchain: toolchain, context: context)]
                for (k, v) in toolchain.environment { env[k] = v }
            } else {
                args += ["--target-dir", ownTargetDir(driver, context: context)]
            }
            if let encoded = context.environment["CARGO_ENCODED_RUSTFLAGS"], !encoded.isEmpty {
                env["CARGO_ENCODED_RUSTFLAGS"] = ([encoded] + rustFlags).joined(separator: "\u{1f}")
            } else {
                env["RUSTFLAGS"] =
                    ((context.environment["RUSTFLAGS"].map { $0 + " " }) ?? "") + rustFlags.joined(separator: " ")
            }
        }
        // `--lib`, `--test NAME`: the cargo targets to build and check, as `cargo test`
        // picks them (last, so `buildLibrary` can take them off again).
        args += context.options.selection.cargoArguments
        let label = Job.safeLabel("build-\(features.label)")
        let stdoutPath = (runDir as NSString).appendingPathComponent(label + ".json")
        let stderrPath = (runDir as NSString).appendingPathComponent(label + ".stderr")
        context.console.progress("\(driver.checker.displayName): cargo \(args.joined(separator: " "))")
        if let flags = env["RUSTFLAGS"] ?? env["CARGO_ENCODED_RUSTFLAGS"], !rustFlags.isEmpty {
            context.console.detail(
                "  RUSTFLAGS=\(flags)\(toolchain?.kind == .stableBootstrap ? " RUSTC_BOOTSTRAP=1" : "")")
        }
        // A live line of cargo's progress on a terminal; one summary line in CI logs.
        let progress = BuildProgress.start("cargo build", tailing: stderrPath, console: context.console)
        // Each test executable is handed over as cargo reports it linked, with
        // the packages built before it registered as own code first.
        unlink(stdoutPath)
        let handedOver = Mutex(0)
        let follower = BuildMessageFollower(path: stdoutPath) { exe, seen in
            Self.registerOwnCode(seen, context: context)
            context.addOwnCode(name: exe.targetName)
            handedOver.withLock { $0 += 1 }
            handOver(exe)
        }
        let outcome: ProcessOutcome
        do {
            outcome = try context.supervisor.run(
                ProcessSpec(
                    executable: "cargo", arguments: args, environment: env, stdoutPath: stdoutPath,
                    stderrPath: stderrPath, timeout: nil))
        } catch {
            _ = follower.finish()
            return BuildOutcome(
                handedOver: handedOver.withLock { $0 },
                failure: failedStep(
                    driver, executable: "cargo", arguments: args, featureSet: features.label, reason: "\(error)"))
        }
        let messages = follower.finish()
        let count = handedOver.withLock { $0 }
        if outcome.succeeded && !FileManager.default.isReadableFile(atPath: stdoutPath) {
            return BuildOutcome(
                handedOver: count,
                failure: failedStep(
                    driver, executable: "cargo", arguments: args, featureSet: features.label,
                    reason: "cannot read cargo's messages at \(stdoutPath)"))
        }
        Self.registerOwnCode(messages, context: context)
        var libDirs = messages.libraryDirs
        if libDirs.isEmpty && outcome.succeeded && messages.success != false && Self.cSuiteWantsLibrary(context) {
            // A crate without integration tests builds no cdylib for `cargo test`:
            // the C suite's `{crate_lib_dir}` needs `cargo build --lib`, same flags.
            libDirs = buildLibrary(
                testArguments: args, environment: env, label: label, runDir: runDir, context: context)
        }
        if let libDir = libDirs.first {
            context.products.withLock { $0["crate_lib_dir:\(driver.checker.rawValue)"] = libDir }
        }
        if !outcome.succeeded || messages.success == false {
            let stderr =
                FileManager.default.contents(atPath: stderrPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let errorLines = stderr.split(separator: "\n").filter {
                $0.hasPrefix("error") || $0.contains("--> ") || $0.hasPrefix("  |") || $0.hasPrefix("   |")
            }
            let shown =
                errorLines.isEmpty ? Array(stderr.split(separator: "\n").suffix(15)) : Array(errorLines.prefix(30))
            context.console.error("cargo build failed (\(features.label), \(outcome.description)):")
            for line in shown { context.console.progress("  " + line) }
            let first = shown.first(where: { $0.hasPrefix("error") }).map(String.init) ?? outcome.description
            return BuildOutcome(
                handedOver: count,
                failure: failedStep(
                    driver, executable: "cargo", arguments: args, featureSet: features.label,
                    exitCode: outcome.exitCode, reason: "cargo build failed: \(first)",
                    logFiles: [stdoutPath, stderrPath]))
        }
        progress.finish("\(count) test executables")
        return BuildOutcome(handedOver: count)
    }

    /// The workspace's packages cargo built (not registry or toolchain crates),
    /// and the test targets, as own code.
    static func registerOwnCode(_ messages: CargoBuildMessages, context: RunContext) {
        for (name, dir) in messages.packages where !dir.contains("/.cargo/registry/") && !dir.contains("/rustlib/") {
            context.addOwnCode(name: name, root: dir)
        }
        for exe in messages.executables { context.addOwnCode(name: exe.targetName) }
    }
}
