/// Everything the rest of the tool asks of one checker. A checker is one folder under
/// `Checkers/` holding its definition, its driver, its parsers and its `static let` name;
/// `CheckerRegistry.all` lists the definitions. Nothing outside a checker's folder
/// switches on the checker: it asks the checker's definition.
protocol CheckerDefinition: Sendable {
    var checker: Checker { get }
    /// The name reports print ("Valgrind", "AddressSanitizer").
    var displayName: String { get }
    /// Whether `all` (and `baseline`) runs it, in registry order.
    var runByAll: Bool { get }
    /// Its line in the global help's COMMANDS list.
    var commandSummary: String { get }
    /// The body of `help NAME` / `NAME --help`.
    var help: String { get }
    /// The suppression syntax whose entries apply to its findings.
    var suppressionFormat: SuppressionFormat { get }
    /// Which entries of that format can apply at all (valgrind: `Memcheck:` ones; LSan: `leak:`).
    func suppressionApplies(_ s: Suppression) -> Bool
    /// Whether a sanitizer-format entry covers a finding, for checkers whose kinds differ from
    /// LSan's `leak:` (nil: the `leak:` rule).
    func suppressionMatches(_ s: Suppression, _ f: Finding) -> Bool?
    /// `--gen-suppressions` entries for findings the shared generators do not cover ("" for none).
    func generatedSuppressions(for findings: [Finding], ownCode: OwnCode?) -> String
    /// The text report it is written into (checkers sharing a file share one report).
    var reportFile: (name: String, title: String) { get }
    /// The headline of a clean run in the text summary.
    var cleanHeadline: String { get }
    /// The compile and link flags a `--cmake-source` tree gets for this checker.
    var cmakeFlags: [String] { get }
    /// The reason a run is incomplete when the checker wrote no output at all (nil: that is fine).
    var noOutputReason: String? { get }
    /// The reason a run is incomplete when its output was cut short and says no more.
    var incompleteOutputReason: String { get }
    /// The known reason only this checker saw a finding of `kind` (the other checkers cannot).
    func onlySeenReason(_ kind: FindingKind) -> String?
    /// A fresh driver that runs jobs under this checker.
    func makeDriver() -> any CheckerDriver
    /// The name of its `doctor` line (checkers that share one, as asan and lsan, share the line).
    var doctorCheckName: String { get }
    /// Its `doctor` line: whether it can run here, and how to install what is missing.
    func doctorCheck(_ facts: Doctor.Facts) -> Doctor.Check
    /// The log formats `parse` hands to it (`LogRecognizer` tells them apart).
    var parsedFormats: [CheckerOutput.Format] { get }
    /// Parses a log of one of `parsedFormats`: the checker that wrote it and what it says.
    func parseLog(fileAt path: String, format: CheckerOutput.Format) throws -> (Checker, CheckerOutput)
    /// Whether it checks leaks (default true; a protocol extension gives the defaults).
    var checksLeaks: Bool { get }
    /// What its gating non-leak findings are called in the console summary.
    var errorNoun: (one: String, many: String) { get }
}

extension CheckerDefinition {
    /// Whether it checks leaks: its console summary then shows a LEAK SUMMARY.
    var checksLeaks: Bool { true }
    /// What its gating non-leak findings are called in the console summary (one, several).
    var errorNoun: (one: String, many: String) { ("memory error or failure", "memory errors or failures") }
}

/// The one list of checkers. Adding a checker is its folder plus one line here.
enum CheckerRegistry {
    static let all: [any CheckerDefinition] = [
        ValgrindDefinition(),
        SanitizerDefinition.asan,
        SanitizerDefinition.lsan,
        QuickDefinition(),
        HelgrindDefinition(),
        TSanDefinition(),
    ]

    /// The registered checkers' names, in order.
    static let checkers: [Checker] = all.map(\.checker)

    /// The checkers `all` runs, in order.
    static var runByAll: [Checker] { all.filter(\.runByAll).map(\.checker) }

    static func definition(_ checker: Checker) -> any CheckerDefinition {
        // Every `Checker` value comes from a registered definition (`init?(rawValue:)` and decoding
        // refuse other names), so the lookup cannot fail.
        all.first { $0.checker == checker }!
    }

    static func driver(for checker: Checker) -> any CheckerDriver { definition(checker).makeDriver() }

    /// The checker that parses logs of `format` (the first that lists it).
    static func parser(for format: CheckerOutput.Format) -> (any CheckerDefinition)? {
        all.first { $0.parsedFormats.contains(format) }
    }
}

/// The suppression hooks' defaults: LSan's `leak:` rule, nothing generated beyond the shared generators.
extension CheckerDefinition {
    func suppressionMatches(_ s: Suppression, _ f: Finding) -> Bool? { nil }
    func generatedSuppressions(for findings: [Finding], ownCode: OwnCode?) -> String { "" }
}
