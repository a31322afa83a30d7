import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// The second-round contract options (CTest, over-broad suppressions, scale, outputs)
/// and the new commands: each parses to the documented field, and each misuse is one line.
@Suite struct OptionsContractTests {
    func usageError(_ args: [String]) -> String? {
        #expect(throws: UsageError.self) { try Options.parse(args) }?.message
    }

    @Test func ctestAndCmakeOptions() throws {
        let o = try Options.parse([
            "asan", "--manifest-path", "moq_ffi/Cargo.toml", "--ctest", "build-a", "--ctest=build-b",
            "--ctest-args", "-R 'net io' -E slow", "--ctest-args=-L fast", "--cmake-source", "moq_ffi/c_tests",
            "--cmake-arg", "-DMOQFFI_LIB_DIR={crate_lib_dir}", "--cmake-arg=-DX=Y", "--ffi-header", "include/a.h",
        ])
        #expect(o.ctestDirs == ["build-a", "build-b"])
        #expect(o.ctestArgs == ["-R", "net io", "-E", "slow", "-L", "fast"])
        #expect(o.cmakeSource == "moq_ffi/c_tests")
        #expect(o.cmakeArgs == ["-DMOQFFI_LIB_DIR={crate_lib_dir}", "-DX=Y"])
        #expect(o.ffiHeaders == ["include/a.h"])
    }

    @Test func overBroadSuppressionsGateByDefault() throws {
        let plain = try Options.parse(["valgrind"])
        #expect(!plain.allowBroadSuppressions && plain.policy.gateOverBroadSuppressions)
        // The old opt-in is an accepted no-op: the default already gates.
        let strict = try Options.parse(["valgrind", "--strict-suppressions"])
        #expect(!strict.allowBroadSuppressions && strict.policy.gateOverBroadSuppressions)
        let allow = try Options.parse(["valgrind", "--allow-broad-suppressions", "--strict-suppressions"])
        #expect(allow.allowBroadSuppressions && !allow.policy.gateOverBroadSuppressions)
        var f = Finding(kind: .definitelyLost, rawKind: "", bytes: 91, blocks: 4, message: "")
        f.overBroadSuppression = OverBroadSuppression(name: "rust_runtime_init", source: "g.supp:1")
        #expect(plain.policy.gates(f))
    }

