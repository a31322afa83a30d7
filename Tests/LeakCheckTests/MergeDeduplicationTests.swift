import Testing

@testable import LeakCheck

@Suite struct MergeDeduplicationTests {
    /// The same sanitizer report twice in one run's logs (a program that forks writes one
    /// `log_path` file per process): every record appears twice, with its own addresses.
    @Test func repeatedRecordsStoredOnceWithACount() throws {
        let text = try Paths.fixtureText("logs/sanitizer/rust-nightly-asan-cargo-test-leak.log")
        let once = SanitizerLogParser.parse(text: text).findings
        try #require(once.count == 2)
        let twice = SanitizerLogParser.parse(text: text + "\n" + text).findings
        try #require(twice.count == 4)
        var third = once[0]
        third.message = "Direct leak of 16 byte(s) in 1 object(s) allocated from: (another process)"
        third.stack[0].address = "0xdeadbeef"
        let findings = twice + [third]
        let deduped = FindingDeduplication.deduplicate(findings)
        #expect(deduped.map(\.fingerprint) == once.map(\.fingerprint))
        #expect(deduped.map(\.count) == [3, 2])
        #expect(deduped[0].message == once[0].message)  // the first occurrence is kept
        #expect(Totals(findings: deduped) == Totals(findings: findings))
        #expect(Totals(findings: deduped).definitelyLost == Tally(bytes: 48, blocks: 3))
        #expect(Totals(findings: deduped).indirectlyLost == Tally(bytes: 128, blocks: 2))
        // Deduplicating again changes nothing.
        #expect(FindingDeduplication.deduplicate(deduped) == deduped)
    }

    /// Same stack but another size, test, attribution or suppression: not the same finding.
    @Test func differentFiguresTestOrSuppressionStaySeparate() throws {
        let base = SanitizerLogParser.parse(
            text: try Paths.fixtureText("logs/sanitizer/rust-nightly-asan-cargo-test-leak.log")
        ).findings[0]
        var bigger = base
        bigger.bytes = 32
        var otherTest = base
        otherTest.test = "tests::does_not_leak"
        var byStack = base
        byStack.test = "tests::leaks_box_child"
        byStack.attributedBy = .stack
        var byRerun = byStack
        byRerun.attributedBy = .rerun
        var suppressed = base
        suppressed.suppressedBy = "x"
        var indirect = base
        indirect.indirectBytes = 64
        let all = [base, bigger, otherTest, byStack, byRerun, suppressed, indirect]
        #expect(FindingDeduplication.deduplicate(all) == all)
        #expect(FindingDeduplication.deduplicate(all + all).map(\.count) == Array(repeating: 2, count: 7))
        // A thread id is not part of the identity (the same leak on two threads is one finding, twice).
        var otherThread = base
        otherThread.thread = "T3"
        #expect(FindingDeduplication.deduplicate([base, otherThread]).map(\.count) == [2])
    }

    /// Errors and suppressed records count `count` times in the totals, like leaks.
    @Test func countedTotalsForErrorsAndSuppressed() {
        var uaf = Finding(kind: .useAfterFree, rawKind: "heap-use-after-free", bytes: 8, message: "READ of size 8")
        uaf.count = 4
        var supp = Finding(kind: .possiblyLost, rawKind: "Leak_PossiblyLost", bytes: 48, blocks: 1, message: "")
        supp.suppressedBy = "harness"
        supp.count = 3
        var suppErr = Finding(kind: .invalidRead, rawKind: "InvalidRead", message: "")
        suppErr.suppressedBy = "x"
        suppErr.count = 2
        let t = Totals(findings: [uaf, supp, suppErr])
        #expect(t.errors == 4)
        #expect(t.suppressed == Tally(bytes: 144, blocks: 3))
        #expect(t.suppressedErrors == 2)
        #expect(t.definitelyLost == .zero)
    }

    /// A whole run deduplicated keeps its totals.
    @Test func runKeepsItsTotals() throws {
        let text = try Paths.fixtureText("logs/sanitizer/rust-stable-bootstrap-asan-cargo-test-leak.log")
        let findings = SanitizerLogParser.parse(text: text + text + text).findings
        let run = RunResult(checker: .asan, executable: "/t/sanfix", arguments: [], findings: findings)
        let deduped = FindingDeduplication.deduplicate(run)
        #expect(deduped.findings.count == 2)
        #expect(deduped.findings.map(\.count) == [3, 3])
        #expect(deduped.totals == run.totals)
        #expect(deduped.totals.definitelyLost == Tally(bytes: 48, blocks: 3))
    }
}

@Suite struct DeduplicationIdentityTests {
    /// Two allocation sites in one function share a fingerprint (it leaves line numbers
    /// out) but are two findings; the same site twice is one finding counted twice.
    @Test func twoSitesInOneFunctionAreNotOneFinding() {
        func leak(line: Int) -> Finding {
            Finding(
                kind: .indirectlyLost, rawKind: "Indirect leak", bytes: 16, blocks: 1, message: "",
                stack: [Frame(function: "malloc"), Frame(function: "leaks", file: "/s/x.c", line: line)])
        }
        let a = leak(line: 16)
        let b = leak(line: 17)
        #expect(a.fingerprint == b.fingerprint)
        let deduped = FindingDeduplication.deduplicate([a, b, a])
        #expect(deduped.map { $0.stack[1].line } == [16, 17])
        #expect(deduped.map(\.count) == [2, nil])
        #expect(Totals(findings: deduped).indirectlyLost == Tally(bytes: 48, blocks: 3))
    }
}
