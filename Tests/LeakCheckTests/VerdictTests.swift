import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// One verdict, rendered everywhere: the status and exit code are decided once
/// and every output states them, including when one output cannot be written.
@Suite struct VerdictTests {
    struct Failing: ReportRenderer {
        var path: String
        var name: String { "SARIF report \(path)" }
        func render(_ report: Report, context: RenderContext) throws -> Data {
            throw ReportWriteError(path: path, reason: "No space left on device")
        }
    }

    /// Writes the status and exit code it was given, so the test reads what each output said.
    struct Echo: ReportRenderer {
        var path: String
        var name: String { "echo \(path)" }
        func render(_ report: Report, context: RenderContext) throws -> Data {
            Data("\(report.status.rawValue) \(report.exitCode) \(report.incompleteReasons)".utf8)
        }
    }

    func clean() -> Report {
        Verdict.decide(
            runs: [RunResult(checker: .valgrind, executable: "t", arguments: [])], suppressions: [], policy: Policy(),
            diagnostics: Diagnostics(), interrupted: false)
    }

    @Test func anOutputThatCannotBeWrittenMakesEveryOtherOutputSayIncomplete() throws {
        let dir = Scratch.directory + "verdict-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let decided = clean()
        #expect((decided.status, decided.exitCode) == (.clean, 0))
        let result = OutputPipeline.write(
            [Echo(path: dir + "/before.txt"), Failing(path: dir + "/x.sarif"), Echo(path: dir + "/after.txt")],
            decide: { errors in
                var r = decided
                r.incompleteReasons += errors
                return r
            }, context: RenderContext(policy: Policy()))
        let reason = "SARIF report \(dir)/x.sarif: cannot write \(dir)/x.sarif: No space left on device"
        #expect(result.errors == [reason])
        #expect((result.report.status, result.report.exitCode) == (.incomplete, 3))
        // Both other outputs, the one rendered before the failure too, state the final verdict.
        for name in ["before.txt", "after.txt"] {
            #expect(try String(contentsOfFile: dir + "/" + name, encoding: .utf8) == "incomplete 3 [\"\(reason)\"]")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.sarif"))
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["after.txt", "before.txt"])
    }

    @Test func theStepSummaryKindOfOutputAppends() throws {
        struct Append: ReportRenderer {
            var path: String
            var name: String { "summary" }
            var appends: Bool { true }
            func render(_ report: Report, context: RenderContext) throws -> Data { Data("## moq-leakcheck\n".utf8) }
        }
        let path = Scratch.directory + "summary-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "## earlier step\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = OutputPipeline.write(
            [Append(path: path)], decide: { _ in clean() }, context: RenderContext(policy: Policy()))
        #expect(r.errors == [])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "## earlier step\n## moq-leakcheck\n")
    }

    @Test func statusTotalsAndExitCodeAreDerivedFromTheRuns() {
        let leak = Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 40, blocks: 1, message: "")
        var run = RunResult(checker: .valgrind, executable: "t", arguments: [], findings: [leak])
        var report = Verdict.decide(
            runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
        #expect(
            (report.status, report.exitCode, report.totals.definitelyLost) == (
                .findings, 1, Tally(bytes: 40, blocks: 1)
            ))
        // A finding added later changes the totals with no recompute call: nothing is stored beside them.
        run.findings.append(leak)
        #expect(run.totals.definitelyLost == Tally(bytes: 80, blocks: 2))
        // A recorded problem makes the same runs incomplete.
        report.incompleteReasons.append("cannot write report.json")
        #expect((report.status, report.exitCode) == (.incomplete, 3))
    }

    @Test func theConsoleSummaryStatesWhyTheVerdictIsIncomplete() {
        var report = clean()
        report.incompleteReasons = ["SARIF report x.sarif: cannot write x.sarif: No space left on device"]
        let text = TextReport.summary(report, policy: Policy(), selector: FrameSelector())
        #expect(text.contains("? incomplete: SARIF report x.sarif: cannot write x.sarif: No space left on device\n"))
    }

    @Test func aReportReadBackWhoseStatusDisagreesWithItsRunsIsIncomplete() throws {
        var obj = try JSONSerialization.jsonObject(with: JSONReport.encode(clean())) as! [String: Any]
        #expect(obj["status"] as? String == "clean")
        obj["status"] = "findings"
        let back = try JSONDecoder().decode(Report.self, from: JSONSerialization.data(withJSONObject: obj))
        #expect(back.status == .incomplete)
        #expect(back.incompleteReasons == ["the report says findings but its runs say clean"])
    }
}

/// The one suppression-usage computation every report shows.
@Suite struct SuppressionUsageTableTests {
    @Test func everyEntryHasARowWithItsUsesBytesAndTheCheckersOwnCount() throws {
        let file = "/s/x.supp"
        let entries = try SuppressionParser.parse(
            text: """
                {
                   used
                   Memcheck:Leak
                   fun:malloc
                   fun:moq_connect
                }
                {
                   unused
                   Memcheck:Leak
                   fun:never
                }
                """, file: file)
        var a = Finding(kind: .definitelyLost, rawKind: "", bytes: 37, blocks: 1, message: "")
        a.suppressedBy = "used"
        a.suppressionSource = "\(file):1"
        var b = a
        b.count = 3  // three identical findings stored once
        b.suppressionOverBroad = true
        let rows = SuppressionUsageTable.compute(
            suppressions: entries, findings: [a, b], checkerCounts: ["used": 4, "glibc-noise": 2])
        #expect(
            rows == [
                SuppressionUsage(
                    name: "used", source: "\(file):1", count: 4, bytes: 148, overBroad: true, checkerCount: 4),
                SuppressionUsage(name: "unused", source: "\(file):7", count: 0, bytes: 0),
                SuppressionUsage(name: "glibc-noise", source: "(applied by the checker)", checkerCount: 2),
            ])
    }
}

/// Where suppressions come from, before anything runs.
@Suite struct SuppressionLoadingTests {
    func crate(withGuideFile: Bool) throws -> String {
        let dir = Scratch.directory + "crate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/tools", withIntermediateDirectories: true)
        try "[package]\nname = \"x\"\n".write(toFile: dir + "/Cargo.toml", atomically: true, encoding: .utf8)
        if withGuideFile {
            try "{\n   guide_entry\n   Memcheck:Leak\n   ...\n   fun:*std*thread*\n}\n".write(
                toFile: dir + "/tools/valgrind-suppressions.supp", atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func theGuidesFileBesideTheCrateIsLoadedAfterTheDefaults() throws {
        let dir = try crate(withGuideFile: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let all = try Application.loadSuppressions(
            Options(), target: .cargo(manifest: dir + "/Cargo.toml", crateDir: dir), diagnostics: Diagnostics())
        let defaults = try DefaultSuppressions.load()
        #expect(!defaults.isEmpty)
        #expect(all.map(\.name) == defaults.map(\.name) + ["guide_entry"])
        #expect(all.last?.file == dir + "/tools/valgrind-suppressions.supp")
        #expect(all.last?.line == 1)
    }

    @Test func noDefaultSuppressionsDropsOnlyTheDefaults() throws {
        let dir = try crate(withGuideFile: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = Options()
        options.noDefaultSuppressions = true
        let all = try Application.loadSuppressions(
            options, target: .cargo(manifest: dir + "/Cargo.toml", crateDir: dir), diagnostics: Diagnostics())
        #expect(all.map(\.name) == ["guide_entry"])
        let none = try Application.loadSuppressions(
            options, target: .command(["/bin/true"]), diagnostics: Diagnostics())
        #expect(none.isEmpty)
    }
}
