import Foundation

public enum Subcommand: String, Sendable, CaseIterable {
    case all, valgrind, asan, lsan, parse, doctor, suppressions

    /// Checkers this subcommand runs, in order.
    public var checkers: [Checker] {
        switch self {
        case .all: return [.valgrind, .asan]
        case .valgrind: return [.valgrind]
        case .asan: return [.asan]
        case .lsan: return [.lsan]
        default: return []
        }
    }
}

/// Everything the command line says, parsed and validated.
public struct Options: Sendable {
    public var subcommand: Subcommand = .all
    /// True when the subcommand was named (an explicit checker that is missing is exit 3;
    /// `all` skips it with a reason).
    public var explicitSubcommand = false
    public var manifestPath: String?
    /// Base feature selection from --features/--no-default-features/--all-features.
    public var baseFeatures = FeatureSelection()
    /// Extra feature sets from --feature-set, checked in the same run.
    public var extraFeatureSets: [FeatureSelection] = []
    public var suppressionFiles: [String] = []
    public var noDefaultSuppressions = false
    public var strictSuppressions = false
    public var genSuppressionsPath: String?
    public var reportDir = "."
    public var jsonPath: String?
    public var junitPath: String?
    public var failOn: Set<FindingKind> = Policy.defaultLeakKinds
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var timeout: Double?
    /// nil: automatic (valgrind: only binaries with findings; sanitizers: always).
    public var perTest: Bool?
    public var toolchain: String?
    public var verbose = false
    public var quiet = false
    /// Everything after `--`.
    public var command: [String] = []
    /// Positional arguments (files for `parse`, `check` + files for `suppressions`).
    public var positional: [String] = []
    public var showHelp = false
    public var showVersion = false
    /// `--respect-sanitizer-options`: the user's ASAN/LSAN_OPTIONS win over the
    /// ones the gate relies on, and the run can no longer be clean.
    public var respectSanitizerOptions = false

    public init() {}

    /// Every feature set to check: the base one, then each --feature-set.
    public var featureSets: [FeatureSelection] {
        var sets = [baseFeatures]
        for s in extraFeatureSets where !sets.contains(s) { sets.append(s) }
        return sets
    }

    public var policy: Policy { Policy(gatingLeakKinds: failOn, strictSuppressions: strictSuppressions) }

