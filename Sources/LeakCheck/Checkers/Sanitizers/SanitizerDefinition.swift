extension Checker {
    /// AddressSanitizer build, leak detection on.
    public static let asan = Checker(declaring: "asan")
    /// Standalone LeakSanitizer build.
    public static let lsan = Checker(declaring: "lsan")
}

extension Subcommand {
    public static let asan = Subcommand(checker: .asan)
    public static let lsan = Subcommand(checker: .lsan)
}

/// What the tool knows of the sanitizer builds (asan, lsan), beside their driver
/// (`SanitizerChecker`), options, toolchain and log parser.
struct SanitizerDefinition: CheckerDefinition {
    let checker: Checker
    let flavor: SanitizerFlavor
    let displayName: String
    let runByAll: Bool
    let commandSummary: String
    let help: String

    static let asan = SanitizerDefinition(
        checker: .asan, flavor: .address, displayName: "AddressSanitizer", runByAll: true,
        commandSummary: "AddressSanitizer build (leak detection on)",
        help: """
            moq-leakcheck asan: build with AddressSanitizer (leak detection on) and run each test

            USAGE:
              moq-leakcheck asan [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

            \(Options.runOptions)

            EXAMPLES:
              moq-leakcheck asan --manifest-path moq_ffi/Cargo.toml
              moq-leakcheck asan --manifest-path moq_ffi/Cargo.toml --cmake-source moq_ffi/c_tests \\
                  --cmake-arg -DMOQFFI_LIB_DIR={crate_lib_dir}
              moq-leakcheck asan -- ./build-asan/test_client
            """)

    static let lsan = SanitizerDefinition(
        checker: .lsan, flavor: .leak, displayName: "LeakSanitizer", runByAll: false,
        commandSummary: "standalone LeakSanitizer build",
        help: """
            moq-leakcheck lsan: build with the standalone LeakSanitizer and run each test

            USAGE:
              moq-leakcheck lsan [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

            \(Options.runOptions)

            EXAMPLES:
              moq-leakcheck lsan --manifest-path moq_ffi/Cargo.toml
              moq-leakcheck lsan -- ./build-lsan/test_client
            """)

    var suppressionFormat: SuppressionFormat { .lsan }
    /// Only `leak:` entries: the tool applies suppressions to leaks itself.
    func suppressionApplies(_ s: Suppression) -> Bool { s.format == .lsan && s.kind == "leak" }
    var reportFile: (name: String, title: String) { ("sanitizer-report.txt", "Sanitizer report") }
    var cleanHeadline: String { "No issues detected" }
    /// Instrumented code, frames a leak stack can walk, and debug info for file:line.
    var cmakeFlags: [String] { [flavor.cFlag, "-fno-omit-frame-pointer", "-g"] }
    var noOutputReason: String? { nil }
    var incompleteOutputReason: String { "sanitizer log is incomplete" }
    func onlySeenReason(_ kind: FindingKind) -> String? {
        switch kind {
        // Instrumented stack and global objects: valgrind sees only the heap.
        case .stackBufferOverflow, .globalBufferOverflow, .stackUseAfterScope, .stackUseAfterReturn:
            return CrossChecker.Reason.stackOrGlobal
        default:
            return nil
        }
    }
    func makeDriver() -> any CheckerDriver { SanitizerChecker(checker: checker, flavor: flavor) }

    /// asan and lsan share one line: both need a toolchain that builds Rust with a sanitizer.
    var doctorCheckName: String { "Rust sanitizer builds" }
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check {
        let path =
            facts.nightly != nil
            ? "cargo +nightly" : facts.cargo != nil ? "stable cargo with RUSTC_BOOTSTRAP=1" : nil
        return Doctor.Check(
            name: doctorCheckName, found: path != nil, detail: path ?? "no cargo\(facts.skipNote(.asan))",
            hint: "rustup toolchain install nightly", required: facts.needed.contains(.asan))
    }

    /// Every sanitizer log: the log itself says whether ASan or standalone LSan wrote it.
    var parsedFormats: [CheckerOutput.Format] { [.sanitizer] }
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput) {
        let parsed = try StreamingLogParser.parseSanitizerLog(fileAt: path)
        return (parsed.mentionsAddressSanitizer ? .asan : .lsan, parsed.output)
    }
}
