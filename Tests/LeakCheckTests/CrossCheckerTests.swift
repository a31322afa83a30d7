import Foundation
import Testing

@testable import LeakCheck

/// Cross-checker matching on real captures: the fixture crate's `all` run with
/// `leak_demo` (valgrind per test, ASan per test) and one C program run under
/// both checkers (`Tests/Fixtures/crosschecker`).
@Suite struct CrossCheckerTests {
    /// `(checker, kind, bytes, test, seenBy)` of every unsuppressed leak or error (still-reachable left out).
    static func rows(_ runs: [RunResult]) -> [String] {
        runs.flatMap { r in
            r.findings.filter { $0.suppressedBy == nil && $0.kind != .stillReachable }.map { f in
                "\(r.checker.rawValue) \(f.kind.rawValue) \(f.bytes ?? -1) \(f.test ?? "-") "
                    + (f.seenBy?.map(\.rawValue).joined(separator: "+") ?? "nil")
            }
        }
    }

    static func run(_ checker: Checker, _ relative: String, exitCode: Int32) throws -> RunResult {
        let path = Paths.fixture("crosschecker/" + relative).path
        let output: CheckerOutput =
            checker == .valgrind
            ? try ValgrindXMLParser.parse(fileAt: path)
            : SanitizerLogParser.parse(text: try Paths.fixtureText("crosschecker/" + relative))
        return RunResult(
            checker: checker, executable: "xcheck", arguments: [], exitCode: exitCode, findings: output.findings,
            logFiles: [path])
    }

