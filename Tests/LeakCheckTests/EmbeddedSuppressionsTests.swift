import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// The binary carries its default suppressions (issue 11): the generated
/// EmbeddedSuppressions.swift must equal suppressions/ byte for byte, and the
/// defaults come from it unless MOQ_LEAKCHECK_HOME points elsewhere.
@Suite struct EmbeddedSuppressionsTests {
    static let folder = Paths.repoRoot.appendingPathComponent("suppressions")

    /// Fails when someone edits suppressions/ without running scripts/gen-embedded-suppressions.sh.
    @Test func generatedFileMatchesTheShippedFolder() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        let expected = names.filter { $0.hasSuffix(".supp") }.sorted() + names.filter { $0.hasSuffix(".lsan") }.sorted()
        #expect(EmbeddedSuppressions.files.map(\.name) == expected, "run scripts/gen-embedded-suppressions.sh")
        for (name, text) in EmbeddedSuppressions.files {
            let onDisk = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(
                text == onDisk, "\(name) differs from suppressions/\(name): run scripts/gen-embedded-suppressions.sh")
        }
    }

    @Test func embeddedByDefaultWithRealLineNumbers() throws {
        #expect(DefaultSuppressions.origin(environment: [:]) == .embedded)
        #expect(DefaultSuppressions.origin(environment: ["MOQ_LEAKCHECK_HOME": ""]) == .embedded)
        let sources = try DefaultSuppressions.sources(environment: [:])
        #expect(sources.map(\.name) == ["<embedded>/rust-std.supp", "<embedded>/rust-std.lsan"])
        let entries = try DefaultSuppressions.load(environment: [:])
        #expect(
            entries.map(\.name) == [
                "rust-std-main-thread-handle", "rust-std-stack-overflow-thread-info", "glibc-thread-tls-at-exit",
            ])
        #expect(entries.map(\.file) == Array(repeating: "<embedded>/rust-std.supp", count: 3))
        // The `{` lines of suppressions/rust-std.supp.
        #expect(entries.map(\.line) == [30, 45, 63])
        // Same entries as parsing the checkout's files.
        let fromDisk = try DefaultSuppressions.files(toolRoot: Paths.repoRoot.path).flatMap(SuppressionParser.parseFile)
        #expect(entries.map(\.frames) == fromDisk.map(\.frames))
        #expect(entries.map(\.line) == fromDisk.map(\.line))
    }

    @Test func homeOverridesWithTheFilesOnDisk() throws {
        let home = Scratch.directory + "leakcheck-home-\(getpid())-\(UUID().uuidString.prefix(6))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: home + "/suppressions", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: home) }
        let env = ["MOQ_LEAKCHECK_HOME": home]
        #expect(
            #expect(throws: UsageError.self) { try DefaultSuppressions.load(environment: env) }?.message
                == "MOQ_LEAKCHECK_HOME=\(home): no suppressions/*.supp or *.lsan there (unset it to use the built-in defaults)"
        )
        try "leak:my_runtime_init\n".write(toFile: home + "/suppressions/a.lsan", atomically: true, encoding: .utf8)
        try "\n{\n   mine\n   Memcheck:Leak\n   fun:malloc\n   fun:my_init\n}\n".write(
            toFile: home + "/suppressions/b.supp", atomically: true, encoding: .utf8)
        #expect(DefaultSuppressions.origin(environment: env) == .home(home))
        let entries = try DefaultSuppressions.load(environment: env)
        // valgrind's files first, then LSan's.
        #expect(entries.map(\.name) == ["mine", "leak:my_runtime_init"])
        #expect(entries.map(\.file) == [home + "/suppressions/b.supp", home + "/suppressions/a.lsan"])
        #expect(entries.map(\.line) == [2, 1])
        try "{\n   broken\n   Memcheck:Leak\n".write(
            toFile: home + "/suppressions/b.supp", atomically: true, encoding: .utf8)
        #expect(throws: SuppressionFileError.self) { try DefaultSuppressions.load(environment: env) }
    }

    /// The generator script agrees with the committed file (it is what keeps them equal).
    @Test func generatorCheckModePasses() throws {
        let script = Paths.repoRoot.appendingPathComponent("scripts/gen-embedded-suppressions.sh").path
        let out = Scratch.directory + "gen-check-\(getpid())-\(UUID().uuidString.prefix(6)).log"
        defer { unlink(out) }
        let r = try Supervisor().run(
            ProcessSpec(executable: "/bin/bash", arguments: [script, "--check"], stdoutPath: out, stderrPath: out))
        #expect(r.exitCode == 0, "\((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
    }
}