    @Test func scaleAndOutputOptions() throws {
        let o = try Options.parse([
            "valgrind", "--no-split", "--partition", "hash:2/3", "--sarif", "r.sarif", "--html=r.html",
            "--baseline", "old.json", "--respect-sanitizer-options", "--per-test",
        ])
        #expect(o.noSplit)
        #expect(o.partition == "hash:2/3")
        #expect(o.partitionSpec == Partition(kind: .hash, index: 2, total: 3))
        #expect(o.sarifPath == "r.sarif" && o.htmlPath == "r.html" && o.baselinePath == "old.json")
        #expect(o.respectSanitizerOptions)
        #expect(o.perTest == true)
        let d = try Options.parse([])
        #expect(!d.noSplit && d.partition == nil && d.partitionSpec == nil && !d.respectSanitizerOptions)
        #expect(d.sarifPath == nil && d.htmlPath == nil && d.baselinePath == nil)
        #expect(
            d.ctestDirs == [] && d.ctestArgs == [] && d.cmakeSource == nil && d.cmakeArgs == [] && d.ffiHeaders == [])
    }

    @Test func mergeBaselineAndHelpCommands() throws {
        let m = try Options.parse(["merge", "p1.json", "p2.json", "--json", "all.json", "p3.json"])
        #expect(
            m.subcommand == .merge && m.positional == ["p1.json", "p2.json", "p3.json"] && m.jsonPath == "all.json")
        #expect(m.subcommand.checkers == [])
        let b = try Options.parse(["baseline", "base.json", "--manifest-path", "x/Cargo.toml"])
        #expect(b.subcommand == .baseline && b.baselineOutputPath == "base.json" && b.manifestPath == "x/Cargo.toml")
        #expect(b.subcommand.checkers == [.valgrind, .asan])
        #expect(!b.explicitSubcommand)
        #expect(try Options.parse(["valgrind"]).baselineOutputPath == nil)
    }

    @Test(
        arguments: [
            (["help"], nil),
            (["--help"], nil),
            (["-h"], nil),
            (["help", "valgrind"], Subcommand.valgrind),
            (["valgrind", "--help"], .valgrind),
            (["--help", "valgrind"], .valgrind),
            (["parse", "--help"], .parse),
            (["suppressions", "-h"], .suppressions),
            (["merge", "--help"], .merge),
            (["help", "--help"], .help),
            (["help", "merge"], .merge),
        ] as [([String], Subcommand?)])
    func helpTopic(args: [String], topic: Subcommand?) throws {
        let o = try Options.parse(args)
        #expect(o.showHelp)
        #expect(o.helpTopic == topic)
    }

    @Test func eachCommandHasItsOwnHelpWithExamples() {
        let global = Options.helpText(for: nil)
        #expect(Options.helpText == global)
        var seen: Set<String> = [global]
        for sub in Subcommand.allCases {
            let text = Options.helpText(for: sub)
            #expect(text.hasPrefix("moq-leakcheck \(sub.rawValue): "), "\(sub)")
            #expect(text.contains("\nEXAMPLES:\n  moq-leakcheck"), "\(sub)")
            #expect(text.contains("EXIT CODES:"), "\(sub)")
            #expect(seen.insert(text).inserted, "\(sub) help repeats another help")
            #expect(global.contains("\n  \(sub.rawValue) "), "global help lists \(sub)")
        }
    }

    /// Every flag the parser accepts is in the suggestion list and in the global help,
    /// so neither can drift from the parser.
    @Test func knownFlagsAreParsedAndDocumented() throws {
        let needsValue: [String: String] = [
            "--manifest-path": "x", "--features": "a", "-F": "a", "--feature-set": "a", "--ctest": "b",
            "--ctest-args": "-R x", "--cmake-source": "s", "--cmake-arg": "-DX=1", "--ffi-header": "h",
            "--suppressions": "s", "--gen-suppressions": "g", "--report-dir": "d", "--json": "j", "--junit": "u",
            "--sarif": "s", "--html": "h", "--baseline": "b", "--fail-on": "all", "--jobs": "2", "-j": "2",
            "--timeout": "1", "--partition": "count:1/2", "--require": "valgrind", "--toolchain": "stable",
            "--skip": "slow", "--test": "errors",
        ]
        let help = Options.helpText(for: nil)
        for flag in Options.knownFlags {
            var args = ["valgrind", flag]
            if let v = needsValue[flag] { args.append(v) }
            if flag == "--ctest-args" { args += ["--ctest", "b"] }
            if flag == "--cmake-arg" { args += ["--cmake-source", "s"] }
            if flag == "--exact" { args.append("a_test_name") }
            #expect(throws: Never.self, "\(flag)") { try Options.parse(args) }
            if flag != "--strict-suppressions" {
                #expect(help.contains(flag), "\(flag) is not in --help")
            }
        }
    }

    @Test(arguments: [
        (["--manifest-pth", "x"], "unknown option '--manifest-pth': did you mean --manifest-path? (see --help)"),
        (["--manifest", "x"], "unknown option '--manifest': did you mean --manifest-path? (see --help)"),
        (["--jbos", "2"], "unknown option '--jbos': did you mean --jobs? (see --help)"),
        (
            ["--no-defualt-suppressions"],
            "unknown option '--no-defualt-suppressions': did you mean --no-default-suppressions? (see --help)"
        ),
        (["--cteset", "b"], "unknown option '--cteset': did you mean --ctest? (see --help)"),
        (["--sarfi=x"], "unknown option '--sarfi': did you mean --sarif? (see --help)"),
        (["--bogus"], "unknown option '--bogus' (see --help)"),
        (["-x"], "unknown option '-x' (see --help)"),
        (
            ["valgrnd"],
            "unknown command 'valgrnd': did you mean valgrind? (commands: all, valgrind, asan, lsan, quick, helgrind, tsan, parse, doctor, suppressions, merge, baseline, help)"
        ),
        (
            ["docter"],
            "unknown command 'docter': did you mean doctor? (commands: all, valgrind, asan, lsan, quick, helgrind, tsan, parse, doctor, suppressions, merge, baseline, help)"
        ),
        (
            ["help", "asna"],
            "help: unknown command 'asna': did you mean asan? (commands: all, valgrind, asan, lsan, quick, helgrind, tsan, parse, doctor, suppressions, merge, baseline, help)"
        ),
        (["help", "valgrind", "asan"], "usage: moq-leakcheck help [COMMAND]"),
        (["--partition", "count:0/3"], "--partition 'count:0/3': K must be between 1 and N (3)"),
        (["--partition", "count:4/3"], "--partition 'count:4/3': K must be between 1 and N (3)"),
        (["--partition", "hash:1/0"], "--partition 'hash:1/0': K must be between 1 and N (0)"),
        (["--partition", "modulo:1/2"], "--partition 'modulo:1/2': expected count:K/N, hash:K/N or slice:K/N"),
        (["--partition", "count:1"], "--partition 'count:1': expected count:K/N with whole numbers K and N"),
        (["--partition", "slice:a/2"], "--partition 'slice:a/2': expected slice:K/N with whole numbers K and N"),
        (["--partition", "2/3"], "--partition '2/3': expected count:K/N, hash:K/N or slice:K/N"),
        (["--partition", "count:+1/2"], "--partition 'count:+1/2': expected count:K/N with whole numbers K and N"),
        (["--ctest", ""], "--ctest needs a CMake build directory, got an empty value"),
        (["--sarif="], "--sarif needs a file, got an empty value"),
        (["--ctest", "b", "--ctest-args", "-R 'unclosed"], "--ctest-args: unclosed ' in \"-R 'unclosed\""),
        (["--cmake-arg", "-DX=1"], "--cmake-arg needs --cmake-source DIR (the project to configure)"),
        (["--ctest-args", "-R x"], "--ctest-args needs --ctest BUILD_DIR or --cmake-source DIR"),
        (["--cmake-source", "a", "--cmake-source", "b"], "--cmake-source can be given once"),
        (["--ffi-header", "a.h", "--ffi-header", "b.h"], "--ffi-header can be given once"),
        (["merge"], "merge needs at least one REPORT.json (the --json output of each partition)"),
        (
            ["merge", "a.json", "--partition", "count:1/2"],
            "--partition selects part of a run; merge combines the partitions' reports"
        ),
        (["baseline"], "usage: moq-leakcheck baseline PATH [run options] (writes a baseline from this run)"),
        (
            ["baseline", "a.json", "b.json"],
            "usage: moq-leakcheck baseline PATH [run options] (writes a baseline from this run)"
        ),
    ])
    func usageErrors(args: [String], message: String) {
        #expect(usageError(args) == message)
    }

    @Test func helpNeverFailsOnTheRestOfTheLine() throws {
        // `parse --help` with no files, `merge -h` with none: help, not a usage error.
        #expect(try Options.parse(["parse", "--help"]).showHelp)
        #expect(try Options.parse(["merge", "-h"]).showHelp)
        #expect(try Options.parse(["baseline", "--help"]).helpTopic == .baseline)
        #expect(try Options.parse(["parse", "--version"]).showVersion)
        #expect(!(try Options.parse(["parse", "--version"]).showHelp))
    }

    @Test func validatePathsNamesTheFlag() throws {
        let dir = Scratch.directory + "opts-paths-\(getpid())-\(UUID().uuidString.prefix(6))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/build", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/src", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        func error(_ args: [String]) throws -> String? {
            let o = try Options.parse(args)
            return #expect(throws: UsageError.self) { try o.validatePaths() }?.message
        }
        #expect(try error(["--ctest", dir + "/nope"]) == "--ctest \(dir)/nope: no such directory")
        #expect(
            try error(["--ctest", dir + "/build"])
                == "--ctest \(dir)/build: not a CMake build tree with tests (no CTestTestfile.cmake; configure it with enable_testing())"
        )
        #expect(try error(["--cmake-source", dir + "/src"]) == "--cmake-source \(dir)/src: no CMakeLists.txt there")
        #expect(try error(["--ffi-header", dir + "/x.h"]) == "--ffi-header \(dir)/x.h: cannot read the file")
        #expect(try error(["--baseline", dir]) == "--baseline \(dir): cannot read the file")
        #expect(try error(["merge", dir + "/p1.json"]) == "merge: cannot read \(dir)/p1.json")
        try "".write(toFile: dir + "/build/CTestTestfile.cmake", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/src/CMakeLists.txt", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/x.h", atomically: true, encoding: .utf8)
        let ok = try Options.parse([
            "--ctest", dir + "/build", "--cmake-source", dir + "/src", "--ffi-header", dir + "/x.h",
        ])
        #expect(throws: Never.self) { try ok.validatePaths() }
    }
}

