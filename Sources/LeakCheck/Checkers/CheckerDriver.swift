/// The instrumented build a checker needs from a source.
public enum SanitizerFlavor: String, Sendable {
    case address, leak, thread

    /// rustc's flag.
    var rustFlag: String { "-Zsanitizer=\(rawValue)" }
    /// gcc/clang's flag.
    var cFlag: String { "-fsanitize=\(rawValue)" }
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
    /// Where the job's program came from, for a driver whose reading of its output depends on it.
    var source: RunSource? = nil
}

/// One checker, CTest-handler style: it owns its command line and its output
/// parser; the scheduler runs any job through any driver. Its `CheckerDefinition`
/// makes it (`makeDriver()`); `CheckerRegistry.all` lists the definitions.
protocol CheckerDriver: Sendable {
    var checker: Checker { get }
    /// The build sources must make for this checker (nil: the plain build).
    var sanitizer: SanitizerFlavor? { get }
    /// Seconds one process costs before the first test runs: the scheduler
    /// weighs it against the work when it splits a binary into shards.
    var startupSeconds: Double { get }
    /// The checker reports leaks only when the process exits normally: a
    /// shard a memory error or crash halted lost every test's leak check, so
    /// all its other tests must run again (sanitizers). valgrind still checks
    /// leaks after a fatal signal, so only the unfinished tests re-run.
    var leakCheckOnlyAtExit: Bool { get }
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
    /// rustc flags a cargo source builds the crate's tests with (`-Zsanitizer=address`,
    /// `-C force-frame-pointers=yes`), in a target dir of the checker's own; empty: the
    /// plain build in the crate's target dir. Sanitizer flags also need `sanitizer`'s toolchain.
    var rustFlags: [String] { get }
    /// The prefix of the log files it publishes into the report dir (`asan-report`): stale
    /// ones from an earlier run are removed first. nil: it publishes none.
    var publishedLogPrefix: String? { get }
    /// Environment variables `--verbose` shows beside each run's command line.
    var shownEnvironmentKeys: [String] { get }
    /// Whether the program at `path` carries the build `sanitizer` asks for (a program that
    /// does not would pass unchecked).
    func isInstrumented(_ path: String) -> Bool
    /// Why a cargo source cannot be checked with `toolchain` (nil: it can).
    func cargoUnavailability(toolchain: SanitizerToolchain, context: RunContext) -> String?
    /// Arguments for `cargo test` beside `rustFlags` (`-Zbuild-std`).
    var cargoArguments: [String] { get }
    /// The C and C++ compilers a `--cmake-source` tree is built with (nil: the default choice).
    var cCompilers: (c: String, cxx: String)? { get }
}

extension CheckerDriver {
    var rustFlags: [String] { sanitizer.map { [$0.rustFlag] } ?? [] }
    var publishedLogPrefix: String? { nil }
    var shownEnvironmentKeys: [String] { [] }
    func isInstrumented(_ path: String) -> Bool { BinaryInspector.isSanitized(path) }
    func cargoUnavailability(toolchain: SanitizerToolchain, context: RunContext) -> String? { nil }
    var cargoArguments: [String] { [] }
    var cCompilers: (c: String, cxx: String)? { nil }
}

/// A failure to read a checker's output, as a one-line reason.
struct CollectError: Error, CustomStringConvertible {
    var description: String
}
