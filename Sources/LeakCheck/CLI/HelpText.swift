/// The text of `--help`, `help [COMMAND]` and `COMMAND --help`.
extension Options {
    /// The global help (`moq-leakcheck --help`, `moq-leakcheck help`).
    public static var helpText: String { helpText(for: nil) }

    /// The help for one command, or the global help for nil. Each command's help
    /// says what it does, its usage line, the options that matter to it and examples.
    public static func helpText(for topic: Subcommand?) -> String {
        guard let topic else { return globalHelp }
        let body: String
        if let checker = topic.checker { return CheckerRegistry.definition(checker).help + "\n\n" + exitCodes }
        switch topic {
        case .all:
            body = """
                moq-leakcheck all: run every available checker (valgrind, then asan) with one summary

                USAGE:
                  moq-leakcheck [all] [OPTIONS] [FILTER...] [-- PROGRAM ARGS...]

                A checker that is not installed is skipped with the reason (name it explicitly to make that exit 3).

                \(runOptions)

                EXAMPLES:
                  moq-leakcheck
                  moq-leakcheck all --manifest-path moq_ffi/Cargo.toml --json leaks.json
                """
        case .parse:
            body = """
                moq-leakcheck parse: read existing checker output and gate on it

                USAGE:
                  moq-leakcheck parse [OPTIONS] FILE...

                FILE is valgrind XML (--xml=yes) or text output, or an ASan/LSan log. A file that is not a
                checker's output is exit 3, never clean.

                OPTIONS:
                  --suppressions FILE, --no-default-suppressions, --allow-broad-suppressions
                  --fail-on KINDS, --baseline PATH
                  --report-dir DIR, \(ReportFormat.flagList)

                EXAMPLES:
                  moq-leakcheck parse valgrind.xml
                  moq-leakcheck parse asan.log.12345 --json leaks.json --fail-on all
                """
        case .doctor:
            body = """
                moq-leakcheck doctor: show which checkers, toolchains and defaults this machine has

                USAGE:
                  moq-leakcheck doctor [--require CHECKERS]

                Exit 0 when everything a run needs is there, 3 when something is missing (each ✗ line
                says how to install it). A checker `all` would skip (valgrind, the sanitizer build) is
                required as `all` requires it: with --require naming it, or with CI set; then doctor
                and all both exit 3 without it.

                EXAMPLES:
                  moq-leakcheck doctor
                  moq-leakcheck doctor --require valgrind,asan
                """
        case .suppressions:
            body = """
                moq-leakcheck suppressions: validate suppression files before a run uses them

                USAGE:
                  moq-leakcheck suppressions check [--strict] FILE...

                FILE is a valgrind (.supp) or LeakSanitizer (leak:PATTERN) file. Errors are exit 2 with
                FILE:LINE; misspelled tools or kinds ("did you mean Memcheck:Leak?") and entries that match
                every stack are warnings, errors with --strict.

                EXAMPLES:
                  moq-leakcheck suppressions check tools/valgrind-suppressions.supp
                """
        case .merge:
            body = """
                moq-leakcheck merge: combine the JSON reports of --partition runs into one verdict

                USAGE:
                  moq-leakcheck merge [OPTIONS] REPORT.json...

                A missing or incomplete partition makes the merge incomplete (exit 3), never clean.

                OPTIONS:
                  --report-dir DIR, \(ReportFormat.flagList)
                  --fail-on KINDS, --baseline PATH, --allow-broad-suppressions

                EXAMPLES:
                  moq-leakcheck merge part-1.json part-2.json part-3.json --json leaks.json --junit leaks.xml
                """
        case .baseline:
            body = """
                moq-leakcheck baseline: run the checkers and write the findings as a baseline

                USAGE:
                  moq-leakcheck baseline PATH [OPTIONS] [-- PROGRAM ARGS...]

                Later runs with --baseline PATH gate only on findings that are not in it.

                \(runOptions)

                EXAMPLES:
                  moq-leakcheck baseline leak-baseline.json --manifest-path moq_ffi/Cargo.toml
                  moq-leakcheck valgrind --baseline leak-baseline.json
                """
        case .help:
            body = """
                moq-leakcheck help: show the help of the tool or of one command

                USAGE:
                  moq-leakcheck help [COMMAND]
                  moq-leakcheck COMMAND --help

                EXAMPLES:
                  moq-leakcheck help valgrind
                """
        default:
            body = globalHelp
        }
        return body + "\n\n" + exitCodes
    }