@Suite struct ShellWordsTests {
    @Test(arguments: [
        ("-R pat -E pat -L label", ["-R", "pat", "-E", "pat", "-L", "label"]),
        ("  -R   'a b'  ", ["-R", "a b"]),
        ("-R \"x \\\"y\\\" \\\\ \\n\"", ["-R", "x \"y\" \\ \\n"]),
        ("a\\ b c", ["a b", "c"]),
        ("''", [""]),
        ("-R'^net'", ["-R^net"]),
        ("", []),
    ])
    func splits(text: String, words: [String]) throws {
        #expect(try ShellWords.split(text) == words)
    }

    @Test func unclosedQuotesAndTrailingBackslashAreErrors() {
        #expect(
            #expect(throws: UsageError.self) { try ShellWords.split("\"abc") }?.message == "unclosed \" in \"\"abc\"")
        #expect(
            #expect(throws: UsageError.self) { try ShellWords.split("abc\\") }?.message == "trailing \\ in \"abc\\\"")
    }
}

@Suite struct SuggestionsTests {
    @Test func distances() {
        #expect(Spelling.distance("--jobs", "--jbos") == 1)
        #expect(Spelling.distance("valgrind", "valgrnd") == 1)
        #expect(Spelling.distance("kitten", "sitting") == 3)
        #expect(Spelling.distance("", "abc") == 3)
    }

