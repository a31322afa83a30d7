extension Checker {
    /// valgrind memcheck on the plain build.
    public static let valgrind = Checker(declaring: "valgrind")
}

extension Subcommand {
    public static let valgrind = Subcommand(checker: .valgrind)
}

/// What the tool knows of valgrind memcheck, beside its driver (`ValgrindChecker`) and parsers.
struct ValgrindDefinition: CheckerDefinition {
    var checker: Checker { .valgrind }
    var displayName: String { "Valgrind" }
    var runByAll: Bool { true }
    var commandSummary: String { "memcheck on the test binaries" }
    var help: String {
        """
        moq-leakcheck valgrind: run the crate's tests (or a program) under valgrind memcheck

        USAGE:
          moq-leakcheck valgrind [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

        \(Options.runOptions)

        EXAMPLES:
          moq-leakcheck valgrind --manifest-path moq_ffi/Cargo.toml
          moq-leakcheck valgrind --manifest-path moq_ffi/Cargo.toml --ctest moq_ffi/c_tests/build
          moq-leakcheck valgrind --manifest-path moq_ffi/Cargo.toml --test errors leak_error
          moq-leakcheck valgrind --gen-suppressions known.supp -- ./build/test_client
        """
    }
    var suppressionFormat: SuppressionFormat { .valgrind }
    func suppressionApplies(_ s: Suppression) -> Bool { s.format == .valgrind && s.tools.contains("Memcheck") }
    var reportFile: (name: String, title: String) { ("valgrind-report.txt", "Valgrind memcheck report") }
    var cleanHeadline: String { "No memory leaks detected" }
    /// valgrind runs the plain build: no flags.
    var cmakeFlags: [String] { [] }
    var noOutputReason: String? { "valgrind wrote no XML output" }
    var incompleteOutputReason: String { "valgrind output is incomplete" }
    func onlySeenReason(_ kind: FindingKind) -> String? {
        // Only memcheck tracks definedness; the sanitizers built here do not.
        kind == .uninitialisedValue ? CrossChecker.Reason.uninitialised : nil
    }
    func makeDriver() -> any CheckerDriver { ValgrindChecker() }

    var doctorCheckName: String { "valgrind" }
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check {
        let vg = facts.version("valgrind", ["--version"])
        return Doctor.Check(
            name: doctorCheckName, found: vg != nil, detail: vg ?? "not found\(facts.skipNote(.valgrind))",
            hint: "apt-get install valgrind", required: facts.needed.contains(.valgrind))
    }

    var parsedFormats: [CheckerOutput.Format] { [.valgrindXML, .valgrindText] }
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput) {
        // Every log streams from disk, identical findings stored once: memory
        // follows the distinct findings, not the file's size (valgrind text
        // logs hold each error context once already, valgrind dedupes them).
        if format == .valgrindXML { return (.valgrind, try StreamingLogParser.parseValgrindXML(fileAt: path)) }
        var whole = try ValgrindTextParser.parse(fileAt: path)
        whole.findings = FindingDeduplication.deduplicate(whole.findings)
        return (.valgrind, whole)
    }
}
