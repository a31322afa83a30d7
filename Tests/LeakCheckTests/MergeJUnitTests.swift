import Foundation
import FoundationXML
import Testing

@testable import LeakCheck

/// `merge --junit` has the testcases of the unpartitioned run, and an empty
/// partition is clean and merges as such (issue 19).
@Suite struct MergeJUnitTests {
    static let binary = "/w/target/debug/deps/moq_ffi-a3b17d4f1f71b605"
    static let listing = TestList(
        tests: ["a_clean", "b_leaks", "c_clean", "d_clean", "z_ignored"], ignored: ["z_ignored"])

    static func leak(_ test: String) -> Finding {
        Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 24, blocks: 1, message: "24 bytes", test: test
        )
    }

    /// A combined (sharded) run of `tests`, as the scheduler writes it.
    static func run(_ tests: [String], checker: Checker = .valgrind) -> RunResult {
        var r = RunResult(
            checker: checker, executable: binary, arguments: [], exitCode: 0,
            findings: tests.contains("b_leaks") ? [leak("b_leaks")] : [])
        r.tests = tests
        r.ignoredTests = ["z_ignored"]
        r.status = Policy().status(of: r)
        return r
    }

    /// (classname/name, outcome) of every testcase.
    static func testcases(_ xml: String) throws -> [String] {
        let doc = try XMLDocument(data: Data(xml.utf8))
        return try doc.nodes(forXPath: "//testcase").map { n in
            let e = try #require(n as? XMLElement)
            let outcome =
                e.elements(forName: "failure").isEmpty
                ? e.elements(forName: "error").isEmpty
                    ? e.elements(forName: "skipped").isEmpty ? "passed" : "skipped"
                    : "error" : "failure"
            let id =
                "\(e.attribute(forName: "classname")?.stringValue ?? "?")/\(e.attribute(forName: "name")?.stringValue ?? "?")"
            return "\(id) \(outcome)"
        }.sorted()
    }

    /// Through the JSON, as `merge` reads each partition's report.
    static func readBack(_ report: Report, partition: PartitionSpec?) throws -> PartitionReport {
        var report = report
        report.partition = partition
        let data = try JSONReportRenderer(path: "-").render(report, context: RenderContext(policy: Policy()))
        return PartitionReport(report: try JSONDecoder().decode(Report.self, from: data), partition: partition)
    }

    @Test(arguments: [1, 3])
    func mergedJUnitHasTheUnpartitionedTestcases(partitions: Int) throws {
        let checkers: [Checker] = [.valgrind, .asan]
        let whole = Report(
            runs: checkers.map { Self.run(["a_clean", "b_leaks", "c_clean", "d_clean"], checker: $0) },
            failOn: [.definitelyLost])
        let live = try Self.testcases(
            JUnitRenderer.xml(whole, policy: Policy(), listings: [Self.binary: Self.listing]))
        #expect(live.count == 10)
        #expect(
            live.filter { $0.hasSuffix(" failure") } == [
                "asan.moq_ffi/b_leaks failure", "valgrind.moq_ffi/b_leaks failure",
            ])
        #expect(live.filter { $0.hasSuffix(" skipped") }.count == 2)

        // Each partition runs its share of the tests (one partition may get none of this binary).
        let shares: [[String]] =
            partitions == 1
            ? [["a_clean", "b_leaks", "c_clean", "d_clean"]] : [["a_clean", "d_clean"], ["b_leaks"], ["c_clean"]]
        let parts = try shares.enumerated().map { k, tests in
            try Self.readBack(
                Report(runs: checkers.map { Self.run(tests, checker: $0) }, failOn: [.definitelyLost]),
                partition: PartitionSpec(index: k + 1, total: partitions))
        }
        let merged = ReportMerger.merge(parts)
        #expect(merged.exitCode == ExitCode.findings)
        let junit = try Self.testcases(JUnitRenderer.xml(merged, policy: Policy(), listings: [:]))
        #expect(junit == live)
    }

    @Test func anEmptyPartitionIsCleanWithOneNoteAndMerges() throws {
        var empty = Report(runs: [], failOn: [.definitelyLost])
        empty.partition = PartitionSpec(index: 3, total: 3, jobs: 0)
        #expect(empty.status == .clean)
        #expect(empty.exitCode == ExitCode.clean)
        // Without the count (an older report) or with jobs that produced no run: never clean.
        var unknown = empty
        unknown.partition = PartitionSpec(index: 3, total: 3)
        #expect(unknown.exitCode == ExitCode.incomplete)
        var lost = empty
        lost.partition = PartitionSpec(index: 3, total: 3, jobs: 2)
        #expect(lost.exitCode == ExitCode.incomplete)
        // A recorded problem still makes it incomplete.
        var broken = empty
        broken.incompleteReasons = ["cannot write report.json"]
        #expect(broken.exitCode == ExitCode.incomplete)

        let back = try Self.readBack(empty, partition: empty.partition)
        #expect(back.report.partition?.jobs == 0)
        #expect(back.report.exitCode == ExitCode.clean)
        let parts = [
            try Self.readBack(
                Report(runs: [Self.run(["a_clean", "b_leaks"])], failOn: [.definitelyLost]),
                partition: PartitionSpec(index: 1, total: 3, jobs: 2)),
            try Self.readBack(
                Report(runs: [Self.run(["c_clean", "d_clean"])], failOn: [.definitelyLost]),
                partition: PartitionSpec(index: 2, total: 3, jobs: 2)),
            back,
        ]
        let merged = ReportMerger.merge(parts)
        #expect(merged.incompleteReasons == [])
        #expect(merged.exitCode == ExitCode.findings)
        let clean = ReportMerger.merge([parts[1], back])
        #expect(clean.incompleteReasons == ["missing partition 1/3"])
    }

    /// hash:K/N over a few jobs can leave a bucket empty; every job is still in exactly one.
    @Test func everyJobIsInExactlyOnePartitionEvenWhenOneIsEmpty() throws {
        let jobs = ["a", "b", "c", "d"].map { TestID(binary: "moq_ffi", test: $0) }
        let n = try #require(
            (2...8).first { n in Set(Partition(kind: .hash, index: 1, total: n).assignments(jobs)).count < n })
        let selections = (1...n).map { Partition(kind: .hash, index: $0, total: n).select(jobs) }
        #expect(selections.contains { $0.isEmpty })
        #expect(selections.flatMap { $0 }.sorted() == jobs.sorted())
        #expect(Set(selections.flatMap { $0 }).count == jobs.count)
    }
}