    @Test func noSuggestionForUnrelatedWords() {
        #expect(Suggestions.closest(to: "--bogus", in: Options.knownFlags) == nil)
        #expect(Suggestions.closest(to: "frobnicate", in: Subcommand.allCases.map(\.rawValue)) == nil)
        #expect(Suggestions.closest(to: "--", in: Options.knownFlags) == nil)
    }
}

@Suite struct ArgvNormalizerTests {
    @Test func cargoSubcommandDropsItsOwnName() {
        #expect(
            ArgvNormalizer.arguments(fromArgv: ["/opt/bin/cargo-leakcheck", "leakcheck", "valgrind", "-j", "2"]) == [
                "valgrind", "-j", "2",
            ])
        #expect(ArgvNormalizer.arguments(fromArgv: ["cargo-leakcheck", "leakcheck"]) == [])
        // Called directly as cargo-leakcheck without cargo: nothing to drop.
        #expect(ArgvNormalizer.arguments(fromArgv: ["cargo-leakcheck", "valgrind"]) == ["valgrind"])
        // moq-leakcheck keeps a first word `leakcheck` (then an unknown command, reported as such).
        #expect(
            ArgvNormalizer.arguments(fromArgv: ["/usr/bin/moq-leakcheck", "leakcheck", "valgrind"]) == [
                "leakcheck", "valgrind",
            ])
        #expect(ArgvNormalizer.arguments(fromArgv: []) == [])
    }
}
