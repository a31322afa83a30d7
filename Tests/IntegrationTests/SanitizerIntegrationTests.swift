import Foundation
import Testing

@testable import LeakCheck

/// Real sanitizer builds of Tests/Fixtures/moq_ffi, on both toolchain paths.
@Suite(.serialized) struct SanitizerIntegrationTests {
    init() throws {
        try Tool.require("cargo", install: "install Rust with rustup")
    }

    static func expected(_ checker: String) throws -> [[String: String]] {
        try Tool.expectedRows("moq_ffi/EXPECTED.tsv").filter { $0["checker"] == checker }
    }

    /// Each expected (test, kind) figure equals the unsuppressed findings attributed to that test.
    static func checkPerTestFigures(_ r: Tool.Result, checker: String) throws {
        let rows = try expected(checker).filter {
            $0["test"] != "*" && ["definitelyLost", "indirectlyLost"].contains($0["kind"]!)
        }
        #expect(!rows.isEmpty, "EXPECTED.tsv has \(checker) rows")
        for row in rows {
            let mine = r.findings.filter { ($0.test ?? "").hasSuffix(row["test"]!) && $0.kind == row["kind"] }
            #expect(
                mine.reduce(0) { $0 + ($1.bytes ?? 0) } == Int(row["bytes"]!)!, "\(row["test"]!) \(row["kind"]!) bytes")
            #expect(
                mine.reduce(0) { $0 + ($1.blocks ?? 0) } == Int(row["blocks"]!)!,
                "\(row["test"]!) \(row["kind"]!) blocks")
        }
        let leaks = r.findings.filter { $0.kind == "definitelyLost" || $0.kind == "indirectlyLost" }
        for f in leaks {
            #expect(
                (f.test ?? "").split(separator: ":").last?.hasPrefix("leak_") == true,
                "leak attributed to \(f.test ?? "nil")")
        }
    }

    @Test(arguments: ["nightly", "stable"])
    func asanCleanCrateIsGreen(toolchain: String) throws {
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest, "--toolchain", toolchain], tag: "asan-clean-\(toolchain)")
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(r.stdout.contains("✓ AddressSanitizer: No issues detected"))
        let notes = (r.json?["notes"] as? [String] ?? []).joined(separator: "\n")
        #expect(
            notes.contains(toolchain == "nightly" ? "cargo +nightly" : "RUSTC_BOOTSTRAP=1"),
            "says which toolchain path was used")
    }

    @Test(arguments: ["nightly", "stable"])
    func asanLeakFeatureGivesExactPerTestFigures(toolchain: String) throws {
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--toolchain", toolchain],
            tag: "asan-leak-\(toolchain)")
        #expect(r.exitCode == 1, "\(r.combined)")
        try Self.checkPerTestFigures(r, checker: "asan")
        // The guide's CI uploads asan-report.*: they are in the report dir.
        let reports = try FileManager.default.contentsOfDirectory(atPath: r.dir).filter { $0.hasPrefix("asan-report.") }
        #expect(!reports.isEmpty)
    }

    @Test func lsanLeakFeatureGivesExactPerTestFigures() throws {
        let r = try Tool.run(
            ["lsan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"], tag: "lsan-leak")
        #expect(r.exitCode == 1, "\(r.combined)")
        try Self.checkPerTestFigures(r, checker: "lsan")
    }

    @Test func lsanCleanCrateIsGreen() throws {
        let r = try Tool.run(["lsan", "--manifest-path", Tool.crateManifest], tag: "lsan-clean")
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(r.tally("possiblyLost") == (0, 0))
    }

    @Test func useAfterFreeIsTypedAndAttributed() throws {
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest, "--features", "uaf_demo"], tag: "asan-uaf")
        #expect(r.exitCode == 1, "\(r.combined)")
        let uaf = r.findings.filter { $0.kind == "useAfterFree" }
        #expect(uaf.count == 1)
        #expect(uaf.first?.test?.hasSuffix("uaf_subscriber_after_destroy") == true)
    }

    @Test func sanitizerBuildFailureIsIncomplete() throws {
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest, "--features", "broken_build"], tag: "asan-broken")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(!r.stdout.contains("No issues detected"), "the guide's script said 'No issues detected' here")
        #expect(r.stderr.contains("deliberate compile error"))
    }

    @Test func allSkipsAMissingValgrindAndStillRunsAsan() throws {
        var env = Tool.environment(hiding: "valgrind")
        env["CI"] = nil  // on a developer's machine; CI=true requires every checker (below)
        let r = try Tool.run(["--manifest-path", Tool.crateManifest], tag: "all-novg", environment: env)
        #expect(r.exitCode == 0, "\(r.combined)")
        let skipped = r.json?["skipped"] as? [[String: Any]] ?? []
        #expect(skipped.first?["checker"] as? String == "valgrind")
        let reason = (skipped.first?["reason"] as? String) ?? ""
        #expect(reason.contains("apt-get install valgrind"), "\(reason)")
        #expect(r.runs.allSatisfy { $0["checker"] as? String == "asan" } && !r.runs.isEmpty)
        // An explicit valgrind run without valgrind is exit 3.
        let explicit = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest], tag: "vg-missing", environment: env)
        #expect(explicit.exitCode == 3)
        // doctor agrees with `all`: a warning here, exit 3 where valgrind is required.
        let doctor = try Tool.run(["doctor"], tag: "doctor-novg", environment: env, json: false)
        #expect(doctor.exitCode == 0, "\(doctor.combined)")
        #expect(doctor.stdout.contains("! valgrind: not found: `all` skips it"), "\(doctor.stdout)")
    }

    /// `--require valgrind`, or CI set, on a machine without valgrind: `all` is
    /// incomplete (exit 3) naming the install step, ASan still runs, and doctor says 3 too.
    @Test(arguments: [(["--require", "valgrind,asan"], "--require valgrind"), ([], "CI is set")])
    func aRequiredCheckerThatIsMissingMakesAllIncomplete(flags: [String], why: String) throws {
        var env = Tool.environment(hiding: "valgrind")
        env["CI"] = flags.isEmpty ? "true" : nil
        let r = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest] + flags, tag: "all-require", environment: env)
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.json?["status"] as? String == "incomplete")
        let reason =
            "valgrind is required (\(why)) but cannot run: valgrind not found on PATH (install it: apt-get install valgrind)"
        #expect(
            r.runs.contains { $0["checker"] as? String == "valgrind" && $0["incompleteReason"] as? String == reason })
        #expect(r.stderr.contains(reason), "\(r.stderr)")
        #expect((r.json?["skipped"] as? [Any])?.isEmpty ?? true)
        #expect(r.runs.contains { $0["checker"] as? String == "asan" && $0["status"] as? String == "clean" })
        let doctor = try Tool.run(["doctor"] + flags, tag: "doctor-require", environment: env, json: false)
        #expect(doctor.exitCode == 3, "\(doctor.combined)")
        #expect(doctor.stdout.contains("✗ valgrind: not found  → apt-get install valgrind"), "\(doctor.stdout)")
    }

    @Test func cProgramsUnderGccAsan() throws {
        let bin = try Tool.compileC("memerrors", flags: ["-fsanitize=address"])
        for (arg, kind) in [
            ("heap-overflow", "heapBufferOverflow"), ("use-after-free", "useAfterFree"), ("double-free", "doubleFree"),
        ] {
            let r = try Tool.run(["asan", "--", bin, arg], tag: "asan-c")
            #expect(r.exitCode == 1, "\(arg): \(r.combined)")
            #expect(r.findings.contains { $0.kind == kind }, "\(arg) → \(kind): \(r.findings.map(\.kind))")
        }
        let leaks = try Tool.compileC("leaks", flags: ["-fsanitize=address"])
        let r = try Tool.run(["asan", "--", leaks], tag: "asan-c-leaks")
        #expect(r.exitCode == 1)
        for row in try Tool.expectedRows("c/EXPECTED.tsv")
        where row["program"] == "leaks" && row["checker"] == "asan-gcc" {
            #expect(r.tally(row["kind"]!) == (Int(row["bytes"]!)!, Int(row["blocks"]!)!), "\(row["kind"]!)")
        }
    }

    @Test func noEnvironmentSwitchesTheGateOff() throws {
        let leaks = try Tool.compileC("leaks", flags: ["-fsanitize=address"])
        var env = ProcessInfo.processInfo.environment
        env["ASAN_OPTIONS"] = "detect_leaks=0:exitcode=0"
        env["LSAN_OPTIONS"] = "detect_leaks=0"
        let r = try Tool.run(["asan", "--", leaks], tag: "asan-env-gate", environment: env)
        #expect(r.exitCode == 1, "a user's detect_leaks=0 must not make a leaking run green: \(r.combined)")
        #expect(r.tally("definitelyLost") == (56, 2))
        let notes = r.json?["notes"] as? [String] ?? []
        #expect(
            notes.contains {
                $0.hasPrefix(
                    "ASAN_OPTIONS: overrode detect_leaks=0, exitcode=0, LSAN_OPTIONS detect_leaks=0: the gate relies on these"
                )
            }, "\(notes)")
        // Keeping the user's options is possible, but then the run can never be clean.
        let kept = try Tool.run(
            ["asan", "--respect-sanitizer-options", "--", leaks], tag: "asan-env-respect", environment: env)
        #expect(kept.exitCode == 3, "\(kept.combined)")
        #expect(kept.tally("definitelyLost") == (0, 0), "leak detection really was off")
        #expect(
            (kept.json?["incompleteReasons"] as? [String] ?? []).first?.hasPrefix(
                "--respect-sanitizer-options: your ASAN_OPTIONS") == true)
    }

    @Test func staleReportsFromAnEarlierRunAreNeverReadAsNew() throws {
        let dir = Tool.tempDir("asan-stale")
        let stale = """
            =================================================================
            ==999==ERROR: LeakSanitizer: detected memory leaks

            Direct leak of 4096 byte(s) in 1 object(s) allocated from:
                #0 0x7f0 in malloc (/usr/lib/x86_64-linux-gnu/libasan.so.8+0xbd)

            SUMMARY: AddressSanitizer: 4096 byte(s) leaked in 1 allocation(s).
            """
        try stale.write(toFile: dir + "/asan-report.999", atomically: true, encoding: .utf8)
        let r = try Tool.run(["asan", "--manifest-path", Tool.crateManifest], tag: "asan-stale", in: dir)
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/asan-report.999"))
    }

    @Test func guideScriptDelegatesAndReturnsTheGate() throws {
        let script = Tool.repoRoot.appendingPathComponent("scripts/test-memory-leaks.sh").path
        var env = ProcessInfo.processInfo.environment
        env["MOQ_LEAKCHECK"] = Tool.binary
        let leaky = try Tool.run(
            [script, "asan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"], tag: "script-leak",
            environment: env, executable: "/bin/bash")
        #expect(leaky.exitCode == 1, "\(leaky.combined)")
        let clean = try Tool.run(
            [script, "asan", "--manifest-path", Tool.crateManifest], tag: "script-clean", environment: env,
            executable: "/bin/bash")
        #expect(clean.exitCode == 0, "\(clean.combined)")
        let bad = try Tool.run(
            [script, "frobnicate"], tag: "script-bad", environment: env, json: false, executable: "/bin/bash")
        #expect(bad.exitCode == 2)
    }

    @Test func doctorNamesEveryCheckerHere() throws {
        let r = try Tool.run(["doctor"], tag: "doctor", json: false)
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(r.stdout.contains("✓ valgrind: valgrind-3."))
        #expect(r.stdout.contains("Rust sanitizer builds"))
        #expect(r.stdout.contains("default suppressions"))
    }

    @Test func plainBinaryIsRefusedForAsan() throws {
        let bin = try Tool.compileC("clean")
        let r = try Tool.run(["asan", "--", bin], tag: "asan-plain")
        #expect(r.exitCode == 3)
        #expect(r.stderr.contains("not built with a sanitizer"))
    }
}
