import Foundation
import Testing

@testable import LeakCheck

@Suite struct StepSummaryReportTests {
    /// The leaking fixture run, with the boundary the engine computes for the
    /// error-message leak (moq_connect's MoqResult.message, freed by moq_free_str).
    static func report() throws -> Report {
        var report = try ReportFixtures.leak()
        let r = try #require(report.runs.firstIndex { $0.checker == .valgrind && $0.test == "leak_error_message" })
        let i = try #require(report.runs[r].findings.firstIndex { $0.suppressedBy == nil })
        report.runs[r].findings[i].boundary = Boundary(
            function: "moq_connect", file: "/tmp/lc-render/a/moq_ffi/src/lib.rs", line: 132,
            caller: CodeLocation(
                function: "errors::leak_error_message", file: "/tmp/lc-render/a/moq_ffi/tests/errors.rs", line: 74),
            release: "moq_free_str")
        return report
    }

    static let files = [
        "/tmp/lc-render/a/out-leak/valgrind-report.txt", "/tmp/lc-render/a/out-leak/sanitizer-report.txt",
        "/tmp/lc-render/a/out-leak/leakcheck-report.html", "/tmp/lc-render/a/out-leak/report.json",
    ]

    /// Golden: `Tests/Fixtures/reports/step-summary-leak-demo.md`. Re-record with
    /// `LEAKCHECK_RECORD_GOLDEN=1 swift test --filter StepSummaryReportTests` and review the diff.
    @Test func leakingRunMatchesTheGolden() throws {
        let md = StepSummaryRenderer(path: "summary.md", reportFiles: Self.files).markdown(
            try Self.report(), context: ReportFixtures.context())
        let golden = Paths.fixture("reports/step-summary-leak-demo.md")
        if ProcessInfo.processInfo.environment["LEAKCHECK_RECORD_GOLDEN"] == "1" {
            try md.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try Paths.fixtureText("reports/step-summary-leak-demo.md")
        #expect(md == expected)
    }

    @Test func appendsAndSaysHowManyWereNotAnnotated() throws {
        let renderer = StepSummaryRenderer(path: "summary.md")
        #expect(renderer.appends)
        var runs: [RunResult] = []
        for i in 0..<12 {
            let f = Finding(
                kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: "",
                stack: [Frame(function: "malloc"), Frame(function: "site\(i)", file: "/ws/src/s.c", line: i + 1)])
            var r = RunResult(checker: .valgrind, executable: "/t/prog", arguments: [], findings: [f])
            r.status = .findings
            runs.append(r)
        }
        let md = renderer.markdown(
            Report(runs: runs, failOn: [.definitelyLost]),
            context: RenderContext(policy: Policy(), workspaceRoot: "/ws"))
        #expect(md.contains("\n2 findings were not annotated (GitHub shows 10 per step): see the reports above.\n"))
        #expect(md.contains("\n- … and 2 more leak causes in the report files\n"))
        #expect(md.hasPrefix("## moq-leakcheck: ✗ findings fail the gate (exit 1)\n"))
    }

    @Test func cleanRunSaysSoAndListsTheNoiseSuppressions() throws {
        let md = StepSummaryRenderer(path: "s.md").markdown(
            try ReportFixtures.report("clean-valgrind-asan"), context: ReportFixtures.context())
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "## moq-leakcheck: ✓ nothing fails the gate (exit 0)")
        #expect(!md.contains("Failing the gate"))
        #expect(lines.filter { $0.hasPrefix("| `rust-std-") || $0.hasPrefix("| `glibc-") }.count == 3)
        var broad = try ReportFixtures.report("clean-valgrind-asan")
        broad.suppressions[0].overBroad = true
        let flagged = StepSummaryRenderer(path: "s.md").markdown(broad, context: ReportFixtures.context())
        #expect(
            flagged.split(separator: "\n").filter {
                $0.hasSuffix("| ‼ over-broad: matches the crate's own code, so it hides nothing |")
            }.count == 1)
    }
}
