import Foundation

/// A command: `all`, one per registered checker (named as the checker), then the others.
/// The checker commands come from `CheckerRegistry`, each declared in its checker's folder.
public struct Subcommand: RawRepresentable, Hashable, Sendable, CaseIterable {
    public let rawValue: String

    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(named name: String) { rawValue = name }
    /// The command that runs one checker.
    init(checker: Checker) { rawValue = checker.rawValue }

    public static let all = Subcommand(named: "all")
    public static let parse = Subcommand(named: "parse")
    public static let doctor = Subcommand(named: "doctor")
    public static let suppressions = Subcommand(named: "suppressions")
    public static let merge = Subcommand(named: "merge")
    public static let baseline = Subcommand(named: "baseline")
    public static let help = Subcommand(named: "help")

    public static let allCases: [Subcommand] =
        [.all] + CheckerRegistry.checkers.map(Subcommand.init(checker:))
        + [.parse, .doctor, .suppressions, .merge, .baseline, .help]

    /// The checker this command runs alone, or nil.
    public var checker: Checker? { CheckerRegistry.checkers.first { $0.rawValue == rawValue } }

    /// Checkers this subcommand runs, in order. `baseline` runs what `all` runs:
    /// it is a run whose JSON report becomes the baseline file.
    public var checkers: [Checker] {
        if self == .all || self == .baseline { return CheckerRegistry.runByAll }
        return checker.map { [$0] } ?? []
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
    /// --ctest BUILD_DIR (repeatable): existing CMake build trees whose tests join the run.
    public var ctestDirs: [String] = []
    /// --ctest-args "...", split like a shell would (repeatable; words are appended).
    public var ctestArgs: [String] = []
    /// --cmake-source DIR: configure and build a Debug tree of this CMake project first.
    public var cmakeSource: String?
    /// --cmake-arg ARG (repeatable), passed to cmake's configure step; `{crate_lib_dir}` is
    /// expanded by the engine, not here.
    public var cmakeArgs: [String] = []
    /// --ffi-header FILE (once): the C header whose prototypes name the crate's exported
    /// functions and their release functions (default: `include/*.h` beside Cargo.toml).
    public var ffiHeaders: [String] = []
    public var suppressionFiles: [String] = []
    public var noDefaultSuppressions = false
    /// --allow-broad-suppressions: an over-broad suppression use warns instead of gating.
    public var allowBroadSuppressions = false
    /// Kept for readers of the old name: over-broad suppressions gate unless
    /// --allow-broad-suppressions is given; `--strict-suppressions` is an accepted no-op.
    public var strictSuppressions: Bool { !allowBroadSuppressions }
    public var genSuppressionsPath: String?
    public var reportDir = "."
    public var jsonPath: String?
    public var junitPath: String?
    /// --sarif PATH: SARIF 2.1.0 report.
    public var sarifPath: String?
    /// --html PATH: self-contained HTML report (one is also written into the report dir).
    public var htmlPath: String?
    /// --baseline PATH: an earlier JSON report; only findings not in it gate.
    public var baselinePath: String?
    public var failOn: Set<FindingKind> = Policy.defaultLeakKinds
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var timeout: Double?
    /// nil: automatic (valgrind: only binaries with findings; sanitizers: always).
    public var perTest: Bool?
    /// --no-split: run each test binary as one process instead of shards of its tests.
    public var noSplit = false
    /// --partition as written (`hash:2/3`); `partitionSpec` is its parsed form.
    public var partition: String?
    public var partitionSpec: Partition?
    /// `[FILTER]... --exact --skip PATTERN --lib --test NAME`: the tests and cargo
    /// targets to check, as `cargo test` selects them.
    public var selection = TestSelection()
    /// `--require valgrind,asan`: checkers `all` may not skip (a missing one is exit 3);
    /// `CI` in the environment requires every checker of the command (`RequiredCheckers`).
    public var requiredCheckers: [Checker] = []
    /// --respect-sanitizer-options: keep the user's ASAN_OPTIONS/LSAN_OPTIONS even where they
    /// contradict the gate; such a run is informational, never clean.
    public var respectSanitizerOptions = false
    /// `suppressions check --strict`: warnings (misspelled tools, entries that match everything) are errors.
    public var strictCheck = false
    public var toolchain: String?
    public var verbose = false
    public var quiet = false
    /// Everything after `--`.
    public var command: [String] = []
    /// Positional arguments (files for `parse` and `merge`, `check` + files for
    /// `suppressions`, the output PATH for `baseline`, the command for `help`).
    public var positional: [String] = []
    /// --help, -h or the `help` command.
    public var showHelp = false
    /// Which help to show when `showHelp`: nil is the global help. `valgrind --help` and
    /// `help valgrind` both give `.valgrind`.
    public var helpTopic: Subcommand?
    public var showVersion = false

    public init() {}

    /// Every feature set to check: the base one, then each --feature-set.
    public var featureSets: [FeatureSelection] {
        var sets = [baseFeatures]
        for s in extraFeatureSets where !sets.contains(s) { sets.append(s) }
        return sets
    }

    public var policy: Policy { Policy(gatingLeakKinds: failOn, gateOverBroadSuppressions: !allowBroadSuppressions) }

    /// The output path `baseline PATH` writes, when the subcommand is `baseline`.
    public var baselineOutputPath: String? { subcommand == .baseline ? positional.first : nil }

    /// Every long and short flag `parse` accepts: the "did you mean" candidates.
    public static let knownFlags: [String] = {
        var flags = [
            "--help", "-h", "--version", "-V", "--manifest-path", "--features", "-F", "--no-default-features",
            "--all-features", "--feature-set", "--ctest", "--ctest-args", "--cmake-source", "--cmake-arg",
            "--ffi-header", "--suppressions", "--no-default-suppressions", "--allow-broad-suppressions",
            "--strict-suppressions", "--gen-suppressions", "--report-dir",
            "--baseline", "--fail-on", "--jobs", "-j", "--timeout", "--per-test", "--no-per-test", "--no-split",
            "--partition", "--require", "--respect-sanitizer-options", "--toolchain", "--verbose", "-v", "--quiet",
            "-q", "--strict", "--exact", "--skip", "--lib", "--test",
        ]
        // The report formats' flags, from their one table, where they always stood.
        flags.insert(contentsOf: ReportFormat.all.map(\.flag), at: flags.firstIndex(of: "--report-dir")! + 1)
        return flags
    }()

    /// Subcommands that take positional arguments.
    static let takesPositional: Set<Subcommand> = [.parse, .suppressions, .merge, .baseline, .help]

    /// Subcommands whose bare words are test-name filters, as `cargo test FILTER`.
    static let takesFilters: Set<Subcommand> = Set([.all] + CheckerRegistry.checkers.map(Subcommand.init(checker:)))

    /// Parses argv (without the program name). Throws `UsageError` with a one-line message.
    public static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        var sawSubcommand = false
        var helpFlag = false
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
            /// A path or word that must not be empty (an unset shell variable gives "").
            func nonEmpty(_ what: String) throws -> String {
                let v = try val()
                guard !v.isEmpty else { throw UsageError("\(arg) needs \(what), got an empty value") }
                return v
            }
            switch arg {
            case "--":
                o.command = Array(args[(i + 1)...])
                i = args.count
                continue
            case "-h", "--help": helpFlag = true
            case "-V", "--version": o.showVersion = true
            case "--manifest-path": o.manifestPath = try nonEmpty("a path")
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
            case "--ctest": o.ctestDirs.append(try nonEmpty("a CMake build directory"))
            case "--ctest-args":
                let v = try val()
                do { o.ctestArgs += try ShellWords.split(v) } catch { throw UsageError("--ctest-args: \(error)") }
            case "--cmake-source":
                guard o.cmakeSource == nil else { throw UsageError("--cmake-source can be given once") }
                o.cmakeSource = try nonEmpty("a CMake source directory")
            case "--cmake-arg": o.cmakeArgs.append(try nonEmpty("an argument such as -DNAME=VALUE"))
            case "--ffi-header":
                // The boundary is read from one header; a second one would be ignored silently.
                guard o.ffiHeaders.isEmpty else { throw UsageError("--ffi-header can be given once") }
                o.ffiHeaders.append(try nonEmpty("a header file"))
            case "--suppressions": o.suppressionFiles.append(try nonEmpty("a file"))
            case "--no-default-suppressions": o.noDefaultSuppressions = true
            case "--allow-broad-suppressions": o.allowBroadSuppressions = true
            // Over-broad uses gate by default now; the old opt-in stays accepted so CI scripts keep working.
            case "--strict-suppressions": break
            case "--gen-suppressions": o.genSuppressionsPath = try nonEmpty("a file")
            case "--report-dir": o.reportDir = try nonEmpty("a directory")
            case _ where ReportFormat.all.contains { $0.flag == arg }:
                let format = ReportFormat.all.first { $0.flag == arg }!
                o[keyPath: format.path] = try nonEmpty("a file")
            case "--baseline": o.baselinePath = try nonEmpty("a JSON report")
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
            case "--no-split": o.noSplit = true
            case "--exact": o.selection.exact = true
            case "--skip": o.selection.skips.append(try nonEmpty("a test-name pattern"))
            case "--lib": o.selection.lib = true
            case "--test": o.selection.testTargets.append(try nonEmpty("an integration-test target name"))
            case "--strict": o.strictCheck = true
            case "--partition":
                let v = try val()
                o.partitionSpec = try Partition.parse(v)
                o.partition = v
            case "--require":
                o.requiredCheckers += try RequiredCheckers.parse(try val()).filter { !o.requiredCheckers.contains($0) }
            case "--respect-sanitizer-options": o.respectSanitizerOptions = true
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
                    if let s = Suggestions.closest(to: arg, in: knownFlags.filter { $0.hasPrefix("--") }) {
                        throw UsageError("unknown option '\(arg)': did you mean \(s)? (see --help)")
                    }
                    throw UsageError("unknown option '\(arg)' (see --help)")
                }
                if !sawSubcommand && o.positional.isEmpty, let sub = Subcommand(rawValue: arg) {
                    o.subcommand = sub
                    // `baseline` runs what `all` runs, skipping a missing checker with its reason.
                    o.explicitSubcommand = sub != .all && sub != .baseline
                    sawSubcommand = true
                } else if sawSubcommand && takesPositional.contains(o.subcommand) {
                    o.positional.append(arg)
                } else if sawSubcommand && takesFilters.contains(o.subcommand) {
                    // `moq-leakcheck valgrind connect`: as `cargo test connect`.
                    o.selection.filters.append(arg)
                } else if !sawSubcommand {
                    throw unknownCommand(arg)
                } else {
                    throw UsageError("unexpected argument '\(arg)' (put a command to run after --)")
                }
            }
            i += 1
        }
        if o.subcommand == .help {
            // `help [COMMAND]`: the positional names the topic; `help --help` explains help itself.
            guard o.positional.count <= 1 else { throw UsageError("usage: moq-leakcheck help [COMMAND]") }
            if let word = o.positional.first {
                guard let topic = Subcommand(rawValue: word) else { throw unknownCommand(word, prefix: "help: ") }
                o.helpTopic = topic
            } else if helpFlag {
                o.helpTopic = .help
            }
            o.showHelp = true
            return o
        }
        if helpFlag {
            o.showHelp = true
            if sawSubcommand { o.helpTopic = o.subcommand }
            // Help never fails on the rest of the line: `parse --help` needs no files.
            return o
        }
        // Nor does --version (`parse --version`).
        if o.showVersion { return o }
        if o.verbose && o.quiet { throw UsageError("--verbose and --quiet cannot be used together") }
        switch o.subcommand {
        case .parse where o.positional.isEmpty:
            throw UsageError("parse needs at least one log file")
        case .suppressions where o.positional.first != "check" || o.positional.count < 2:
            throw UsageError("usage: moq-leakcheck suppressions check FILE...")
        case .merge where o.positional.isEmpty:
            throw UsageError("merge needs at least one REPORT.json (the --json output of each partition)")
        case .baseline where o.positional.count != 1:
            throw UsageError("usage: moq-leakcheck baseline PATH [run options] (writes a baseline from this run)")
        default: break
        }
        if !o.cmakeArgs.isEmpty && o.cmakeSource == nil {
            throw UsageError("--cmake-arg needs --cmake-source DIR (the project to configure)")
        }
        if !o.ctestArgs.isEmpty && o.ctestDirs.isEmpty && o.cmakeSource == nil {
            throw UsageError("--ctest-args needs --ctest BUILD_DIR or --cmake-source DIR")
        }
        if o.partitionSpec != nil && o.subcommand == .merge {
            throw UsageError("--partition selects part of a run; merge combines the partitions' reports")
        }
        if !o.requiredCheckers.isEmpty {
            let runs = o.subcommand.checkers
            if runs.isEmpty && o.subcommand != .doctor {
                throw UsageError(
                    "--require applies to the commands that run checkers (all, valgrind, asan, lsan, baseline) and doctor"
                )
            }
            if let other = o.requiredCheckers.first(where: { !runs.isEmpty && !runs.contains($0) }) {
                throw UsageError(
                    "--require \(other.rawValue): \(o.subcommand.rawValue) runs \(runs.map(\.rawValue).joined(separator: " and ")), not \(other.rawValue)"
                )
            }
        }
        if !o.command.isEmpty && o.command[0].isEmpty { throw UsageError("empty command after --") }
        if !o.command.isEmpty && !o.selection.isEverything {
            throw UsageError(
                "test filters, --skip, --lib and --test select cargo tests; give the program its own arguments after --")
        }
        if o.selection.exact && o.selection.filters.isEmpty && o.selection.skips.isEmpty {
            throw UsageError("--exact needs a FILTER or --skip PATTERN to apply to")
        }
        return o
    }

    /// "unknown command 'valgrnd': did you mean valgrind? (commands: …)".
    static func unknownCommand(_ word: String, prefix: String = "") -> UsageError {
        let names = Subcommand.allCases.map(\.rawValue)
        let list = "(commands: \(names.joined(separator: ", ")))"
        if let s = Suggestions.closest(to: word, in: names) {
            return UsageError("\(prefix)unknown command '\(word)': did you mean \(s)? \(list)")
        }
        return UsageError("\(prefix)unknown command '\(word)' \(list)")
    }

    /// Checks that the files and directories the options name exist, before anything
    /// runs: a typo'd path is exit 2 with its flag, never a build that fails later.
    /// Call after `parse`, for commands that run checkers.
    public func validatePaths(fileManager fm: FileManager = .default) throws {
        func isDir(_ p: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        for dir in ctestDirs {
            guard isDir(dir) else { throw UsageError("--ctest \(dir): no such directory") }
            guard fm.fileExists(atPath: (dir as NSString).appendingPathComponent("CTestTestfile.cmake")) else {
                throw UsageError(
                    "--ctest \(dir): not a CMake build tree with tests (no CTestTestfile.cmake; configure it with enable_testing())"
                )
            }
        }
        if let src = cmakeSource {
            guard isDir(src) else { throw UsageError("--cmake-source \(src): no such directory") }
            guard fm.fileExists(atPath: (src as NSString).appendingPathComponent("CMakeLists.txt")) else {
                throw UsageError("--cmake-source \(src): no CMakeLists.txt there")
            }
        }
        for h in ffiHeaders where !fm.isReadableFile(atPath: h) || isDir(h) {
            throw UsageError("--ffi-header \(h): cannot read the file")
        }
        if let b = baselinePath, !fm.isReadableFile(atPath: b) || isDir(b) {
            throw UsageError("--baseline \(b): cannot read the file")
        }
        if subcommand == .merge {
            for f in positional where !fm.isReadableFile(atPath: f) || isDir(f) {
                throw UsageError("merge: cannot read \(f)")
            }
        }
    }
}
