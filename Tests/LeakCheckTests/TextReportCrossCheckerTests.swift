import Foundation
import Testing

@testable import LeakCheck

/// The console summary and the text reports of an `all` run: each leak once,
/// with the checkers that saw it; per-checker totals as each checker said;
/// colour only when asked for. On the captured `all --features leak_demo` report.
@Suite struct TextReportCrossCheckerTests {
    static func marked() throws -> Report {
        var report = try ReportFixtures.leak()
        report.runs = CrossChecker.match(report.runs)
        return report
    }

    static func summary(_ report: Report, colour: Bool = false) -> String {
        TextReport.summary(report, policy: Policy(), selector: ReportFixtures.selector(), colour: colour)
    }

    static let expectedSummary = """
        ✗ Valgrind: memory leaks detected
        ✗ AddressSanitizer: memory leaks detected
        Failing the gate: 5 causes, most severe first
          ✗ 64 bytes in 1 block indirectly lost from moq_subscriber_create (lib.rs:220) — 1 call site in 1 test (valgrind, asan)
              in test leak_subscriber_with_child, 64 bytes
          ✗ 37 bytes in 1 block definitely lost from moq_ffi::MoqResult::error (lib.rs:58) — 1 call site in 1 test (valgrind, asan)
              in test leak_error_message, 37 bytes
          ✗ 24 bytes in 1 block definitely lost from moq_client_create (lib.rs:103) — 1 call site in 1 test (valgrind, asan)
              in test tests::leak_client_never_destroyed, 24 bytes
          ✗ 24 bytes in 1 block indirectly lost from moq_subscriber_create (lib.rs:225) — 1 call site in 1 test (valgrind, asan)
              in test leak_subscriber_with_child, 24 bytes
          ✗ 16 bytes in 1 block definitely lost from moq_subscriber_create (lib.rs:223) — 1 call site in 1 test (valgrind, asan)
              in test leak_subscriber_with_child, 16 bytes
          Valgrind LEAK SUMMARY:
             definitely lost: 77 bytes in 3 blocks
             indirectly lost: 88 bytes in 2 blocks
               possibly lost: 0 bytes in 0 blocks
             still reachable: 0 bytes in 0 blocks
                  suppressed: 11,952 bytes in 32 blocks
          AddressSanitizer LEAK SUMMARY:
             definitely lost: 77 bytes in 3 blocks
             indirectly lost: 88 bytes in 2 blocks
               possibly lost: 0 bytes in 0 blocks
             still reachable: 0 bytes in 0 blocks
                  suppressed: 0 bytes in 0 blocks
        note: AddressSanitizer build: cargo +nightly (cargo 1.97.0-nightly (4d1f98451 2026-05-15)); doctests are not run under the sanitizer

        """

    /// Each of the five leaks once as a cause (no boundary in this capture, so each
    /// allocation is its own), both checkers named; each checker's own LEAK SUMMARY after them.
    @Test func summaryListsEachLeakOnceWithItsCheckers() throws {
        #expect(Self.summary(try Self.marked()) == Self.expectedSummary)
    }

