import Foundation
import Testing

@testable import LeakCheck

@Suite struct MergeTests {
    // MARK: fixtures built from real findings

    static func realFindings() throws -> [Finding] {
        let out = try ValgrindXMLParser.parse(fileAt: Paths.fixture("attribution/attrib-valgrind-stable.xml").path)
        try #require(out.findings.count == 5)
        return out.findings
    }

    /// A run as the engine makes it: findings, totals, status by the policy.
    static func run(
        _ executable: String, test: String?, findings: [Finding] = [], checker: Checker = .valgrind,
        featureSet: String? = nil, incomplete: String? = nil
    ) -> RunResult {
        var r = RunResult(
            checker: checker, executable: executable, arguments: test.map { [$0, "--exact"] } ?? [], test: test,
            featureSet: featureSet, exitCode: 0, findings: findings, incompleteReason: incomplete,
            logFiles: ["leakcheck-logs/\((executable as NSString).lastPathComponent)-\(test ?? "all").xml"])
        r.durationSeconds = 0.5
        r.status = Policy().status(of: r)
        return r
    }

    static func report(
        _ runs: [RunResult], suppressions: [SuppressionUsage] = [], notes: [String] = [], skipped: [SkippedChecker] = []
    ) -> Report {
        return Report(
            runs: runs, skipped: skipped, suppressions: suppressions,
            failOn: [.definitelyLost, .indirectlyLost], notes: notes)
    }

    /// The unpartitioned run: 3 binaries × their tests, in the merge's order; one leak, one memory error,
    /// harness noise in every run, a suppressed record.
    static func wholeRuns() throws -> [RunResult] {
        let f = try realFindings()
        var suppressed = f[3]
        suppressed.suppressedBy = "rust-libtest-main-thread-handle"
        suppressed.suppressionSource = "suppressions/rust-std.supp:12"
        var leak = f[2]
        leak.test = "tests::leaks_in_body"
        leak.attributedBy = .stack
        let uaf = Finding(
            kind: .useAfterFree, rawKind: "InvalidRead", bytes: 8, message: "Invalid read of size 8",
            test: "uaf_subscriber_after_destroy")
        var runs: [RunResult] = []
        for t in [
            "tests::clean", "tests::leaks_in_body", "tests::leaks_in_named_thread_fn",
            "tests::leaks_in_spawned_closure",
        ] {
            runs.append(
                run(
                    "/w/target/debug/deps/attrib-77d7e2acbc43aa19", test: t,
                    findings: (t == "tests::leaks_in_body" ? [leak] : []) + [suppressed, f[4]]))
        }
        for t in ["client_lifecycle", "many_clients", "uaf_subscriber_after_destroy"] {
            runs.append(
                run(
                    "/w/target/debug/deps/lifecycle-085cbde5f8ae9c25", test: t,
                    findings: t.hasPrefix("uaf") ? [uaf] : [f[4]]))
        }
        for t in ["publish_then_subscribe_several_tracks", "reconnect_keeps_no_state"] {
            runs.append(run("/w/target/debug/deps/pubsub-9d08690f8351b990", test: t, featureSet: "with_moq"))
        }
        return runs
    }

    static let usage = [
        SuppressionUsage(
            name: "rust-libtest-main-thread-handle", source: "suppressions/rust-std.supp:12", count: 0, bytes: 0),
        SuppressionUsage(name: "glibc-tls", source: "suppressions/rust-std.supp:30", count: 0),
    ]

    /// Splits the whole run's jobs by `hash:K/3`, each partition a report of its own (through JSON).
    static func partitions(of runs: [RunResult], total: Int = 3) throws -> [PartitionReport] {
        try (1...total).map { k in
            let p = Partition(kind: .hash, index: k, total: total)
            let mine = runs.filter { p.select([TestID(binary: $0.executable, test: $0.test)]).count == 1 }
            var use = usage
            for r in mine {
                for f in r.findings where f.suppressedBy != nil {
                    let i = use.firstIndex { $0.source == f.suppressionSource }!
                    use[i].count += 1
                    use[i].bytes += f.bytes ?? 0
                }
            }
            let data = try JSONReport.encode(report(mine, suppressions: use, notes: ["toolchain: stable"]))
            return PartitionReport(
                report: try JSONDecoder().decode(Report.self, from: data), partition: p.spec,
                source: "leakcheck-\(k).json")
        }
    }

    // MARK: JSON round trip

