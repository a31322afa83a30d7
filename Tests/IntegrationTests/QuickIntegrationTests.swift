import Foundation
import Testing

@testable import LeakCheck

/// `moq-leakcheck quick` for real: the fixture crate built by cargo on the user's toolchain
/// with frame pointers, the C compiler's ASan runtime preloaded into each test process.
@Suite(.serialized) struct QuickIntegrationTests {
    init() throws {
        try Tool.require("cargo", install: "install Rust with rustup")
        try Tool.require("cc", install: "apt-get install gcc")
    }

    /// The leak findings of a run, summed per (test, kind).
    static func leakFigures(_ r: Tool.Result) -> [String: (Int, Int)] {
        var out: [String: (Int, Int)] = [:]
        for f in r.findings where f.kind == "definitelyLost" || f.kind == "indirectlyLost" {
            let key = "\(f.test ?? "-") \(f.kind)"
            let old = out[key] ?? (0, 0)
            out[key] = (old.0 + (f.bytes ?? 0), old.1 + (f.blocks ?? 0))
        }
        return out
    }

    @Test func theLeakFeatureGivesAsansExactFiguresEachLeakAttributedByStack() throws {
        let r = try Tool.run(
            ["quick", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "2"],
            tag: "quick-leak")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.runs.allSatisfy { $0["checker"] as? String == "quick" })
        // asan's figures from EXPECTED.tsv, per test and in total.
        try SanitizerIntegrationTests.checkPerTestFigures(r, checker: "asan")
        let asan = try SanitizerIntegrationTests.expected("asan").filter {
            $0["test"] == "*" && ["definitelyLost", "indirectlyLost"].contains($0["kind"]!)
        }
        for kind in ["definitelyLost", "indirectlyLost"] {
            let rows = asan.filter { $0["kind"] == kind }
            let bytes = rows.reduce(0) { $0 + Int($1["bytes"]!)! }
            let blocks = rows.reduce(0) { $0 + Int($1["blocks"]!)! }
            #expect(r.tally(kind) == (bytes, blocks), "\(kind)")
        }
        // Each leak is tied to its test by its own stack (frame pointers keep the test's frame).
        let leaks = r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }.filter {
            ($0["kind"] as? String)?.hasSuffix("Lost") == true
        }
        #expect(!leaks.isEmpty)
        for f in leaks { #expect(f["attributedBy"] as? String == "stack", "\(f["test"] ?? "-")") }
        // The runtime is named; the build had frame pointers in its own target dir.
        let notes = (r.json?["notes"] as? [String] ?? []).joined(separator: "\n")
        #expect(notes.contains("quick: preloading "), "\(notes)")
        #expect(notes.contains("libclang_rt.asan") || notes.contains("libasan"), "\(notes)")
        #expect(r.combined.contains("--target-dir ") && r.combined.contains("/target/moq-leakcheck/quick"))
        #expect(r.combined.contains("Quick (preloaded ASan): memory leaks detected"))
    }

    /// The C suite built by `--cmake-source` (frame pointers, no sanitizer): asan's leaks,
    /// each named by its C caller's line and the release function to call.
    @Test func theCSuiteGivesAsansLeaksWithTheirBoundaries() throws {
        try Tool.require("cmake", install: "apt-get install cmake (scripts/install-deps.sh does)")
        let r = try Tool.run(
            ["quick", "--manifest-path", Tool.crateManifest] + CTestIntegrationTests.cSuite, tag: "quick-ctest",
            environment: CTestIntegrationTests.environment)
        #expect(r.exitCode == 1, "\(r.combined)")
        // The tree the tool configured got the flags (CMake's Debug type alone gives -g, never the frame pointers).
        let cache = try String(
            contentsOfFile: CTestIntegrationTests.environment["CARGO_TARGET_DIR"]!
                + "/moq-leakcheck/cmake-quick/CMakeCache.txt",
            encoding: .utf8)
        #expect(cache.contains("CMAKE_C_FLAGS:STRING=-fno-omit-frame-pointer -g"), "\(cache.prefix(2000))")
        let found = CTestIntegrationTests.cFindings(r)
        #expect(
            found.filter { $0.kind != "testFailure" }.map { "\($0.test) \($0.kind) \($0.bytes!) \($0.blocks!)" }
                == (try CTestIntegrationTests.expectedLeaks("asan")))
        #expect(
            found.filter { $0.kind != "testFailure" } == [
                .init(
                    test: "test_leak_client", kind: "definitelyLost", bytes: 24, blocks: 1,
                    boundary: CTestIntegrationTests.clientBoundary),
                .init(
                    test: "test_leak_message", kind: "definitelyLost", bytes: 37, blocks: 1,
                    boundary: CTestIntegrationTests.messageBoundary),
            ])
    }

    /// LSan-format suppression files apply to quick's findings, as to asan's.
    @Test func lsanSuppressionsApply() throws {
        let dir = Tool.tempDir("quick-supp")
        let file = dir + "/client.lsan"
        try "leak:^moq_client_create$\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Tool.run(
            [
                "quick", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--suppressions", file,
                "--allow-broad-suppressions",
            ], tag: "quick-supp")
        #expect(r.exitCode == 1, "\(r.combined)")
        let all = r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
        let client = all.filter { ($0["test"] as? String)?.hasSuffix("leak_client_never_destroyed") == true }
        #expect(!client.isEmpty && client.allSatisfy { !($0["suppressedBy"] is NSNull) }, "\(client)")
        #expect(!r.findings.contains { $0.test?.hasSuffix("leak_client_never_destroyed") == true })
        #expect(r.tally("definitelyLost") == (53, 2), "the other two leaks still gate")
    }

    @Test func aCleanCrateExitsZero() throws {
        let r = try Tool.run(["quick", "--manifest-path", Tool.crateManifest], tag: "quick-clean")
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(r.stdout.contains("✓ Quick (preloaded ASan): No memory leaks detected"), "\(r.stdout)")
    }

    @Test func aCProgramGivesAsansFiguresAndDoubleFreesAreStillReported() throws {
        let leaks = try Tool.compileC("leaks")
        let r = try Tool.run(["quick", "--", leaks], tag: "quick-c-leaks")
        #expect(r.exitCode == 1, "\(r.combined)")
        let expected = try Tool.expectedRows("c/EXPECTED.tsv").filter {
            $0["program"] == "leaks" && $0["checker"] == "asan-gcc"
        }
        #expect(!expected.isEmpty)
        for row in expected {
            #expect(r.tally(row["kind"]!) == (Int(row["bytes"]!)!, Int(row["blocks"]!)!), "\(row["kind"]!)")
        }
        let memerrors = try Tool.compileC("memerrors")
        let df = try Tool.run(["quick", "--", memerrors, "double-free"], tag: "quick-c-double-free")
        #expect(df.exitCode == 1, "\(df.combined)")
        #expect(df.findings.contains { $0.kind == "doubleFree" }, "\(df.combined)")
    }

    /// Each refusal is an incomplete run (exit 3) with its reason, never a clean one.
    @Test func refusalsAreIncompleteWithTheReason() throws {
        let sanitized = try Tool.compileC("leaks", flags: ["-fsanitize=address"])
        let s = try Tool.run(["quick", "--", sanitized], tag: "quick-refuse-asan")
        #expect(s.exitCode == 3, "\(s.combined)")
        #expect(s.combined.contains("already built with a sanitizer"), "\(s.combined)")

        let statically = try Tool.compileC("leaks", flags: ["-static"])
        let t = try Tool.run(["quick", "--", statically], tag: "quick-refuse-static")
        #expect(t.exitCode == 3, "\(t.combined)")
        #expect(t.combined.contains("statically linked"), "\(t.combined)")

        let arena = Tool.fixtures.appendingPathComponent("arena_alloc/Cargo.toml").path
        let a = try Tool.run(["quick", "--manifest-path", arena], tag: "quick-refuse-arena")
        #expect(a.exitCode == 3, "\(a.combined)")
        #expect(a.combined.contains("#[global_allocator] (arena_alloc::Arena)"), "\(a.combined)")
        #expect(a.runs.allSatisfy { $0["status"] as? String == "incomplete" }, "\(a.runs)")
    }
}