    /// Without matching (an older report), the same list once, each naming the checker of its copies.
    @Test func unmarkedReportStillGroupsBySite() throws {
        let text = Self.summary(try ReportFixtures.leak())
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("  ✗ ") }.count == 5)
        #expect(text.components(separatedBy: " (valgrind, asan)\n").count - 1 == 5)
    }

    /// Colour: marks and headlines painted, nothing else changed; off means no escape at all.
    @Test func colourOnlyWhenAsked() throws {
        let report = try Self.marked()
        let plain = Self.summary(report)
        let painted = Self.summary(report, colour: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(Self.stripANSI(painted) == plain)
        let lines = painted.components(separatedBy: "\n")
        #expect(lines[0] == "\u{1B}[31;1m✗\u{1B}[0m \u{1B}[1mValgrind: memory leaks detected\u{1B}[0m")
        #expect(lines[1] == "\u{1B}[31;1m✗\u{1B}[0m \u{1B}[1mAddressSanitizer: memory leaks detected\u{1B}[0m")
        #expect(lines[2] == "\u{1B}[1mFailing the gate: 5 causes, most severe first\u{1B}[0m")
        #expect(lines.filter { $0.hasPrefix("  \u{1B}[31;1m✗\u{1B}[0m ") }.count == 5)
        let clean = TextReport.summary(
            try ReportFixtures.report("clean-valgrind-asan"), policy: Policy(), selector: FrameSelector(), colour: true)
        #expect(
            clean.components(separatedBy: "\n").prefix(2) == [
                "\u{1B}[32;1m✓\u{1B}[0m \u{1B}[1mValgrind: No memory leaks detected\u{1B}[0m (4 runs)",
                "\u{1B}[32;1m✓\u{1B}[0m \u{1B}[1mAddressSanitizer: No issues detected\u{1B}[0m (19 runs)",
            ])
    }

    /// A warning is painted yellow: possibly lost is not gating by default.
    @Test func warningMarkIsYellow() throws {
        var report = try Self.marked()
        let i = try #require(
            report.runs.firstIndex { $0.checker == .valgrind && $0.findings.contains { $0.kind == .possiblyLost } })
        let j = try #require(report.runs[i].findings.firstIndex { $0.kind == .possiblyLost })
        report.runs[i].findings[j].suppressedBy = nil
        let lines = Self.summary(report, colour: true).components(separatedBy: "\n")
        #expect(
            lines.filter { $0.contains("\u{1B}[33;1m!\u{1B}[0m") } == [
                "  \u{1B}[33;1m!\u{1B}[0m possibly lost: 48 bytes in 1 blocks — in test tests::backend_is_selected_by_feature (valgrind) (warning: not gating; --fail-on possible to gate)"
            ])
    }

    /// One checker: the per-checker layout, no checker list on the findings.
    @Test func oneCheckerKeepsItsOwnList() throws {
        var report = try ReportFixtures.leak()
        report.runs = report.runs.filter { $0.checker == .valgrind }
        let lines = Self.summary(report).components(separatedBy: "\n")
        #expect(
            lines.filter { $0.hasPrefix("  ✗ ") } == [
                "  ✗ 64 bytes in 1 block indirectly lost from moq_subscriber_create (lib.rs:220) — 1 call site in 1 test",
                "  ✗ 37 bytes in 1 block definitely lost from moq_ffi::MoqResult::error (lib.rs:58) — 1 call site in 1 test",
                "  ✗ 24 bytes in 1 block definitely lost from moq_client_create (lib.rs:103) — 1 call site in 1 test",
                "  ✗ 24 bytes in 1 block indirectly lost from moq_subscriber_create (lib.rs:225) — 1 call site in 1 test",
                "  ✗ 16 bytes in 1 block definitely lost from moq_subscriber_create (lib.rs:223) — 1 call site in 1 test",
            ])
    }

    /// The same site in two tests' runs is one entry naming both tests and both runs.
    @Test func sameSiteInTwoTestsIsOneEntry() throws {
        let report = try Self.marked()
        let run = try #require(report.runs.first { $0.checker == .valgrind && $0.test == "leak_error_message" })
        var again = run
        again.test = "leak_error_message_again"
        for i in again.findings.indices { again.findings[i].test = "leak_error_message_again" }
        let pairs = [run, again].flatMap { r in
            r.findings.filter { $0.kind == .definitelyLost }.map { (run: r, finding: $0) }
        }
        let groups = TextReport.occurrences(pairs)
        #expect(groups.count == 1)
        let g = try #require(groups.first)
        #expect(g.tests == ["leak_error_message", "leak_error_message_again"])
        #expect(g.checkers == [.valgrind, .asan])
        #expect(g.runs.count == 2)
        #expect(
            TextReport.lead(g, withCheckers: true)
                == "definitely lost: 37 bytes in 1 blocks — in tests leak_error_message, leak_error_message_again (valgrind, asan)"
        )
    }

    /// A finding one checker alone saw names the checker and the known reason.
    @Test func oneCheckerFindingNamesTheReason() throws {
        let runs = CrossChecker.match([
            try CrossCheckerTests.run(.valgrind, "valgrind-stack.xml", exitCode: 0),
            try CrossCheckerTests.run(.asan, "asan-stack.log", exitCode: 1),
        ])
        let report = Verdict.decide(
            runs: runs, suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
        let lines = TextReport.summary(report, policy: Policy(), selector: FrameSelector()).components(
            separatedBy: "\n")
        let lead = try #require(lines.first { $0.hasPrefix("  ✗ ") })
        #expect(lead.hasPrefix("  ✗ stack buffer overflow (READ of size 4 at "))
        #expect(lead.hasSuffix(" (asan only: valgrind memcheck checks heap blocks only, not stack or global arrays)"))
    }

    /// The text reports: each site once, with "seen by" naming both checkers; the
    /// figures at the top stay the file's own checker's.
    @Test func fullReportsListEachSiteOnceWithItsCheckers() throws {
        let report = try Self.marked()
        for (checkers, suppressed) in [
            ([Checker.valgrind], "11,952 bytes in 32 blocks"), ([.asan, .lsan], "0 bytes in 0 blocks"),
        ] {
            let text = TextReport.full(
                report, checkers: checkers, policy: Policy(), title: "t", selector: ReportFixtures.selector())
            let lines = text.components(separatedBy: "\n")
            #expect(lines.contains("FAILING THE GATE (5):"))
            #expect(lines.filter { $0 == "  seen by: valgrind, asan" }.count == 5)
            #expect(lines.contains("        suppressed: \(suppressed)"))
            // valgrind splits direct and indirect bytes of a record (`+88 indirect`); LSan does not.
            #expect(
                lines.filter { $0.hasPrefix("✗ ") && $0.contains(" lost: ") }.map {
                    $0.components(separatedBy: "  [")[0]
                }
                    == (checkers == [.valgrind]
                        ? [
                            "✗ definitely lost: 24 bytes in 1 blocks — in test tests::leak_client_never_destroyed",
                            "✗ definitely lost: 37 bytes in 1 blocks — in test leak_error_message",
                            "✗ indirectly lost: 24 bytes in 1 blocks — in test leak_subscriber_with_child",
                            "✗ indirectly lost: 64 bytes in 1 blocks — in test leak_subscriber_with_child",
                            "✗ definitely lost: 16 bytes in 1 blocks (+88 indirect) — in test leak_subscriber_with_child",
                        ]
                        : [
                            "✗ definitely lost: 24 bytes in 1 blocks — in test tests::leak_client_never_destroyed",
                            "✗ definitely lost: 37 bytes in 1 blocks — in test leak_error_message",
                            "✗ definitely lost: 16 bytes in 1 blocks — in test leak_subscriber_with_child",
                            "✗ indirectly lost: 64 bytes in 1 blocks — in test leak_subscriber_with_child",
                            "✗ indirectly lost: 24 bytes in 1 blocks — in test leak_subscriber_with_child",
                        ]))
        }
    }

    static func stripANSI(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
