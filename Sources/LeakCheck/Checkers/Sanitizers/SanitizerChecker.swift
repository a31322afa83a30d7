import Foundation

/// AddressSanitizer or standalone LeakSanitizer: the program itself is
/// instrumented; the tool sets the options its reading of the logs relies on
/// and collects every `log_path` file the process tree wrote.
struct SanitizerChecker: CheckerDriver {
    let checker: Checker
    let flavor: SanitizerFlavor
    /// The runtime's default fast (frame-pointer) unwinder for malloc stacks instead of the
    /// slow one: for binaries built with frame pointers (a preloaded runtime), where it keeps
    /// every frame at a fraction of the cost.
    var fastUnwind = false
    var sanitizer: SanitizerFlavor? { flavor }
    var startupSeconds: Double { ShardPlanner.sanitizerStartupSeconds }
    var leakCheckOnlyAtExit: Bool { true }
    var reportExitCode: Int32? { Self.exitCode }

    /// `exitcode=` the tool sets, to tell "the sanitizer reported" from "a test failed".
    static let exitCode: Int32 = 23

    var optionsKey: String { flavor == .leak ? "LSAN_OPTIONS" : "ASAN_OPTIONS" }
    var reportPrefix: String { flavor == .leak ? "lsan-report" : "asan-report" }
    var publishedLogPrefix: String? { reportPrefix }
    var shownEnvironmentKeys: [String] { ["ASAN_OPTIONS", "LSAN_OPTIONS"] }

    func unavailability(_ context: RunContext) -> String? { nil }

    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun {
        let logs = SanitizerLogDirectory(base: base, what: "sanitizer")
        try logs.prepare()
        return logs.run(
            job, base: base, environment: environment(context, logPrefix: logs.path + "/asan-report"),
            optionKeys: ["ASAN_OPTIONS", "LSAN_OPTIONS"], context: context)
    }

    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String]) {
        // The runtime writes asan-report.<pid> (log_path above); the report dir gets the guide's names.
        SanitizerLogDirectory(path: run.outputPath, what: "sanitizer").collect(
            prefix: "asan-report", publishedPrefix: reportPrefix, format: .sanitizer, logFiles: run.logFiles,
            context: context, parse: { SanitizerLogParser.parse(text: $0) })
    }

    func listingEnvironment(_ context: RunContext) -> [String: String] {
        var env = context.environment
        env[optionsKey] = "detect_leaks=0"
        if flavor == .address { env["LSAN_OPTIONS"] = "detect_leaks=0" }
        return env
    }

    /// The options the interpretation relies on are forced (a user's
    /// `detect_leaks=0` must not turn the gate green); anything else the user
    /// sets is kept. With `--respect-sanitizer-options` the user's values win
    /// and the verdict can no longer be clean.
    func environment(_ context: RunContext, logPrefix: String) -> [String: String] {
        var env = context.environment
        var ours: [(String, String)] = [
            ("detect_leaks", "1"), ("leak_check_at_exit", "1"), ("log_path", logPrefix),
            ("exitcode", "\(Self.exitCode)"), ("fast_unwind_on_malloc", fastUnwind ? "1" : "0"), ("symbolize", "1"),
        ]
        if let sym = ExecutableLocator.resolve("llvm-symbolizer", environment: context.environment) {
            ours.append(("external_symbolizer_path", sym))
        }
        let respect = context.options.respectSanitizerOptions
        let merged = SanitizerOptions.merge(ours: ours, user: context.environment[optionsKey], respectUser: respect)
        env[optionsKey] = merged.options
        var overridden = merged.overridden
        var notes = merged.notes.map { "\(optionsKey) " + $0 }
        if flavor == .address {
            // Leak-specific and common options are read from LSAN_OPTIONS under ASan too.
            let lsan = SanitizerOptions.merge(
                ours: [
                    ("detect_leaks", "1"), ("leak_check_at_exit", "1"), ("exitcode", "\(Self.exitCode)"),
                    ("fast_unwind_on_malloc", fastUnwind ? "1" : "0"), ("symbolize", "1"),
                ],
                user: context.environment["LSAN_OPTIONS"], respectUser: respect)
            env["LSAN_OPTIONS"] = lsan.options
            overridden += lsan.overridden.map { "LSAN_OPTIONS " + $0 }
            notes += lsan.notes.map { "LSAN_OPTIONS " + $0 }
        }
        for n in notes { context.diagnostics.note(n) }
        if !overridden.isEmpty {
            let list = overridden.joined(separator: ", ")
            if respect {
                context.diagnostics.incomplete(
                    "--respect-sanitizer-options: your \(optionsKey) (\(list)) decided what the sanitizer checks, so this run is informational, never clean"
                )
            } else {
                context.diagnostics.note(
                    "\(optionsKey): overrode \(list): the gate relies on these (--respect-sanitizer-options keeps yours and makes the run informational)"
                )
            }
        }
        return env
    }
}
