extension Checker {
    /// The toolchain's ASan runtime preloaded into an uninstrumented build with frame pointers.
    public static let quick = Checker(declaring: "quick")
}

extension Subcommand {
    public static let quick = Subcommand(checker: .quick)
}

/// What the tool knows of `quick`, beside its driver (`QuickChecker`), the runtime it
/// preloads (`PreloadRuntime`) and what it refuses (`PreloadEligibility`).
struct QuickDefinition: CheckerDefinition {
    var checker: Checker { .quick }
    var displayName: String { "Quick (preloaded ASan)" }
    /// `all` keeps running valgrind then asan.
    var runByAll: Bool { false }
    var commandSummary: String { "leak gate at near-native speed, no sanitizer rebuild" }
    var help: String {
        """
        moq-leakcheck quick: a leak gate at near-native speed with no sanitizer rebuild

        The crate's tests are built on your toolchain (stable is fine) with frame pointers, in
        target/moq-leakcheck/quick; a --cmake-source suite gets -fno-omit-frame-pointer -g. Each test
        process runs with the C compiler's AddressSanitizer runtime preloaded (LD_PRELOAD, named in the
        report), so LeakSanitizer checks leaks at exit as under asan, with asan's figures, attribution,
        shards and LSan-format suppressions. Memory errors inside uninstrumented code are not its job:
        run asan for them (double and invalid frees are still reported). A binary already built with a
        sanitizer, a static binary, or a Rust #[global_allocator] the runtime cannot see is refused:
        an incomplete run (exit 3) with the reason.

        USAGE:
          moq-leakcheck quick [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

        \(Options.runOptions)

        EXAMPLES:
          moq-leakcheck quick --manifest-path moq_ffi/Cargo.toml
          moq-leakcheck quick --manifest-path moq_ffi/Cargo.toml --cmake-source moq_ffi/c_tests \\
              --cmake-arg -DMOQFFI_LIB_DIR={crate_lib_dir}
          moq-leakcheck quick -- ./build/test_client
        """
    }
    var suppressionFormat: SuppressionFormat { .lsan }
    func suppressionApplies(_ s: Suppression) -> Bool { s.format == .lsan && s.kind == "leak" }
    var reportFile: (name: String, title: String) { ("quick-report.txt", "Quick (preloaded ASan) report") }
    var cleanHeadline: String { "No memory leaks detected" }
    /// Uninstrumented, with frames the fast unwinder can walk and debug info for file:line.
    var cmakeFlags: [String] { ["-fno-omit-frame-pointer", "-g"] }
    var noOutputReason: String? { nil }
    var incompleteOutputReason: String { "sanitizer log is incomplete" }
    /// It sees what the others see of the heap, and nothing they do not.
    func onlySeenReason(_ kind: FindingKind) -> String? { nil }
    func makeDriver() -> any CheckerDriver { QuickChecker() }

    var doctorCheckName: String { "quick (preloaded ASan runtime)" }
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check {
        let found = PreloadRuntime.find(environment: facts.environment) { compiler, file in
            facts.version(compiler, ["-print-file-name=\(file)"])
        }
        return Doctor.Check(
            name: doctorCheckName, found: found != nil,
            detail: found?.description ?? PreloadRuntime.missingReason + facts.skipNote(.quick),
            hint: "apt-get install gcc", required: facts.needed.contains(.quick))
    }

    /// Its logs are the ASan runtime's: `parse` reads them as asan's.
    var parsedFormats: [CheckerOutput.Format] { [.sanitizer] }
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput) {
        try SanitizerDefinition.asan.parseLog(fileAt: path, format: format)
    }
}
