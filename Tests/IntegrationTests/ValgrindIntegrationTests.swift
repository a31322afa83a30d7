import Foundation
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Real cargo and real valgrind on Tests/Fixtures/moq_ffi and the C fixtures.
@Suite(.serialized) struct ValgrindIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cargo", install: "install Rust with rustup")
    }

    /// Sums EXPECTED.tsv rows for one checker into kind → (bytes, blocks).
    static func expectedTotals(_ checker: String) throws -> [String: (Int, Int)] {
        var totals: [String: (Int, Int)] = [:]
        // `*` rows are whole-binary figures; the others are per test (and harness noise).
        for row in try Tool.expectedRows("moq_ffi/EXPECTED.tsv") where row["checker"] == checker && row["test"] == "*" {
            let kind = row["kind"]!
            let prev = totals[kind] ?? (0, 0)
            totals[kind] = (prev.0 + Int(row["bytes"]!)!, prev.1 + Int(row["blocks"]!)!)
        }
        return totals
    }

    @Test func cleanCrateExitsZeroWithNoNoise() throws {
        let r = try Tool.run(["valgrind", "--manifest-path", Tool.crateManifest], tag: "vg-clean")
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(r.stdout.contains("✓ Valgrind: No memory leaks detected"))
        #expect(r.json?["status"] as? String == "clean")
        #expect(r.tally("definitelyLost") == (0, 0))
        #expect(r.tally("possiblyLost") == (0, 0), "the default suppressions must remove the std::thread noise")
        #expect(r.runs.count >= 3, "every test executable runs, not `find | head -1`")
        let report = try #require(r.file("valgrind-report.txt"))
        #expect(report.contains("LEAK SUMMARY:"))
    }

    @Test func leakFeatureGivesExactFiguresAttributedToTests() throws {
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"], tag: "vg-leak")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.json?["status"] as? String == "findings")
        let expected = try Self.expectedTotals("valgrind")
        for kind in ["definitelyLost", "indirectlyLost", "possiblyLost"] {
            let want = expected[kind] ?? (0, 0)
            #expect(r.tally(kind) == want, "\(kind)")
        }
        // Every gating finding is named to a leak_ test (per-test attribution).
        let gating = r.findings.filter { $0.kind == "definitelyLost" || $0.kind == "indirectlyLost" }
        #expect(!gating.isEmpty)
        for f in gating {
            let test = f.test ?? "nil"
            #expect(
                test.split(separator: ":").last.map { $0.hasPrefix("leak_") } == true, "\(f.kind) attributed to \(test)"
            )
        }
        for row in try Tool.expectedRows("moq_ffi/EXPECTED.tsv")
        where row["checker"] == "valgrind" && row["test"] != "*"
            && ["definitelyLost", "indirectlyLost"].contains(row["kind"]!)
        {
            let rowTest = row["test"]!
            let mine = gating.filter { ($0.test ?? "").hasSuffix(rowTest) && $0.kind == row["kind"] }
            #expect(mine.reduce(0) { $0 + ($1.bytes ?? 0) } == Int(row["bytes"]!)!, "\(rowTest) \(row["kind"]!)")
        }
        let report = try #require(r.file("valgrind-report.txt"))
        let (defBytes, defBlocks) = expected["definitelyLost"]!
        #expect(report.contains("definitely lost: \(Figures.grouped(defBytes)) bytes in \(defBlocks) blocks"))
        #expect(r.stdout.contains("✗ Valgrind: memory leaks detected"))
    }

    @Test func featureMatrixChecksEverySetInOneCall() throws {
        let r = try Tool.run(
            [
                "valgrind", "--manifest-path", Tool.crateManifest, "--feature-set", "with_moq", "--feature-set",
                "leak_demo",
            ],
            tag: "vg-matrix")
        #expect(r.exitCode == 1, "\(r.combined)")
        let sets = Set(r.runs.compactMap { $0["featureSet"] as? String })
        #expect(sets == ["default", "with_moq", "leak_demo"])
        // Only the leak_demo build leaks; the stub (default) and full (with_moq) builds are clean.
        for run in r.runs where run["featureSet"] as? String != "leak_demo" {
            #expect(run["status"] as? String == "clean", "\(run["featureSet"] ?? "") \(run["executable"] ?? "")")
        }
        let expected = try Self.expectedTotals("valgrind")
        #expect(r.tally("definitelyLost") == expected["definitelyLost"]!)
    }

    @Test func allRunsBothCheckersWithOneSummary() throws {
        let r = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"], tag: "all-both")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(Set(r.runs.compactMap { $0["checker"] as? String }) == ["valgrind", "asan"])
        #expect(r.stdout.contains("✗ Valgrind: memory leaks detected"))
        #expect(r.stdout.contains("✗ AddressSanitizer: memory leaks detected"))
        #expect(FileManager.default.fileExists(atPath: r.dir + "/valgrind-report.txt"))
        #expect(FileManager.default.fileExists(atPath: r.dir + "/sanitizer-report.txt"))
    }

    @Test func buildFailureIsIncompleteNeverGreen() throws {
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "broken_build"], tag: "vg-broken")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.json?["status"] as? String == "incomplete")
        #expect(r.stderr.contains("deliberate compile error"), "cargo's error is shown")
        #expect(!r.stdout.contains("No memory leaks detected"))
    }

    @Test func failingTestUnderValgrindIsAFinding() throws {
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "failing_test"], tag: "vg-fail")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.findings.contains { $0.kind == "testFailure" && ($0.test ?? "").hasSuffix("failing_assertion") })
    }

    @Test func commandModeGivesTheCProgramsExactFigures() throws {
        let bin = try Tool.compileC("leaks")
        let r = try Tool.run(["valgrind", "--", bin], tag: "vg-cmd")
        #expect(r.exitCode == 1, "\(r.combined)")
        for row in try Tool.expectedRows("c/EXPECTED.tsv")
        where row["program"] == "leaks" && row["checker"] == "valgrind" {
            let kind = row["kind"]!
            #expect(r.tally(kind) == (Int(row["bytes"]!)!, Int(row["blocks"]!)!), "\(kind)")
        }
    }

    @Test func segfaultUnderValgrindIsAFatalSignalFinding() throws {
        let bin = try Tool.compileC("segv")
        let r = try Tool.run(["valgrind", "--", bin], tag: "vg-segv")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.findings.contains { $0.kind == "fatalSignal" })
        #expect((r.runs.first?["signal"] as? String) == "SIGSEGV")
    }

    @Test func abortIsAFinding() throws {
        let bin = try Tool.compileC("abort")
        let r = try Tool.run(["valgrind", "--", bin], tag: "vg-abort")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect((r.runs.first?["signal"] as? String) == "SIGABRT")
    }

    @Test func memoryErrorsAreTyped() throws {
        let bin = try Tool.compileC("memerrors")
        for (arg, kind) in [
            ("invalid-read", "invalidRead"), ("use-after-free", "useAfterFree"), ("double-free", "doubleFree"),
        ] {
            let r = try Tool.run(["valgrind", "--", bin, arg], tag: "vg-err")
            #expect(r.exitCode == 1, "\(arg): \(r.combined)")
            #expect(r.findings.contains { $0.kind == kind }, "\(arg) → \(kind): \(r.findings.map(\.kind))")
        }
    }

    @Test func hangingProgramTimesOutAndLeavesNothingBehind() throws {
        let bin = try Tool.compileC("hang")
        let r = try Tool.run(["valgrind", "--timeout", "3", "--", bin], tag: "vg-hang", timeout: 120)
        #expect(r.exitCode == 3, "\(r.combined)")
        let run = try #require(r.runs.first)
        #expect(run["timedOut"] as? Bool == true)
        #expect(run["status"] as? String == "incomplete")
        // No valgrind or hang process may survive (it forks a child too).
        usleep(500_000)
        #expect(Self.processes(named: bin).isEmpty)
    }

    @Test func floodingProgramDoesNotDeadlock() throws {
        let bin = try Tool.compileC("flood")
        let r = try Tool.run(["valgrind", "--timeout", "300", "--", bin], tag: "vg-flood", timeout: 400)
        #expect(r.exitCode == 0, "\(r.combined)")
    }

    @Test func ctrlCWritesAPartialReportAndStopsChildren() throws {
        let bin = try Tool.compileC("hang")
        let dir = Tool.tempDir("vg-int")
        let spec = ProcessSpec(
            executable: Tool.binary,
            arguments: ["valgrind", "--report-dir", dir, "--json", dir + "/report.json", "--", bin],
            stdoutPath: dir + "/out.txt", stderrPath: dir + "/out.txt")
        let sup = Supervisor()
        // Deliver SIGINT to the tool itself (not its group) once valgrind is running.
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) {
            // Only this test's tool: other suites run their own moq-leakcheck at the same time.
            for pid in sup.runningProcessIDs { kill(pid, SIGINT) }
        }
        let outcome = try sup.run(spec)
        #expect(outcome.exitCode == 130, "\((try? String(contentsOfFile: dir + "/out.txt", encoding: .utf8)) ?? "")")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json")))
            as? [String: Any]
        #expect(json?["interrupted"] as? Bool == true)
        #expect(json?["status"] as? String == "incomplete")
        #expect(FileManager.default.fileExists(atPath: dir + "/valgrind-report.txt"))
        usleep(500_000)
        #expect(Self.processes(named: bin).isEmpty)
    }

    /// Ctrl-C while cargo builds (a fresh target dir, so the build takes seconds): exit 130,
    /// the partial report written and marked, and no cargo or rustc left behind.
    @Test func ctrlCDuringTheBuildStopsCargoAndWritesAPartialReport() throws {
        let dir = Tool.tempDir("vg-int-build")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env = ProcessInfo.processInfo.environment
        env["CARGO_TARGET_DIR"] = dir + "/target"
        let spec = ProcessSpec(
            executable: Tool.binary,
            arguments: [
                "valgrind", "--manifest-path", Tool.crateManifest, "--report-dir", dir, "--json", dir + "/report.json",
            ],
            environment: env, stdoutPath: dir + "/out.txt", stderrPath: dir + "/out.txt")
        let sup = Supervisor()
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) {
            for pid in sup.runningProcessIDs { kill(pid, SIGINT) }
        }
        let outcome = try sup.run(spec)
        let out = (try? String(contentsOfFile: dir + "/out.txt", encoding: .utf8)) ?? ""
        #expect(outcome.exitCode == 130, "\(out)")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json")))
            as? [String: Any]
        #expect(json?["interrupted"] as? Bool == true)
        #expect(json?["status"] as? String == "incomplete")
        #expect(json?["exitCode"] as? Int == 130)
        usleep(500_000)
        #expect(Self.processes(named: dir + "/target").isEmpty, "no rustc building into the run's target dir is left")
    }

    @Test func truncatedXMLFromAKilledRunIsIncomplete() throws {
        let xml = Tool.fixtures.appendingPathComponent("logs/valgrind").path
        let files = try FileManager.default.contentsOfDirectory(atPath: xml).filter {
            $0.contains("sigkill") || $0.contains("truncated")
        }
        let file = try #require(
            files.first(where: { $0.hasSuffix(".xml") }), "a truncated XML fixture from a real SIGKILLed run")
        let r = try Tool.run(["parse", xml + "/" + file], tag: "parse-trunc")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.json?["status"] as? String == "incomplete")
    }

    @Test func jsonIsTheSameWithOneOrTwoJobs() throws {
        let one = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "1"], tag: "vg-j1")
        let two = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "2"], tag: "vg-j2")
        #expect(one.exitCode == 1 && two.exitCode == 1)
        let a = Self.normalized(one).split(separator: "\n")
        let b = Self.normalized(two).split(separator: "\n")
        #expect(a.count == b.count)
        if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("reports differ at line \(i): \(a[i].prefix(300)) ≠ \(b[i].prefix(300))")
        }
    }

    /// The report without what legitimately differs between invocations: timings,
    /// report paths, and the harness noise that the suppressions remove (libtest's
    /// main-thread handle is allocated or not depending on thread timing).
    static func normalized(_ r: Tool.Result) -> String {
        var runs = r.runs
        for i in runs.indices {
            runs[i]["durationSeconds"] = nil
            runs[i]["logFiles"] = nil
            runs[i]["findings"] = (runs[i]["findings"] as? [[String: Any]] ?? []).filter {
                $0["suppressedBy"] is NSNull
            }
            var totals = runs[i]["totals"] as? [String: Any] ?? [:]
            totals["suppressed"] = nil
            runs[i]["totals"] = totals
        }
        var obj = r.json ?? [:]
        obj["runs"] = runs
        obj["suppressions"] = nil
        var totals = obj["totals"] as? [String: Any] ?? [:]
        totals["suppressed"] = nil
        obj["totals"] = totals
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .prettyPrinted])
        // valgrind numbers loss records over all records, the noise included.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(
            of: "in loss record [0-9]+ of [0-9]+", with: "in loss record N", options: .regularExpression)
    }

    static func processes(named name: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let state = stat[stat.index(after: close)...].split(separator: " ").first ?? ""
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return
                (comm.trimmingCharacters(in: .whitespacesAndNewlines) == String(name.prefix(15))
                || cmdline.contains(name))
                && state != "Z"
        }
    }
}
