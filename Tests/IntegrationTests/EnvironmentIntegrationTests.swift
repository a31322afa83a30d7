import Foundation
import Testing

@testable import LeakCheck

/// Issue 21, "The user's environment opens the gate": a 40-byte leak
/// (`Tests/Fixtures/c/leak40.c`) hidden by the environment the checkers read
/// still gates, or the run says it cannot be trusted; never exit 0 with no note.
@Suite struct EnvironmentIntegrationTests {
    /// An LSan and a valgrind suppression file that hide the leak, and option files that switch the gate off.
    static func hidingFiles() throws -> String {
        let dir = Tool.tempDir("env-files")
        try "{\n  hide\n  Memcheck:Leak\n  ...\n  fun:leak_forty\n}\n".write(
            toFile: dir + "/hide.supp", atomically: true, encoding: .utf8)
        try "leak:leak_forty\n".write(toFile: dir + "/lsan.supp", atomically: true, encoding: .utf8)
        try "detect_leaks=0\n".write(toFile: dir + "/off.opts", atomically: true, encoding: .utf8)
        try "exitcode=0 leak_check_at_exit=0\n".write(toFile: dir + "/quiet.opts", atomically: true, encoding: .utf8)
        return dir
    }

    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["VALGRIND_OPTS", "ASAN_OPTIONS", "LSAN_OPTIONS"] { env[key] = nil }
        for (k, v) in extra { env[k] = v }
        return env
    }

    @Test func valgrindOptsSuppressionsAreDroppedWithANote() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let files = try Self.hidingFiles()
        let bin = try Tool.compileC("leak40")
        let r = try Tool.run(
            ["valgrind", "--", bin], tag: "env-vgopts",
            environment: Self.environment(["VALGRIND_OPTS": "--suppressions=\(files)/hide.supp"]))
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.tally("definitelyLost") == (40, 1))
        #expect(r.combined.contains("note: VALGRIND_OPTS: dropped --suppressions=\(files)/hide.supp"), "\(r.combined)")
    }

    /// valgrind reads `./.valgrindrc` (in the test's working directory) and
    /// `~/.valgrindrc` itself: the tool cannot stop it, so the suppression
    /// valgrind applied makes the run incomplete, naming it.
    @Test(arguments: ["working directory", "home"])
    func aValgrindrcSuppressionMakesTheRunIncomplete(place: String) throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let files = try Self.hidingFiles()
        let bin = try Tool.compileC("leak40")
        let dir = Tool.tempDir("env-vgrc")
        let home = Tool.tempDir("env-home")
        let rc = (place == "home" ? home : dir) + "/.valgrindrc"
        try "--suppressions=\(files)/hide.supp\n".write(toFile: rc, atomically: true, encoding: .utf8)
        let r = try Tool.run(
            ["valgrind", "--", bin], tag: "env-vgrc", environment: Self.environment(["HOME": home]), in: dir)
        #expect(r.exitCode == 3, "\(r.combined)")
        let reason = r.runs.first?["incompleteReason"] as? String ?? ""
        #expect(reason.contains("valgrind ran with --suppressions=\(files)/hide.supp"), "\(reason)")
        #expect(reason.contains(".valgrindrc"))
    }

    static let sanitizerCases: [(checker: String, variable: String, value: String)] = [
        ("asan", "ASAN_OPTIONS", "include=FILES/off.opts"),
        ("asan", "ASAN_OPTIONS", "include_if_exists=FILES/quiet.opts"),
        ("asan", "LSAN_OPTIONS", "include=FILES/off.opts"),
        ("asan", "LSAN_OPTIONS", "suppressions=FILES/lsan.supp"),
        ("asan", "LSAN_OPTIONS", "leak_check_at_exit=0"),
        ("lsan", "LSAN_OPTIONS", "include=FILES/quiet.opts"),
        ("lsan", "LSAN_OPTIONS", "suppressions=FILES/lsan.supp"),
    ]

    @Test(arguments: 0..<sanitizerCases.count)
    func sanitizerOptionsCannotHideTheLeak(index: Int) throws {
        let c = Self.sanitizerCases[index]
        let files = try Self.hidingFiles()
        let value = c.value.replacingOccurrences(of: "FILES", with: files)
        let bin = try Tool.compileC("leak40", flags: [c.checker == "asan" ? "-fsanitize=address" : "-fsanitize=leak"])
        let r = try Tool.run(
            [c.checker, "--", bin], tag: "env-\(c.checker)", environment: Self.environment([c.variable: value]))
        #expect(r.exitCode == 1, "\(c.variable)=\(value): \(r.combined)")
        #expect(r.tally("definitelyLost") == (40, 1), "\(c.variable)=\(value)")
        // Every path says what it did with the user's option.
        let notes = (r.json?["notes"] as? [String] ?? []).joined(separator: "\n")
        #expect(notes.contains(value.hasPrefix("suppressions=") ? value : "=0"), "\(notes)")
    }

    /// Issue 21, missing tests: a finding `--baseline` knows does not gate; a new one does.
    @Test func aBaselineRunGatesOnlyOnTheNewFinding() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let known = try Tool.compileC("leak40")
        let base = Tool.tempDir("env-baseline") + "/known.json"
        // `baseline` runs what `all` runs: asan cannot check this uninstrumented program and is
        // skipped with its reason, with `CI` set (as on CI machines) too.
        let b = try Tool.run(["baseline", base, "--", known], tag: "env-baseline-write")
        #expect(b.exitCode == 0, "\(b.combined)")
        let again = try Tool.run(["valgrind", "--baseline", base, "--", known], tag: "env-baseline-known")
        #expect(again.exitCode == 0, "\(again.combined)")
        #expect(again.tally("definitelyLost") == (40, 1))
        let withNew = try Tool.compileC("leak40", flags: ["-DSECOND_LEAK"])
        let r = try Tool.run(["valgrind", "--baseline", base, "--", withNew], tag: "env-baseline-new")
        #expect(r.exitCode == 1, "\(r.combined)")
        let findings = r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
        let marks = findings.map { ($0["bytes"] as? Int ?? -1, $0["baseline"] as? String ?? "") }
        #expect(marks.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" } == ["24 new", "40 known"])
    }

    /// Issue 21, "Names are data", end to end: a program path holding a newline and a
    /// workflow command, under `GITHUB_ACTIONS=true`. (valgrind writes the path into its
    /// XML as it is; XML cannot hold an ESC, so a path with one is refused as malformed,
    /// exit 3: the ESC case runs under ASan below.)
    @Test func aHostilePathStartsNoWorkflowCommand() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let bin = try Tool.compileC("leak40")
        let evil = Tool.tempDir("env-names") + "/evil\n::error title=injected::x"
        try FileManager.default.createDirectory(atPath: evil, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin, toPath: evil + "/prog")
        let r = try Tool.run(
            ["valgrind", "--", evil + "/prog"], tag: "env-names",
            environment: Self.environment(["GITHUB_ACTIONS": "true"]))
        #expect(r.exitCode == 1, "\(r.combined)")
        let lines = r.combined.split(separator: "\n").map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
        let commands = lines.filter { $0.hasPrefix("::") }
        // The tool's own annotation, and nothing the path injected.
        #expect(commands.count == 1 && commands.allSatisfy { $0.hasPrefix("::error file=") }, "\(commands)")
        #expect(r.stderr.contains("\\::error title=injected::x/prog"), "\(r.stderr)")
        let text = try #require(r.file("valgrind-report.txt"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("::") })
    }

    /// The same with an OSC escape sequence and a BEL in the path, under ASan (a text log):
    /// no control byte reaches the console or the report raw.
    @Test func aControlSequenceInAPathReachesNoOutputRaw() throws {
        let bin = try Tool.compileC("leak40", flags: ["-fsanitize=address"])
        let evil = Tool.tempDir("env-names-esc") + "/evil\n::error title=injected::x\u{1B}]0;title\u{07}"
        try FileManager.default.createDirectory(atPath: evil, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin, toPath: evil + "/prog")
        let r = try Tool.run(
            ["asan", "--", evil + "/prog"], tag: "env-names-esc",
            environment: Self.environment(["GITHUB_ACTIONS": "true"]))
        #expect(r.exitCode == 1, "\(r.combined)")
        let lines = r.combined.split(separator: "\n").map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
        #expect(lines.filter { $0.hasPrefix("::") }.allSatisfy { $0.hasPrefix("::error file=") })
        #expect(!r.combined.contains("\u{1B}") && !r.combined.contains("\u{07}"))
        #expect(r.stderr.contains("\\::error title=injected::x\\e]0;title\\u{7}/prog"), "\(r.stderr)")
        let text = try #require(r.file("sanitizer-report.txt"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("::") } && !text.contains("\u{1B}"))
    }
}