    /// The five leaks of moq_ffi/EXPECTED.md, each in both checkers' runs, all marked seen by both.
    @Test func fixtureLeaksAreSeenByBothCheckers() throws {
        let report = try ReportFixtures.leak()
        #expect(report.runs.flatMap(\.findings).allSatisfy { $0.seenBy == nil }, "the capture predates matching")
        let runs = CrossChecker.match(report.runs)
        #expect(
            Self.rows(runs) == [
                "valgrind definitelyLost 24 tests::leak_client_never_destroyed valgrind+asan",
                "valgrind definitelyLost 37 leak_error_message valgrind+asan",
                "valgrind indirectlyLost 24 leak_subscriber_with_child valgrind+asan",
                "valgrind indirectlyLost 64 leak_subscriber_with_child valgrind+asan",
                "valgrind definitelyLost 16 leak_subscriber_with_child valgrind+asan",
                "asan definitelyLost 24 tests::leak_client_never_destroyed valgrind+asan",
                "asan definitelyLost 37 leak_error_message valgrind+asan",
                "asan definitelyLost 16 leak_subscriber_with_child valgrind+asan",
                "asan indirectlyLost 64 leak_subscriber_with_child valgrind+asan",
                "asan indirectlyLost 24 leak_subscriber_with_child valgrind+asan",
            ])
        #expect(runs.flatMap(\.findings).allSatisfy { $0.seenByReason == nil })
        // Suppressed std-harness findings and still-reachable blocks are not sites to pair.
        let untouched = runs.flatMap(\.findings).filter { $0.suppressedBy != nil || $0.kind == .stillReachable }
        #expect(untouched.count == 32)  // the 32 suppressed std-harness findings of reports/README.md
        #expect(untouched.allSatisfy { $0.seenBy == nil })
        // The per-checker totals are what each checker said.
        for checker in [Checker.valgrind, .asan] {
            let before = report.runs.filter { $0.checker == checker }.reduce(Totals()) { $0 + $1.totals }
            let after = runs.filter { $0.checker == checker }.reduce(Totals()) { $0 + $1.totals }
            #expect(before == after)
        }
        // Five distinct sites, the same five the SARIF/annotation key (`DistinctFindings`) gives.
        let sites = Set(runs.flatMap(\.findings).compactMap(CrossChecker.siteKey))
        #expect(sites.count == 5)
        var marked = report
        marked.runs = runs
        let distinct = DistinctFindings.of(marked) { $0.suppressedBy == nil && $0.kind != .stillReachable }
        #expect(distinct.map(\.checkers) == Array(repeating: [.valgrind, .asan], count: 5))
    }

    /// One checker: nothing to compare, nothing changes.
    @Test func oneCheckerLeavesTheRunsAlone() throws {
        let valgrindOnly = try ReportFixtures.leak().runs.filter { $0.checker == .valgrind }
        let runs = CrossChecker.match(valgrindOnly)
        #expect(runs.flatMap(\.findings) == valgrindOnly.flatMap(\.findings))
    }

    /// A checker whose build failed (an incomplete run without findings) saw nothing:
    /// the other checker's leaks are not called "seen only by valgrind".
    @Test func aCheckerThatNeverRanIsNotCompared() throws {
        let valgrind = try ReportFixtures.leak().runs.filter { $0.checker == .valgrind }
        let broken = RunResult(
            checker: .asan, executable: "cargo", arguments: ["build"], status: .incomplete,
            incompleteReason: "cargo build failed")
        let runs = CrossChecker.match(valgrind + [broken])
        #expect(runs.flatMap(\.findings) == (valgrind + [broken]).flatMap(\.findings))
    }

    /// The C program: malloc(0) is 0 bytes to valgrind and 1 to LSan, a cycle is
    /// definitely+indirectly lost to valgrind and all-indirect to LSan; still one
    /// site each, and three mallocs in one function stay three sites.
    @Test func cLeaksPairDespiteTheCheckersClassifyingThemDifferently() throws {
        let runs = CrossChecker.match([
            try Self.run(.valgrind, "valgrind-leaks.xml", exitCode: 0),
            try Self.run(.asan, "asan-leaks.log", exitCode: 1),
        ])
        #expect(
            Self.rows(runs) == [
                "valgrind definitelyLost 0 - valgrind+asan",
                "valgrind indirectlyLost 16 - valgrind+asan",
                "valgrind definitelyLost 16 - valgrind+asan",
                "valgrind definitelyLost 16 - valgrind+asan",
                "asan definitelyLost 16 - valgrind+asan",
                "asan definitelyLost 1 - valgrind+asan",
                "asan indirectlyLost 16 - valgrind+asan",
                "asan indirectlyLost 16 - valgrind+asan",
            ])
        let lines = runs.flatMap { r in
            r.findings.map { f in
                "\(r.checker.rawValue) \(f.kind.rawValue) \(f.bytes ?? -1) line \(f.stack.first { $0.function == "leaks" }?.line ?? -1)"
            }
        }
        #expect(
            lines == [
                "valgrind definitelyLost 0 line 11", "valgrind indirectlyLost 16 line 17",
                "valgrind definitelyLost 16 line 13",
                "valgrind definitelyLost 16 line 16", "asan definitelyLost 16 line 13", "asan definitelyLost 1 line 11",
                "asan indirectlyLost 16 line 17", "asan indirectlyLost 16 line 16",
            ])
        #expect(Set(runs.flatMap(\.findings).compactMap(CrossChecker.siteKey)).count == 4)
        #expect(runs.flatMap(\.findings).allSatisfy { $0.seenByReason == nil })
    }

    /// ASan's stack-buffer-overflow has no valgrind counterpart: seen by asan only, with why.
    @Test func stackOverflowIsAsanOnlyWithTheReason() throws {
        let runs = CrossChecker.match([
            try Self.run(.valgrind, "valgrind-stack.xml", exitCode: 0),
            try Self.run(.asan, "asan-stack.log", exitCode: 1),
        ])
        let f = try #require(runs.flatMap(\.findings).first)
        #expect(runs.flatMap(\.findings).count == 1)
        #expect(f.kind == .stackBufferOverflow)
        #expect(f.seenBy == [.asan])
        #expect(f.seenByReason == CrossChecker.Reason.stackOrGlobal)
    }

    /// valgrind's uninitialised conditional jump, with a clean ASan run of the same program.
    @Test func uninitialisedReadIsValgrindOnlyWithTheReason() throws {
        let asan = RunResult(checker: .asan, executable: "xcheck", arguments: ["uninit"], exitCode: 0)
        let runs = CrossChecker.match([try Self.run(.valgrind, "valgrind-uninit.xml", exitCode: 0), asan])
        let f = try #require(runs.flatMap(\.findings).first)
        #expect(runs.flatMap(\.findings).count == 1)
        #expect(f.kind == .uninitialisedValue)
        #expect(f.seenBy == [.valgrind])
        #expect(f.seenByReason == CrossChecker.Reason.uninitialised)
    }

    /// Unpaired leaks get the known reason: a 0-byte block (malloc(0)), an indirect
    /// leak (a cycle); a plain direct leak one checker alone saw gets none.
    @Test func unpairedLeaksGetTheKnownReasonOnly() throws {
        let valgrind = try Self.run(.valgrind, "valgrind-leaks.xml", exitCode: 0)
        let emptyAsan = RunResult(checker: .asan, executable: "xcheck", arguments: ["leaks"], exitCode: 0)
        let runs = CrossChecker.match([valgrind, emptyAsan])
        #expect(
            runs[0].findings.map { "\($0.kind.rawValue) \($0.bytes ?? -1): \($0.seenByReason ?? "nil")" } == [
                "definitelyLost 0: \(CrossChecker.Reason.mallocZero)",
                "indirectlyLost 16: \(CrossChecker.Reason.freedCycle)",
                "definitelyLost 16: nil",
                "definitelyLost 16: nil",
            ])
        #expect(runs[0].findings.allSatisfy { $0.seenBy == [.valgrind] })
        // LSan's view of a real cycle (ClusterFuzz): only indirect entries, each with the reason.
        let cycle = SanitizerLogParser.parse(
            text: try Paths.corpusText("other/clusterfuzz/lsan_indirect_leak_cycle.txt"))
        let lsan = RunResult(checker: .lsan, executable: "fuzzer", arguments: [], exitCode: 1, findings: cycle.findings)
        let cleanValgrind = RunResult(checker: .valgrind, executable: "fuzzer", arguments: [], exitCode: 0)
        let marked = CrossChecker.match([cleanValgrind, lsan])[1].findings
        #expect(marked.map(\.kind) == Array(repeating: .indirectlyLost, count: marked.count))
        #expect(marked.map(\.seenByReason) == Array(repeating: CrossChecker.Reason.freedCycle, count: marked.count))
        #expect(marked.reduce(0) { $0 + ($1.bytes ?? 0) } == 288)
    }

    /// The engine's one call: `decide` marks before the verdict, so the JSON carries `seenBy`.
    @Test func engineDecideMarksFindings() throws {
        let report = try ReportFixtures.leak()
        let context = RunContext(
            options: try Options.parse(["all"]), console: Console(verbosity: .quiet), supervisor: Supervisor(),
            environment: [:], suppressions: [])
        let decided = Engine(context: context).decide(runs: report.runs, skipped: [])
        let json = String(decoding: try JSONEncoder().encode(decided), as: UTF8.self)
        #expect(json.components(separatedBy: "\"seenBy\":[\"valgrind\",\"asan\"]").count - 1 == 10)
    }
}