    /// A report `JSONReport.encode` wrote decodes to the same report: the merge reads partitions this way.
    @Test func jsonReportDecodesToWhatWasEncoded() throws {
        var runs = try Self.wholeRuns()
        runs[1].findings[0].boundary = Boundary(
            function: "moq_client_create", file: "src/lib.rs", line: 40,
            caller: CodeLocation(function: "attrib::tests::leaks_in_body", file: "src/lib.rs", line: 28),
            release: "moq_client_destroy")
        runs[1].findings[0].count = 2
        runs[1].findings[0].seenBy = [.valgrind, .asan]
        runs[1].findings[0].baseline = .new
        runs[1].findings[0].auxiliary = [
            AuxiliaryStack(what: "freed by", stack: [Frame(function: "free", object: "/lib/x.so")])
        ]
        runs[1].failedTests = ["tests::leaks_in_body"]
        runs[1].signal = "SIGSEGV"
        runs[1].exitCode = nil
        runs[2].source = .ctest
        runs[3].timedOut = true
        runs[3].incompleteReason = "timed out after 5 s"
        var report = Self.report(
            runs, suppressions: Self.usage, notes: ["n"],
            skipped: [SkippedChecker(checker: .asan, reason: "no nightly")])
        report.interrupted = true
        report.suppressions[0].checkerCount = 3
        report.suppressions[0].overBroad = true
        let data = try JSONReport.encode(report)
        let decoded = try JSONDecoder().decode(Report.self, from: data)
        #expect(try JSONReport.encode(decoded) == data)
        #expect(decoded.runs.map(\.findings) == report.runs.map(\.findings))
        #expect(decoded.runs.map(\.totals) == report.runs.map(\.totals))
        #expect(decoded.totals == report.totals)
        #expect(decoded.runs[2].source == .ctest)
        #expect(decoded.interrupted)
    }

    // MARK: merge

