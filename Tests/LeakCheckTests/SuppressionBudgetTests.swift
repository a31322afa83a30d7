import Foundation
import Testing

@testable import LeakCheck

/// Issue 21: matching many entries against deep stacks is fast (`...` runs are
/// searched as one, literal lines prefilter), and a budget that scales with the
/// input stops pathological wildcard work with an incomplete verdict, never a
/// silent pass.
@Suite struct SuppressionBudgetTests {
    static func leak(_ stack: [Frame]) -> Finding {
        Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: "m", stack: stack)
    }

    static func entries(_ count: Int, _ body: (Int) -> String) throws -> [Suppression] {
        var text = ""
        for k in 0..<count { text += "{\n e\(k)\n Memcheck:Leak\n" + body(k) + "}\n" }
        return try SuppressionParser.parse(text: text, file: "many.supp")
    }

    /// 10,000 entries of 20 `...` lines (each over-broad for an own-code stack, so
    /// every entry is tried looking for a precise one) against a 502-frame stack.
    @Test func tenThousandEllipsisEntriesAgainstA502FrameStack() throws {
        let dots = String(repeating: " ...\n", count: 20)
        let entries = try Self.entries(10_000) { _ in " fun:*\n" + dots }
        let stack = (0..<502).map { Frame(function: "moq_ffi::f\($0)", file: "/crate/src/lib.rs", line: $0 + 1) }
        let own = OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/crate/src"])
        let matcher = SuppressionMatcher(entries)
        // With broad entries allowed the over-broad match suppresses (and names itself);
        // by default it would leave the finding unsuppressed, after the same search.
        let applied = SuppressionApplier.apply(
            matcher, to: [Self.leak(stack)], checker: .valgrind, ownCode: own, allowBroad: true)
        // The budget is a count of work, not a time (13.8 s in a debug build when every entry
        // recomputed the own-code frames): the search finishes well inside it.
        #expect(applied.findings[0].suppressedBy == "e0")
        #expect(applied.findings[0].suppressionOverBroad == true)
        #expect(applied.incompleteReason == nil)
    }

    /// The same with a literal line each entry's stack does not hold: the
    /// prefilter rejects them without a search.
    @Test func literalLinesPrefilterEntries() throws {
        let dots = String(repeating: " ...\n", count: 20)
        let entries = try Self.entries(10_000) { k in dots + " fun:absent_\(k)\n" + dots }
        let stack = (0..<502).map { Frame(function: "f\($0)") }
        var cost = SuppressionMatcher.Cost()
        let m = SuppressionMatcher(entries).firstMatch(Self.leak(stack), checker: .valgrind, cost: &cost)
        #expect(m == nil)
        #expect(!cost.exhausted)
        // One set look-up per literal line, no search.
        #expect(cost.steps == 10_000)
    }

    /// `...` runs give the frames they take the run's first line, as before.
    @Test func collapsedRunsReportTheFirstLineOfTheRun() {
        var steps = 0
        let patterns: [FramePattern] = [.fun("malloc"), .ellipsis, .ellipsis, .ellipsis, .fun("main")]
        let stack = ["malloc", "x", "y", "main"].map { Frame(function: $0) }
        #expect(SuppressionMatcher.valgrindCoverage(patterns, stack, steps: &steps) == [0, 1, 1, 4])
    }

    /// A wildcard tried against every frame of names at the name cap (16 KiB
    /// compared per frame, where the budget allows 256 per line and frame): the
    /// budget runs out, the finding stays unsuppressed, and the run is incomplete.
    @Test func exhaustedBudgetIsIncompleteNeverASilentPass() throws {
        let entries = try Self.entries(200) { _ in " ...\n fun:*b\n" }
        let name = String(repeating: "a", count: ParseBounds.maxNameBytes)
        let stack = (0..<20).map { _ in Frame(function: name) }
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(entries), to: [Self.leak(stack)], checker: .valgrind, ownCode: nil)
        #expect(applied.findings[0].suppressedBy == nil)
        let reason = try #require(applied.incompleteReason)
        #expect(reason.contains("ran out of its budget"))
    }
}

extension SuppressionBudgetTests {
    /// A cancellation request stops matching at once (the run is being interrupted):
    /// nothing is suppressed by an entry that was never tried.
    @Test func matchingStopsWhenCancelled() throws {
        let entries = try Self.entries(1_000) { _ in " fun:*\n" }
        var cost = SuppressionMatcher.Cost()
        let m = Cancellation.$requestedInTask.withValue(true) {
            SuppressionMatcher(entries).firstMatch(Self.leak([Frame(function: "f")]), checker: .valgrind, cost: &cost)
        }
        #expect(m == nil)
        #expect(cost.interrupted)
    }
}
