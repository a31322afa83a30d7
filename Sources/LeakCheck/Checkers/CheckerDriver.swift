/// The instrumented build a checker needs from a source.
public enum SanitizerFlavor: String, Sendable {
    case address, leak

    /// rustc's flag.
    var rustFlag: String { "-Zsanitizer=\(rawValue)" }
    /// gcc/clang's flag.
    var cFlag: String { "-fsanitize=\(rawValue)" }
}

/// How the scheduler ties findings to tests for a checker.
enum AttributionStrategy: Sendable {
    /// Whole binaries first; re-run per test only the binaries with gating
    /// findings (valgrind: each process costs ~0.45 s of start-up).
    case rerunWhenGating
    /// Every test in its own process (sanitizers start in milliseconds and
    /// LSan reports at exit, after libtest's verdict).
    case processPerTest
}

/// What a driver prepared for one job: the process to start and where its
/// output will be.
struct PreparedRun: Sendable {
    var spec: ProcessSpec
    /// The checker's own output files or directory, read by `collect`.
    var outputPath: String
    /// The program's own stdout+stderr.
    var programOutput: String
    var logFiles: [String]
}

/// One checker, CTest-handler style: it owns its command line and its output
/// parser; the scheduler runs any job through any driver. A new checker is one
/// new file conforming to this (plus its case in `Checker` and `CheckerRegistry`).
protocol CheckerDriver: Sendable {
    var checker: Checker { get }
    /// The build sources must make for this checker (nil: the plain build).
    var sanitizer: SanitizerFlavor? { get }
    var attribution: AttributionStrategy { get }
    /// The exit status the checker uses when it reported something.
    var reportExitCode: Int32? { get }
    /// Why it cannot run on this machine (nil: it can).
    func unavailability(_ context: RunContext) -> String?
    /// The process to start for `job`; its files go under `base`.
    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun
    /// Reads what the checker wrote.
    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String])
    /// Environment for listing a harness's tests without checking anything.
    func listingEnvironment(_ context: RunContext) -> [String: String]
}

enum CheckerRegistry {
    static func driver(for checker: Checker) -> any CheckerDriver {
        switch checker {
        case .valgrind: return ValgrindChecker()
        case .asan: return SanitizerChecker(checker: .asan, flavor: .address)
        case .lsan: return SanitizerChecker(checker: .lsan, flavor: .leak)
        }
    }
}

/// A failure to read a checker's output, as a one-line reason.
struct CollectError: Error, CustomStringConvertible {
    var description: String
}
