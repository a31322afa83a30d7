import Foundation

/// ThreadSanitizer: the program is built with `-fsanitize=thread`; the tool forces the
/// options its reading of the logs relies on (`TSAN_OPTIONS`) and reads every `log_path`
/// file the process tree wrote.
struct TSanChecker: CheckerDriver {
    var checker: Checker { .tsan }
    var sanitizer: SanitizerFlavor? { .thread }
    var startupSeconds: Double { ShardPlanner.sanitizerStartupSeconds }
    /// Thread leaks are reported at exit.
    var leakCheckOnlyAtExit: Bool { true }
    var reportExitCode: Int32? { SanitizerChecker.exitCode }
    var publishedLogPrefix: String? { Self.reportPrefix }
    var shownEnvironmentKeys: [String] { ["TSAN_OPTIONS"] }
    static let reportPrefix = "tsan-report"
    static let optionsKey = "TSAN_OPTIONS"

    /// How the rust-src component is found; a test hands in a toolchain double.
    var sysrootProbe: @Sendable (SanitizerToolchain, RunContext) -> String? = { toolchain, context in
        guard
            let r = Capture.run(
                "rustc", toolchain.cargoPrefix + ["--print", "sysroot"], environment: context.environment,
                supervisor: context.supervisor, timeout: 60), r.outcome.succeeded
        else { return nil }
        let path = r.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    func unavailability(_ context: RunContext) -> String? { nil }

    /// A binary is checked only when the TSan runtime is in it (gcc links libtsan.so,
    /// clang links compiler-rt's static runtime, whose entry is `__tsan_init`).
    func isInstrumented(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return TSanBuild.isInstrumented(data)
    }

    /// `-Zbuild-std` instruments std as well; without the rust-src component std stays
    /// uninstrumented, and its own synchronisation (channels, `Mutex`) would be reported as
    /// races: no verdict is built on that.
    func cargoUnavailability(toolchain: SanitizerToolchain, context: RunContext) -> String? {
        TSanBuild.rustSourceMissing(sysroot: sysrootProbe(toolchain, context), toolchain: toolchain)
    }

    var rustFlags: [String] { TSanBuild.rustFlags }
    var cargoArguments: [String] { TSanBuild.cargoArguments }
    var cCompilers: (c: String, cxx: String)? { TSanBuild.compilers }

    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun {
        let logs = SanitizerLogDirectory(base: base, what: "TSan")
        try logs.prepare()
        return logs.run(
            job, base: base, environment: environment(context, logPrefix: logs.path + "/" + Self.reportPrefix),
            optionKeys: [Self.optionsKey], context: context)
    }

    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String]) {
        SanitizerLogDirectory(path: run.outputPath, what: "TSan").collect(
            prefix: Self.reportPrefix, publishedPrefix: Self.reportPrefix, format: .threadSanitizer,
            logFiles: run.logFiles, context: context, parse: { TSanLogParser.parse(text: $0) })
    }

    /// Listing a harness's tests checks nothing: reports would only be noise.
    func listingEnvironment(_ context: RunContext) -> [String: String] {
        var env = context.environment
        env[Self.optionsKey] = "report_bugs=0:report_thread_leaks=0"
        return env
    }

    /// The forced options (`TSanBuild.forcedOptions`) merged with the user's, as for asan.
    func environment(_ context: RunContext, logPrefix: String) -> [String: String] {
        var env = context.environment
        var ours = TSanBuild.forcedOptions(logPrefix: logPrefix)
        if let sym = ExecutableLocator.resolve("llvm-symbolizer", environment: context.environment) {
            ours.append(("external_symbolizer_path", sym))
        }
        let respect = context.options.respectSanitizerOptions
        let merged = SanitizerOptions.merge(
            ours: ours, user: context.environment[Self.optionsKey], respectUser: respect, gate: TSanBuild.gate)
        env[Self.optionsKey] = merged.options
        for n in merged.notes { context.diagnostics.note("\(Self.optionsKey) " + n) }
        if !merged.overridden.isEmpty {
            let list = merged.overridden.joined(separator: ", ")
            if respect {
                context.diagnostics.incomplete(
                    "--respect-sanitizer-options: your \(Self.optionsKey) (\(list)) decided what ThreadSanitizer checks, so this run is informational, never clean"
                )
            } else {
                context.diagnostics.note(
                    "\(Self.optionsKey): overrode \(list): the gate relies on these (--respect-sanitizer-options keeps yours and makes the run informational)"
                )
            }
        }
        return env
    }
}
