import Foundation
import Testing

@testable import LeakCheck

/// Every error a user can cause: one line on stderr, the documented exit code.
@Suite struct CLIErrorTests {
    @Test(arguments: [
        (["--bogus"], "error: unknown option '--bogus' (see --help)"),
        (
            ["valgrind", "--report-dir", "/proc/no-such-dir"],
            "error: --report-dir /proc/no-such-dir: cannot create the directory"
        ),
        (
            ["valgrind", "--json", "/proc/no-such-dir/r.json", "--", "/bin/true"],
            "error: --json /proc/no-such-dir/r.json: cannot write there"
        ),
        (
            ["valgrind", "--manifest-path", "/nonexistent/Cargo.toml"],
            "error: --manifest-path /nonexistent/Cargo.toml: no such Cargo.toml"
        ),
        (["valgrind", "--", "/nonexistent/prog"], "error: /nonexistent/prog: no such executable"),
        (["parse", "/nonexistent.xml"], "error: parse: cannot read /nonexistent.xml"),
        (
            ["valgrind", "--suppressions", "/nonexistent.supp", "--", "/bin/true"],
            "error: --suppressions /nonexistent.supp: cannot read the file"
        ),
    ])
    func usageErrorsExitTwoWithOneLine(args: [String], line: String) throws {
        let r = try Tool.run(args, tag: "cli-err", json: false)
        #expect(r.exitCode == 2, "\(r.combined)")
        #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == line)
    }

    @Test func emptyOrForeignLogsAreNeverClean() throws {
        let dir = Tool.tempDir("cli-logs")
        try "".write(toFile: dir + "/empty.xml", atomically: true, encoding: .utf8)
        try "just some program output\n".write(toFile: dir + "/other.log", atomically: true, encoding: .utf8)
        for file in ["empty.xml", "other.log"] {
            let r = try Tool.run(["parse", dir + "/" + file], tag: "cli-parse")
            #expect(r.exitCode == 3, "\(file): \(r.combined)")
            #expect(r.json?["status"] as? String == "incomplete")
        }
    }

    @Test func checkerSuppressionCountsAreCarriedIntoTheReport() throws {
        let log = Tool.fixtures.appendingPathComponent("logs/valgrind/leak-kinds-suppressed.xml").path
        let r = try Tool.run(["parse", log], tag: "cli-suppcounts")
        #expect(r.exitCode == 1)
        let usage = r.json?["suppressions"] as? [[String: Any]] ?? []
        let row = usage.first { $0["name"] as? String == "leak_kinds_indirect_children" }
        #expect(row?["checkerCount"] as? Int == 2)
        #expect(r.file("valgrind-report.txt")?.contains("(checker counted 2)") == true)
    }

    @Test func verboseShowsTheCheckerCommandAndQuietShowsNothingOnSuccess() throws {
        let verbose = try Tool.run(["valgrind", "--verbose", "--", "/bin/true"], tag: "cli-verbose")
        #expect(verbose.exitCode == 0)
        #expect(verbose.stderr.contains("run: valgrind --tool=memcheck"), "\(verbose.stderr)")
        let quiet = try Tool.run(["valgrind", "--quiet", "--", "/bin/true"], tag: "cli-quiet")
        #expect(quiet.exitCode == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.combined)")
    }

    @Test func helpAndVersion() throws {
        let help = try Tool.run(["--help"], tag: "cli-help", json: false)
        #expect(help.exitCode == 0 && help.stdout.contains("EXIT CODES"))
        let version = try Tool.run(["--version"], tag: "cli-version", json: false)
        #expect(version.stdout.hasPrefix("moq-leakcheck "))
    }
}
