/// Which tests and cargo targets a run checks, as `cargo test` selects them:
/// `moq-leakcheck valgrind [FILTER]... [--exact] [--skip PATTERN]... [--lib] [--test NAME]...`.
///
/// Filters are libtest's: a test runs when its name contains any FILTER (is
/// equal to one, with `--exact`) and contains no `--skip` PATTERN (is equal to
/// none, with `--exact`). Filters apply to libtest binaries' tests only: a
/// ctest test is selected with `--ctest-args -R/-E`, a `-- PROGRAM` runs whole.
public struct TestSelection: Sendable, Hashable {
    public var filters: [String] = []
    public var skips: [String] = []
    public var exact = false
    /// `--lib`: the crate's library unit tests.
    public var lib = false
    /// `--test NAME` (repeatable): integration-test targets.
    public var testTargets: [String] = []

    public init(
        filters: [String] = [], skips: [String] = [], exact: Bool = false, lib: Bool = false,
        testTargets: [String] = []
    ) {
        self.filters = filters
        self.skips = skips
        self.exact = exact
        self.lib = lib
        self.testTargets = testTargets
    }

    /// True when tests are filtered by name (not just targets picked).
    public var filtersTests: Bool { !filters.isEmpty || !skips.isEmpty }

    /// True when anything narrows the run.
    public var isEverything: Bool { !filtersTests && !lib && testTargets.isEmpty }

    /// Whether libtest would run the test `name` with these filters.
    public func includes(_ name: String) -> Bool {
        func matches(_ pattern: String) -> Bool { exact ? name == pattern : name.contains(pattern) }
        if !filters.isEmpty && !filters.contains(where: matches) { return false }
        return !skips.contains(where: matches)
    }

    /// libtest's own arguments for the same selection, for a binary whose tests
    /// could not be listed (it runs whole, and libtest filters itself).
    public var libtestArguments: [String] {
        filters + (exact ? ["--exact"] : []) + skips.flatMap { ["--skip", $0] }
    }

    /// `cargo test` target arguments: `--lib`, `--test NAME`... (none: every target).
    public var cargoArguments: [String] {
        (lib ? ["--lib"] : []) + testTargets.flatMap { ["--test", $0] }
    }

    /// `filters "connect", exact; skips "slow"` — how the report names the selection.
    public var description: String {
        var parts: [String] = []
        if !filters.isEmpty {
            parts.append(
                "filters \(filters.map { "\"\($0)\"" }.joined(separator: ", "))\(exact ? " (exact)" : "")")
        }
        if !skips.isEmpty { parts.append("--skip \(skips.map { "\"\($0)\"" }.joined(separator: ", "))") }
        if lib { parts.append("--lib") }
        for t in testTargets { parts.append("--test \(t)") }
        return parts.joined(separator: "; ")
    }
}