/// `doctor`'s verdict: exit 3 when something a run needs is missing, with the report kept.
@Suite struct DoctorTests {
    @Test func missingCheckersMakeDoctorExitThree() throws {
        let empty = Scratch.directory + "doctor-empty-path-\(getpid())"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let checks = Doctor.checks(environment: ["PATH": empty], toolRoot: nil)
        #expect(
            checks.map(\.name) == [
                "valgrind", "cargo (stable)", "cargo +nightly", "rustc host", "Rust sanitizer builds",
                "quick (preloaded ASan runtime)", "helgrind (valgrind --tool=helgrind)", "tsan (ThreadSanitizer)",
                "llvm-symbolizer",
                "gcc", "clang", "cmake", "ctest", "default suppressions",
            ])
        #expect(checks.filter(\.found).map(\.name) == ["default suppressions"])
        // Without CI or --require, `all` skips a missing checker: doctor only warns about it.
        #expect(
            checks.filter(\.required).map(\.name) == [
                "cargo (stable)", "rustc host", "default suppressions",
            ])
        let console = Console(environment: ["NO_COLOR": "1"])
        let (lines, code) = Doctor.report(checks, console: console)
        #expect(code == 3)
        #expect(
            lines.first
                == "! valgrind: not found: `all` skips it (required with --require valgrind or CI set)  → apt-get install valgrind"
        )
        #expect(
            lines.contains("! llvm-symbolizer: not found: sanitizer stacks may be unsymbolized  → apt-get install llvm")
        )
        #expect(
            lines.contains(
                "✓ default suppressions: built in: <embedded>/rust-std.supp (3 entries), <embedded>/rust-std.lsan (0 entries)"
            ))
        #expect(
            lines.suffix(2) == [
                "checkers: valgrind missing, asan/lsan missing, quick missing, helgrind missing, tsan missing",
                "✗ missing what a run needs: cargo (stable), rustc host",
            ])
    }

    @Test func allRequiredPresentIsExitZeroEvenWithOptionalMissing() {
        let checks = [
            Doctor.Check(name: "valgrind", found: true, detail: "valgrind-3.19.0", hint: "", required: true),
            Doctor.Check(name: "Rust sanitizer builds", found: true, detail: "cargo +nightly", hint: ""),
            Doctor.Check(name: "quick (preloaded ASan runtime)", found: true, detail: "clang's libasan", hint: ""),
            Doctor.Check(name: "tsan (ThreadSanitizer)", found: true, detail: "C: gcc", hint: ""),
            Doctor.Check(name: "clang", found: false, detail: "not found", hint: "apt-get install clang"),
        ]
        let (lines, code) = Doctor.report(checks, console: Console(environment: ["NO_COLOR": "1"]))
        #expect(code == 0)
        #expect(
            lines == [
                "✓ valgrind: valgrind-3.19.0", "✓ Rust sanitizer builds: cargo +nightly",
                "✓ quick (preloaded ASan runtime): clang's libasan", "✓ tsan (ThreadSanitizer): C: gcc",
                "! clang: not found  → apt-get install clang",
                "checkers: valgrind available, asan/lsan available, quick available, helgrind missing, tsan available",
            ])
    }

    @Test func brokenOverrideIsARequiredFailure() {
        let c = Doctor.defaultSuppressionsCheck(environment: ["MOQ_LEAKCHECK_HOME": "/nonexistent/home"])
        #expect(!c.found && c.required)
        #expect(
            c.detail
                == "MOQ_LEAKCHECK_HOME=/nonexistent/home: no suppressions/*.supp or *.lsan there (unset it to use the built-in defaults)"
        )
    }
}
