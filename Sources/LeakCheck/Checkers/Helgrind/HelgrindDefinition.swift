extension Checker {
    /// valgrind helgrind on the plain build: data races, lock order and pthread misuse.
    public static let helgrind = Checker(declaring: "helgrind")
}

extension Subcommand {
    public static let helgrind = Subcommand(checker: .helgrind)
}

/// What the tool knows of helgrind, beside its driver (`HelgrindChecker`) and how it reads
/// helgrind's errors (`HelgrindFindings`). It shares memcheck's XML scanner.
struct HelgrindDefinition: CheckerDefinition {
    var checker: Checker { .helgrind }
    var displayName: String { "Helgrind" }
    /// `all` keeps running valgrind then asan.
    var runByAll: Bool { false }
    var commandSummary: String { "data races and lock misuse on the test binaries (valgrind helgrind)" }
    var help: String {
        """
        moq-leakcheck helgrind: run the tests (or a program) under valgrind helgrind

        Reports data races (both accesses' stacks), lock-order inversions and pthread misuse.
        C and C++ code (--ctest, --cmake-source, -- PROGRAM): its races gate.
        A cargo build: helgrind does not model C11 atomics nor see std's futex-based locks, so a
        race where either access is an atomic operation is listed as suppressed with that reason,
        and the other races are listed but never gate (run moq-leakcheck tsan with the rust-src
        component to gate on them). Crashes, timeouts and failing tests gate as under valgrind.
        Helgrind: entries of --suppressions files apply, with accounting.

        USAGE:
          moq-leakcheck helgrind [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

        \(Options.runOptions)

        EXAMPLES:
          moq-leakcheck helgrind -- ./build/test_threads
          moq-leakcheck helgrind --manifest-path moq_ffi/Cargo.toml --ctest moq_ffi/c_tests/build
          moq-leakcheck helgrind --suppressions races.supp -- ./build/test_threads
        """
    }
    var suppressionFormat: SuppressionFormat { .valgrind }
    func suppressionApplies(_ s: Suppression) -> Bool { s.format == .valgrind && s.tools.contains("Helgrind") }
    var reportFile: (name: String, title: String) { ("helgrind-report.txt", "Valgrind helgrind report") }
    var cleanHeadline: String { "No data races or thread errors detected" }
    /// helgrind runs the plain build: no flags.
    var cmakeFlags: [String] { [] }
    var noOutputReason: String? { "helgrind wrote no XML output" }
    var incompleteOutputReason: String { "helgrind output is incomplete" }
    /// It checks threads, not leaks: no LEAK SUMMARY, and its errors are thread errors.
    var checksLeaks: Bool { false }
    var errorNoun: (one: String, many: String) { ("thread error or failure", "thread errors or failures") }
    /// The memory checkers built here do not look for races.
    func onlySeenReason(_ kind: FindingKind) -> String? { nil }
    func makeDriver() -> any CheckerDriver { HelgrindChecker() }

    var doctorCheckName: String { "helgrind (valgrind --tool=helgrind)" }
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check {
        let vg = facts.version("valgrind", ["--version"])
        return Doctor.Check(
            name: doctorCheckName, found: vg != nil,
            detail: vg.map { "\($0) (races gate for C/C++; a cargo build's races are informational)" }
                ?? "not found\(facts.skipNote(.helgrind))",
            hint: "apt-get install valgrind", required: facts.needed.contains(.helgrind))
    }

    var parsedFormats: [CheckerOutput.Format] { [.helgrindXML] }
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput) {
        // Streamed like memcheck's logs, each finding classified before identical ones merge.
        let box = Accumulated()
        var output = try ValgrindXMLParser.parse(fileAt: path) { box.accumulator.add(HelgrindFindings.classified($0)) }
        output.findings = box.accumulator.findings
        output.format = .helgrindXML
        // A log carries no source: Rust frames (`.rs` files) say it came from a cargo build.
        HelgrindFindings.interpret(&output, cargo: HelgrindFindings.namesRustCode(output.findings))
        return (.helgrind, output)
    }
}

/// The accumulator the streaming parser's callback fills (it runs synchronously, on this thread).
private final class Accumulated: @unchecked Sendable {
    var accumulator = FindingAccumulator()
}