    /// 3 partitions merged are the unpartitioned run: same runs, findings, totals, statuses, exit code.
    @Test func threePartitionsMergedEqualTheWholeRun() throws {
        let runs = try Self.wholeRuns()
        var use = Self.usage
        use[0].count = 4
        use[0].bytes = 4 * 48
        let whole = Self.report(runs, suppressions: use, notes: ["toolchain: stable"])
        let parts = try Self.partitions(of: runs)
        // Each part holds some runs (hash:K/3 splits these 9 jobs 3/1/5), none holds all.
        #expect(parts.map(\.report.runs.count) == Self.expectedSplit)
        let merged = ReportMerger.merge(parts)
        #expect(merged.status == .findings)
        #expect(merged.exitCode == 1)
        #expect(try JSONReport.encode(merged) == JSONReport.encode(whole))
        // Whatever order the files come in.
        #expect(try JSONReport.encode(ReportMerger.merge(parts.reversed())) == JSONReport.encode(whole))
        #expect(try JSONReport.encode(ReportMerger.merge(parts, expectedPartitions: 3)) == JSONReport.encode(whole))
        // The tuple form, and the whole run's runs in another order put in canonical order.
        #expect(
            try JSONReport.encode(ReportMerger.merge(reports: parts.map { ($0.report, $0.partition) }))
                == JSONReport.encode(whole))
        #expect(ReportMerger.canonicalOrder(runs.reversed()).map(\.test) == runs.map(\.test))
    }

    static let expectedSplit = [3, 1, 5]

    @Test func aMissingPartitionIsIncompleteNeverClean() throws {
        let runs = try Self.wholeRuns().filter { $0.findings.allSatisfy { $0.kind != .useAfterFree && $0.test == nil } }
        let parts = try Self.partitions(of: runs)
        #expect(ReportMerger.merge(parts).exitCode == 0)  // all three: clean
        let merged = ReportMerger.merge([parts[0], parts[2]])
        #expect(merged.status == .incomplete)
        #expect(merged.exitCode == 3)
        #expect(merged.notes == ["toolchain: stable", "missing partition 2/3"])
        // Told how many to expect, a lone part is missing the others.
        #expect(ReportMerger.merge([parts[1]], expectedPartitions: 3).notes.last == "missing partitions 1/3, 3/3")
        // Nothing at all to merge.
        let none = ReportMerger.merge([])
        #expect(none.exitCode == 3)
        #expect(none.notes == ["no report to merge"])
    }

    @Test func anIncompleteOrInterruptedPartitionMakesTheMergeIncomplete() throws {
        var runs = try Self.wholeRuns()
        runs = runs.filter { $0.findings.allSatisfy { $0.kind != .useAfterFree && $0.test == nil } }
        var parts = try Self.partitions(of: runs)
        // An incomplete run in part 2 (valgrind output cut short).
        let i = parts[1].report.runs.indices.first!
        parts[1].report.runs[i].incompleteReason = "valgrind XML ends before FINISHED"
        parts[1].report.runs[i].status = .incomplete
        let merged = ReportMerger.merge(parts)
        #expect(merged.exitCode == 3)
        #expect(merged.notes == ["toolchain: stable", "leakcheck-2.json is incomplete"])
        // A part whose report says incomplete though its runs look clean (a build failure before any run).
        var noRuns = try Self.partitions(of: runs)
        noRuns[2].report = Report(runs: [], failOn: [.definitelyLost, .indirectlyLost], notes: ["cargo build failed"])
        #expect(ReportMerger.merge(noRuns).exitCode == 3)
        #expect(
            ReportMerger.merge(noRuns).notes == [
                "toolchain: stable", "cargo build failed", "leakcheck-3.json is incomplete",
            ])
        // Interrupted: incomplete (3), not 130: the merge itself was not interrupted.
        var interrupted = try Self.partitions(of: runs)
        interrupted[0].report.interrupted = true
        let m = ReportMerger.merge(interrupted)
        #expect((m.status, m.exitCode, m.interrupted) == (.incomplete, 3, false))
        #expect(m.notes.last == "leakcheck-1.json was interrupted")
    }

    @Test func duplicatedOrForeignPartitionsAreIncomplete() throws {
        let runs = try Self.wholeRuns().filter { $0.findings.allSatisfy { $0.test == nil && $0.kind != .useAfterFree } }
        let parts = try Self.partitions(of: runs)
        // The same part uploaded twice: counted once, and the merge says so.
        let twice = ReportMerger.merge(parts + [parts[1]])
        #expect(twice.exitCode == 3)
        #expect(twice.runs.count == runs.count)
        #expect(twice.notes.last == "partition 2/3 given more than once (leakcheck-2.json ignored)")
        // A part of a 4-way split among 3-way ones.
        var foreign = parts
        foreign[2].partition = PartitionSpec(index: 3, total: 4)
        let m = ReportMerger.merge(foreign, expectedPartitions: 3)
        #expect(m.exitCode == 3)
        #expect(m.notes.contains("leakcheck-3.json is partition 3/4, expected one of 3"))
        #expect(
            ReportMerger.merge(foreign).notes == [
                "toolchain: stable", "the reports disagree on the number of partitions (3, 4)",
            ])
        #expect(ReportMerger.merge(foreign).exitCode == 3)
        // A partition that cannot exist.
        var impossible = parts
        impossible[0].partition = PartitionSpec(index: 4, total: 3)
        #expect(
            ReportMerger.merge(impossible).notes == [
                "toolchain: stable", "leakcheck-1.json states partition 4/3, which does not exist",
                "missing partition 1/3",
            ])
        // Reports that do not say which part they are, with an expected count: cannot be trusted.
        let anonymous = parts.map { PartitionReport(report: $0.report, partition: nil) }
        let a = ReportMerger.merge(anonymous, expectedPartitions: 3)
        #expect(a.exitCode == 3)
        #expect(a.notes.contains("report 1 does not say which partition it is"))
        // Without: merged, with a note that a missing one cannot be seen.
        let b = ReportMerger.merge(anonymous)
        #expect(b.exitCode == 0)
        #expect(
            b.notes == [
                "toolchain: stable",
                "the reports do not say which partitions they are: a missing one cannot be detected",
            ])
    }

    @Test func suppressionUseSummedNotesAndSkippedMerged() throws {
        let a = Self.report(
            [Self.run("/a", test: "t")],
            suppressions: [
                SuppressionUsage(name: "x", source: "a.supp:1", count: 2, bytes: 80, overBroad: false, checkerCount: 2),
                SuppressionUsage(name: "y", source: "a.supp:9", count: 0),
            ], notes: ["one", "two"], skipped: [SkippedChecker(checker: .asan, reason: "no nightly")])
        let b = Self.report(
            [Self.run("/b", test: "t")],
            suppressions: [
                SuppressionUsage(name: "y", source: "a.supp:9", count: 1, bytes: 16, overBroad: true),
                SuppressionUsage(name: "x", source: "a.supp:1", count: 3, bytes: 120, checkerCount: nil),
                SuppressionUsage(name: "z", source: "b.supp:4", count: 1, bytes: 8),
            ], notes: ["two", "three"],
            skipped: [
                SkippedChecker(checker: .asan, reason: "no nightly"), SkippedChecker(checker: .lsan, reason: "r"),
            ])
        let m = ReportMerger.merge([
            PartitionReport(report: b, partition: PartitionSpec(index: 2, total: 2)),
            PartitionReport(report: a, partition: PartitionSpec(index: 1, total: 2)),
        ])
        #expect(
            m.suppressions == [
                SuppressionUsage(
                    name: "x", source: "a.supp:1", count: 5, bytes: 200, overBroad: false, checkerCount: 2),
                SuppressionUsage(name: "y", source: "a.supp:9", count: 1, bytes: 16, overBroad: true),
                SuppressionUsage(name: "z", source: "b.supp:4", count: 1, bytes: 8),
            ])
        #expect(m.notes == ["one", "two", "three"])
        #expect(m.skipped.map { "\($0.checker):\($0.reason)" } == ["asan:no nightly", "lsan:r"])
        #expect(m.exitCode == 0)
        #expect(m.runs.map(\.executable) == ["/a", "/b"])
    }

    /// Runs sorted: checker, source, feature set, executable, tests by name, the whole/residual run last.
    @Test func runOrder() throws {
        let runs = [
            Self.run("/b", test: nil), Self.run("/b", test: "z"), Self.run("/a", test: "y", checker: .asan),
            Self.run("/a", test: "x"), Self.run("/a", test: "x", featureSet: "with_moq"), Self.run("/b", test: "c"),
        ]
        let m = ReportMerger.merge([PartitionReport(report: Self.report(runs), partition: nil)])
        #expect(
            m.runs.map { "\($0.checker) \($0.featureSet ?? "-") \($0.executable) \($0.test ?? "(whole)")" } == [
                "valgrind - /a x", "valgrind - /b c", "valgrind - /b z", "valgrind - /b (whole)",
                "valgrind with_moq /a x", "asan - /a y",
            ])
    }
}