    static let exitCodes = """
        EXIT CODES:
          0 clean · 1 findings fail the policy · 2 usage or configuration error
          3 incomplete (build failed, checker missing, timeout, truncated output) · 130 interrupted
        """

    /// The options every command that runs checkers takes.
    static let runOptions = """
        TARGET OPTIONS:
          --manifest-path PATH      Cargo.toml (default ./Cargo.toml, else ./moq_ffi/Cargo.toml)
          -F, --features LIST, --no-default-features, --all-features
          --feature-set LIST        also check this feature set (repeatable; "no-default", "all" allowed)
          --ctest BUILD_DIR         also run every test of this CMake build tree (repeatable)
          --ctest-args "ARGS"       ctest's own selection, e.g. "-R pat -E pat -L label"
          --cmake-source DIR        configure and build this CMake project first (Debug, sanitizer flags)
          --cmake-arg ARG           cmake configure argument (repeatable); {crate_lib_dir} is the crate's library dir
          --ffi-header FILE         C header of the crate's API (default: include/*.h beside Cargo.toml)
          -- PROGRAM ARGS...        run one program instead of building with cargo

        TEST SELECTION (as cargo test; ctest tests: --ctest-args "-R pat"):
          FILTER...                 only tests whose name contains a FILTER (the rest are listed as skipped)
          --exact                   a FILTER or --skip PATTERN must equal the test's name
          --skip PATTERN            leave out tests whose name contains PATTERN (repeatable)
          --lib, --test NAME        only the library's unit tests / the integration test NAME (repeatable)

        SUPPRESSIONS:
          --suppressions FILE       suppression file, valgrind or LSan format (repeatable)
          --no-default-suppressions do not apply the Rust runtime suppressions built into the tool
          --allow-broad-suppressions  a suppression that hides the crate's own leak warns instead of failing
          --gen-suppressions FILE   write precise suppressions for this run's findings

        REPORTS:
          --report-dir DIR          where reports go (default .)
        \(ReportFormat.helpLines)
          --baseline PATH           an earlier JSON report: gate only on findings not in it

        GATE AND SCHEDULING:
          --fail-on KINDS           leak kinds that fail: definite,indirect,possible,reachable,all
                                    (default definite,indirect; memory errors and crashes always fail)
          -j, --jobs N              parallel runs (default: number of cores)
          --timeout SECONDS         per-run timeout (SIGTERM to the group, then SIGKILL)
          --per-test                one process per test (default: shards of tests, attributed by stack)
          --no-split, --no-per-test run each test binary whole (tests that must share one process)
          --partition KIND:K/N      run part K of N: count:K/N, hash:K/N or slice:K/N (as cargo-nextest)
          --require CHECKERS        checkers that may not be skipped (e.g. valgrind,asan): a missing one is
                                    exit 3 naming the install step; with CI set, every checker is required
          --respect-sanitizer-options  keep your ASAN_OPTIONS/LSAN_OPTIONS (the run is then informational)
          --toolchain nightly|stable  sanitizer toolchain (default: nightly if installed)
          -v, --verbose / -q, --quiet
        """

    /// One COMMANDS line per registered checker, from its definition.
    static var checkerCommands: String {
        CheckerRegistry.all.map { d in
            let name = d.checker.rawValue
            return "  " + name + String(repeating: " ", count: max(1, 26 - name.count)) + d.commandSummary
        }.joined(separator: "\n")
    }

    static let globalHelp = """
        moq-leakcheck \(LeakCheckVersion.string): leak-test runner for Rust C-ABI crates and C/C++ test programs

        USAGE:
          moq-leakcheck [COMMAND] [OPTIONS] [-- PROGRAM ARGS...]

        COMMANDS:
          all                       run every available checker (valgrind, then asan); the default
        \(checkerCommands)
          parse FILE...             parse existing valgrind XML/text or sanitizer logs
          merge REPORT.json...      combine --partition reports into one verdict
          baseline PATH             run the checkers and write a baseline for --baseline
          doctor                    which checkers and toolchains are available
          suppressions check [--strict] FILE...  validate suppression files
          help [COMMAND]            this help, or one command's help with examples

        \(runOptions)
          -h, --help / -V, --version

        EXAMPLES:
          moq-leakcheck valgrind --manifest-path moq_ffi/Cargo.toml
          moq-leakcheck asan --json leaks.json -- ./build/test_client
          cargo leakcheck valgrind  (when installed with scripts/install.sh)

        \(exitCodes)
        """
}