    /// Parses argv (without the program name). Throws `UsageError` with a one-line message.
    public static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        var sawSubcommand = false
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < args.count else { throw UsageError("\(flag) needs a value") }
            return args[i]
        }
        while i < args.count {
            var arg = args[i]
            var inlineValue: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                inlineValue = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            }
            func val() throws -> String {
                if let inlineValue { return inlineValue }
                return try value(arg)
            }
            switch arg {
            case "--":
                o.command = Array(args[(i + 1)...])
                i = args.count
                continue
            case "-h", "--help": o.showHelp = true
            case "-V", "--version": o.showVersion = true
            case "--manifest-path": o.manifestPath = try val()
            case "--features", "-F": o.baseFeatures.features += FeatureSelection.splitList(try val())
            case "--no-default-features": o.baseFeatures.noDefaultFeatures = true
            case "--all-features": o.baseFeatures.allFeatures = true
            case "--feature-set":
                let v = try val()
                var set = FeatureSelection()
                for word in FeatureSelection.splitList(v) {
                    switch word {
                    case "no-default", "--no-default-features": set.noDefaultFeatures = true
                    case "all", "--all-features": set.allFeatures = true
                    case "default": continue
                    default: set.features.append(word)
                    }
                }
                o.extraFeatureSets.append(set)
            case "--suppressions": o.suppressionFiles.append(try val())
            case "--no-default-suppressions": o.noDefaultSuppressions = true
            case "--strict-suppressions": o.strictSuppressions = true
            case "--gen-suppressions": o.genSuppressionsPath = try val()
            case "--report-dir": o.reportDir = try val()
            case "--json": o.jsonPath = try val()
            case "--junit": o.junitPath = try val()
            case "--fail-on": o.failOn = try Policy.parseFailOn(try val())
            case "--jobs", "-j":
                let v = try val()
                guard let n = Int(v), n >= 1 else { throw UsageError("--jobs needs a whole number ≥ 1, got '\(v)'") }
                o.jobs = n
            case "--timeout":
                let v = try val()
                guard let t = Double(v), t > 0, t.isFinite else {
                    throw UsageError("--timeout needs a number of seconds > 0, got '\(v)'")
                }
                o.timeout = t
            case "--per-test": o.perTest = true
            case "--no-per-test": o.perTest = false
            case "--toolchain":
                let v = try val()
                guard ["nightly", "stable"].contains(v) else {
                    throw UsageError("--toolchain takes nightly or stable, got '\(v)'")
                }
                o.toolchain = v
            case "-v", "--verbose": o.verbose = true
            case "-q", "--quiet": o.quiet = true
            default:
                if arg.hasPrefix("-") && arg.count > 1 {
                    throw UsageError("unknown option '\(arg)' (see --help)")
                }
                if !sawSubcommand && o.positional.isEmpty, let sub = Subcommand(rawValue: arg) {
                    o.subcommand = sub
                    o.explicitSubcommand = sub != .all
                    sawSubcommand = true
                } else if sawSubcommand && (o.subcommand == .parse || o.subcommand == .suppressions) {
                    o.positional.append(arg)
                } else if !sawSubcommand {
                    throw UsageError("unknown command '\(arg)' (commands: \(Subcommand.allCases.map(\.rawValue).joined(separator: ", ")))")
                } else {
                    throw UsageError("unexpected argument '\(arg)' (put a command to run after --)")
                }
            }
            i += 1
        }
        if o.verbose && o.quiet { throw UsageError("--verbose and --quiet cannot be used together") }
        if o.subcommand == .parse && o.positional.isEmpty && !o.showHelp {
            throw UsageError("parse needs at least one log file")
        }
        if o.subcommand == .suppressions && !o.showHelp {
            guard o.positional.first == "check", o.positional.count >= 2 else {
                throw UsageError("usage: moq-leakcheck suppressions check FILE...")
            }
        }
        if !o.command.isEmpty && o.command[0].isEmpty { throw UsageError("empty command after --") }
        return o
    }

    public static let helpText = """
        moq-leakcheck \(LeakCheckVersion.string): leak-test runner for Rust C-ABI crates and C/C++ test programs

        USAGE:
          moq-leakcheck [all]       run every available checker (valgrind, then asan)
          moq-leakcheck valgrind    memcheck on the test binaries
          moq-leakcheck asan        AddressSanitizer build (leak detection on), each test in its own process
          moq-leakcheck lsan        standalone LeakSanitizer build
          moq-leakcheck parse FILE… parse existing valgrind XML/text or sanitizer logs
          moq-leakcheck doctor      which checkers and toolchains are available
          moq-leakcheck suppressions check FILE…   validate suppression files
          Add `-- COMMAND ARGS…` to run one program instead of building with cargo.

        OPTIONS:
          --manifest-path PATH      Cargo.toml (default ./Cargo.toml, else ./moq_ffi/Cargo.toml)
          --features LIST, --no-default-features, --all-features
          --feature-set LIST        also check this feature set (repeatable; "no-default", "all" allowed)
          --suppressions FILE       suppression file, valgrind or LSan format (repeatable)
          --no-default-suppressions do not apply the Rust runtime suppressions shipped with the tool
          --strict-suppressions     a suppression that hides a leak in the crate's own code fails the gate
          --gen-suppressions FILE   write suppressions for this run's findings
          --report-dir DIR          where reports go (default .)
          --json PATH               JSON report (schemaVersion 1)
          --junit PATH              JUnit XML report (one testcase per run)
          --fail-on KINDS           leak kinds that fail: definite,indirect,possible,reachable,all
                                    (default definite,indirect; memory errors and crashes always fail)
          --jobs N                  parallel runs (default: number of cores)
          --timeout SECONDS         per-run timeout (SIGTERM to the group, then SIGKILL)
          --per-test, --no-per-test attribute findings to tests by running each test alone
          --toolchain nightly|stable  sanitizer toolchain (default: nightly if installed)
          -v, --verbose / -q, --quiet
          -h, --help / -V, --version

        EXIT CODES:
          0 clean · 1 findings fail the policy · 2 usage or configuration error
          3 incomplete (build failed, checker missing, timeout, truncated output) · 130 interrupted
        """
}
