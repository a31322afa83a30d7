import Foundation
import Testing

@testable import LeakCheck

/// Golden tests of the built binary's console: each folder of Tests/Fixtures/cli holds
/// `args` (one argument per line), an optional `env` (KEY=VALUE lines added to a
/// colour-neutral environment), and the exact `expected-stdout`, `expected-stderr` and
/// `expected-exit`. `UPDATE_GOLDEN=1 swift test --filter CLIGoldenTests` rewrites the
/// expected files from the binary; review the diff before committing it.
@Suite struct CLIGoldenTests {
    static let root = Tool.fixtures.appendingPathComponent("cli")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    /// The folder list itself is part of the contract: a lost folder fails here.
    @Test func everyCaseIsPresent() {
        #expect(
            Self.cases == [
                "colour-forced", "help", "help-unknown-command", "help-valgrind", "no-color-wins", "parse-help",
                "parse-leaks-colour-forced", "parse-leaks-no-color", "typo-command", "typo-flag",
                "unknown-flag-no-suggestion", "valgrind-help", "version",
            ])
    }

    @Test(arguments: cases)
    func golden(name: String) throws {
        let dir = Self.root.appendingPathComponent(name)
        func read(_ file: String) -> String? {
            try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        }
        let args = try #require(read("args"), "\(name)/args is missing").split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { $0.replacingOccurrences(of: "@FIXTURES@", with: Tool.fixtures.path) }.dropLast()  // the file ends with a newline
        var env = ProcessInfo.processInfo.environment
        // What decides colour or defaults must come from the case alone.
        for key in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "MOQ_LEAKCHECK_HOME", "GITHUB_ACTIONS"] {
            env.removeValue(forKey: key)
        }
        for line in (read("env") ?? "").split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            env[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        let r = try Tool.run(Array(args), tag: "golden-\(name)", environment: env, timeout: 60, json: false)
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try r.stdout.write(to: dir.appendingPathComponent("expected-stdout"), atomically: true, encoding: .utf8)
            try r.stderr.write(to: dir.appendingPathComponent("expected-stderr"), atomically: true, encoding: .utf8)
            try "\(r.exitCode.map(String.init) ?? "signal \(r.signal ?? -1)")\n".write(
                to: dir.appendingPathComponent("expected-exit"), atomically: true, encoding: .utf8)
            return
        }
        let exit = try #require(read("expected-exit"), "\(name)/expected-exit is missing")
        #expect(r.exitCode == Int32(exit.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name): \(r.combined)")
        #expect(r.stdout == read("expected-stdout"), "\(name): stdout differs")
        #expect(r.stderr == read("expected-stderr"), "\(name): stderr differs")
    }

    /// `COMMAND --help` and `help COMMAND` are the same text, and not the global help.
    @Test func commandHelpIsTheSameBothWays() throws {
        let a = try String(
            contentsOf: Self.root.appendingPathComponent("help-valgrind/expected-stdout"), encoding: .utf8)
        let b = try String(
            contentsOf: Self.root.appendingPathComponent("valgrind-help/expected-stdout"), encoding: .utf8)
        let global = try String(contentsOf: Self.root.appendingPathComponent("help/expected-stdout"), encoding: .utf8)
        #expect(a == b)
        #expect(a != global)
        #expect(a == Options.helpText(for: .valgrind) + "\n")
        #expect(global == Options.helpText(for: nil) + "\n")
    }
}
