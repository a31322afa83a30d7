import Foundation

extension Checker {
    /// ThreadSanitizer build.
    public static let tsan = Checker(declaring: "tsan")
}

extension Subcommand {
    public static let tsan = Subcommand(checker: .tsan)
}

/// What the tool knows of `tsan`, beside its driver (`TSanChecker`), its build rules
/// (`TSanBuild`), its log parser and its suppression kinds.
struct TSanDefinition: CheckerDefinition {
    var checker: Checker { .tsan }
    var displayName: String { "ThreadSanitizer" }
    /// `all` keeps running valgrind then asan.
    var runByAll: Bool { false }
    var commandSummary: String { "ThreadSanitizer build: data races, lock-order inversions, thread leaks" }
    var help: String {
        """
        moq-leakcheck tsan: build with ThreadSanitizer and run each test

        Sees data races (both accesses, each with its stack), lock-order inversions (potential
        deadlocks), threads never joined, and mutex misuse (unlocking an unlocked mutex, destroying a
        locked one) in instrumented code. It cannot see races inside uninstrumented code.
        A --cmake-source suite is built with gcc -fsanitize=thread -fno-omit-frame-pointer -g; a
        program after -- must be built so (else an incomplete run, exit 3). A cargo source needs std
        rebuilt with the sanitizer (-Zsanitizer=thread -Zbuild-std, own target dir): without the
        rust-src component the cargo part is an incomplete run naming
        `rustup component add rust-src --toolchain nightly`, never a verdict on uninstrumented std.
        Suppressions: TSan's race:, race_top:, deadlock:, thread:, mutex:, signal:, called_from_lib:
        lines, applied by the tool with accounting.

        USAGE:
          moq-leakcheck tsan [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

        \(Options.runOptions)

        EXAMPLES:
          moq-leakcheck tsan --manifest-path moq_ffi/Cargo.toml
          moq-leakcheck tsan --cmake-source moq_ffi/c_tests
          moq-leakcheck tsan -- ./build-tsan/test_client
        """
    }
    var suppressionFormat: SuppressionFormat { .lsan }
    func suppressionApplies(_ s: Suppression) -> Bool { s.format == .lsan && TSanSuppressions.kinds.contains(s.kind) }
    var reportFile: (name: String, title: String) { ("tsan-report.txt", "ThreadSanitizer report") }
    var cleanHeadline: String { "No thread errors detected" }
    /// It checks no leaks, and what it finds are thread errors (the console summary's words, once
    /// `CheckerDefinition` asks for them: the helgrind branch adds `checksLeaks` and `errorNoun`).
    var checksLeaks: Bool { false }
    var errorNoun: (one: String, many: String) { ("thread error", "thread errors") }
    var cmakeFlags: [String] { TSanBuild.cFlags }
    var noOutputReason: String? { nil }
    var incompleteOutputReason: String { "ThreadSanitizer log is incomplete" }
    func onlySeenReason(_ kind: FindingKind) -> String? { nil }
    func makeDriver() -> any CheckerDriver { TSanChecker() }

    var doctorCheckName: String { "tsan (ThreadSanitizer)" }
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check {
        // gcc finds its runtime by name when libtsan is installed.
        let runtime = facts.version(TSanBuild.compilers.c, ["-print-file-name=libtsan.so"])?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let found = runtime.map { $0.hasPrefix("/") } ?? false
        // Cargo sources also need std's sources (-Zbuild-std): say whether they are there.
        let sysroot = facts.nightly == nil
            ? nil : facts.version("rustc", ["+nightly", "--print", "sysroot"])?.trimmingCharacters(in: .whitespacesAndNewlines)
        let rustSource =
            sysroot.map { FileManager.default.fileExists(atPath: TSanBuild.rustSourceDirectory(sysroot: $0)) } ?? false
        let cargo = rustSource ? "cargo: nightly with rust-src" : "cargo: no rust-src (\(TSanBuild.rustSourceInstall))"
        return Doctor.Check(
            name: doctorCheckName, found: found,
            detail: found ? "C: gcc with \(runtime!); \(cargo)" : "gcc's libtsan not found\(facts.skipNote(.tsan))",
            hint: "apt-get install gcc", required: facts.needed.contains(.tsan))
    }

    func suppressionMatches(_ s: Suppression, _ f: Finding) -> Bool? { TSanSuppressions.matches(s, f) }
    func generatedSuppressions(for findings: [Finding], ownCode: OwnCode?) -> String {
        TSanSuppressions.generate(for: findings)
    }

    var parsedFormats: [CheckerOutput.Format] { [.threadSanitizer] }
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput) {
        let text = try String(decoding: Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        return (.tsan, TSanLogParser.parse(text: text))
    }
}
