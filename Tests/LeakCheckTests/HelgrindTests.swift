import Foundation
import Testing

@testable import LeakCheck

/// helgrind's XML, captured from real runs (Tests/Fixtures/threads/README.md), read as the
/// `helgrind` checker reads it.
@Suite struct HelgrindTests {
    static func parse(_ name: String) throws -> CheckerOutput {
        let path = Paths.fixture("threads/\(name)").path
        let prefix = try #require(FileManager.default.contents(atPath: path)).prefix(256 << 10)
        let format = try #require(LogRecognizer.recognize(prefix: prefix))
        #expect(format == .helgrindXML)
        let parser = try #require(CheckerRegistry.parser(for: format))
        let (checker, output) = try parser.parseLog(fileAt: path, format: format)
        #expect(checker == .helgrind)
        return output
    }

    @Test func aRaceOnACounterIsADataRaceWithBothAccessesAndItGates() throws {
        let out = try Self.parse("race.helgrind.xml")
        #expect(out.complete)
        // valgrind's two reports (the read and the write at count++) are one finding seen twice.
        #expect(out.findings.count == 1 && out.findings.first?.count == 2)
        for f in out.findings {
            #expect(f.kind == .dataRace && f.rawKind == "Race")
            #expect(f.stack.first?.function == "bump" && f.stack.first?.line == 9)
            #expect(f.stack.first?.file.map(Fingerprint.baseName) == "race.c")
            let other = try #require(f.auxiliary.first)
            #expect(other.what.hasPrefix("This conflicts with a previous write of size 4"))
            #expect(other.stack.first?.function == "bump" && other.stack.first?.line == 9)
            #expect(f.suppressedBy == nil && f.notGatingReason == nil)
            #expect(Policy().gates(f))
        }
    }

    @Test func theLockedTwinHasNoFinding() throws {
        let out = try Self.parse("locked.helgrind.xml")
        #expect(out.complete && out.findings.isEmpty)
    }

    @Test func lockOrderAndUnlockingAnUnlockedMutexAreThreadKinds() throws {
        let out = try Self.parse("misuse.helgrind.xml")
        #expect(out.findings.map(\.kind) == [.lockOrder, .threadMisuse])
        #expect(out.findings.map(\.rawKind) == ["LockOrder", "UnlockUnlocked"])
        #expect(out.findings.allSatisfy(Policy().gates))
    }

    @Test func aCargoBuildsRacesNeverGateAndAtomicOnesAreSuppressedWithTheReason() throws {
        let out = try Self.parse("threads_rs.helgrind.xml")
        let races = out.findings.filter { $0.kind == .dataRace }
        #expect(races.count == out.findings.count && !races.isEmpty)
        #expect(!races.contains(where: Policy().gates))
        let atomic = races.filter { $0.suppressedBy != nil }
        #expect(!atomic.isEmpty)
        #expect(atomic.allSatisfy { $0.suppressedBy == HelgrindFindings.atomicsReason })
        #expect(atomic.allSatisfy(HelgrindFindings.isAtomicAccess))
        let rest = races.filter { $0.suppressedBy == nil }
        #expect(rest.allSatisfy { $0.notGatingReason?.contains("moq-leakcheck tsan") == true })
        // The unsynchronised counter's own race is among the listed ones, not hidden.
        #expect(rest.contains { $0.stack.contains { $0.function?.contains("racy_counter") == true } })
        #expect(!rest.contains(where: HelgrindFindings.isAtomicAccess))
    }

    @Test func inACargoBuildOnlyRacesAreInformational() throws {
        // A failing Rust test and helgrind's lock errors still gate, as under memcheck.
        var out = try Self.parse("misuse.helgrind.xml")
        out.findings.append(
            Finding(kind: .testFailure, rawKind: "test failed", message: "test tests::x failed", test: "tests::x"))
        HelgrindFindings.interpret(&out, cargo: true)
        #expect(out.findings.map(\.kind) == [.lockOrder, .threadMisuse, .testFailure])
        #expect(out.findings.allSatisfy { $0.notGatingReason == nil && Policy().gates($0) })
    }

    @Test func theConsoleSummaryCountsThreadErrorsAndShowsNoLeakSummary() throws {
        let out = try Self.parse("race.helgrind.xml")
        let run = RunResult(checker: .helgrind, executable: "race", arguments: [], findings: out.findings)
        let report = Verdict.decide(
            runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false,
            ownCode: nil)
        let text = TextReport.summary(report, policy: Policy(), selector: FrameSelector())
        #expect(text.contains("Helgrind: 1 thread error or failure"), "\(text)")
        #expect(!text.contains("LEAK SUMMARY"), "\(text)")
    }

    @Test func theTextReportSaysWhyACargoBuildsRacesDoNotGate() throws {
        let out = try Self.parse("threads_rs.helgrind.xml")
        let run = RunResult(checker: .helgrind, executable: "threads_rs", arguments: [], findings: out.findings)
        let report = Verdict.decide(
            runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false,
            ownCode: nil)
        #expect(report.exitCode == 0)
        let text = TextReport.full(report, checkers: [.helgrind], policy: Policy(), title: "t")
        #expect(text.contains(HelgrindFindings.cargoReason))
        #expect(text.contains("by \(HelgrindFindings.atomicsReason)"))
    }

    @Test func aHelgrindRaceEntryHidesTheRaceWithAccounting() throws {
        let out = try Self.parse("race.helgrind.xml")
        let entries = try SuppressionParser.parse(
            text: """
                {
                   counter-race
                   Helgrind:Race
                   fun:bump
                }
                {
                   memcheck-entry-on-bump
                   Memcheck:Addr4
                   fun:bump
                }
                """, file: "races.supp")
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(entries), to: out.findings, checker: .helgrind, ownCode: nil)
        #expect(applied.findings.map(\.suppressedBy) == ["counter-race"])
        #expect(applied.findings.map(\.suppressionSource) == ["races.supp:1"])
        #expect(applied.usage.map(\.name) == ["counter-race"])
        #expect(applied.usage.first?.count == 1)
        #expect(Totals(findings: applied.findings).suppressedErrors == 2)  // both of valgrind's reports
        // The same entry is not a memcheck one.
        let memcheck = SuppressionApplier.apply(
            SuppressionMatcher(entries), to: out.findings, checker: .valgrind, ownCode: nil)
        #expect(memcheck.findings.allSatisfy { $0.suppressedBy == nil })
    }

    @Test func aRacesCauseIsKeyedByItsTwoAccessSitesInEitherOrder() throws {
        let out = try Self.parse("race.helgrind.xml")
        let run = RunResult(checker: .helgrind, executable: "race", arguments: [], findings: out.findings)
        let causes = Causes.group([run], policy: Policy(), ownCode: nil)
        #expect(causes.map(\.sentence) == ["data race on count: bump (race.c:9) and bump (race.c:9) — 2 reports"])
        // Two sites, swapped between the stacks: one cause.
        var a = out.findings[0]
        a.count = 1
        a.stack[0] = Frame(function: "reader", file: "race.c", line: 20)
        var b = a
        (b.stack, b.auxiliary[0].stack) = (a.auxiliary[0].stack, a.stack)
        let swapped = RunResult(checker: .helgrind, executable: "race", arguments: [], findings: [a, b])
        let one = Causes.group([swapped], policy: Policy(), ownCode: nil)
        #expect(one.count == 1)
        #expect(one.first?.sentence == "data race on count: bump (race.c:9) and reader (race.c:20) — 2 reports")
        // Whichever access came first in the run, the sentence reads the same.
        let reversed = RunResult(checker: .helgrind, executable: "race", arguments: [], findings: [b, a])
        #expect(Causes.group([reversed], policy: Policy(), ownCode: nil).map(\.sentence) == one.map(\.sentence))
    }
}
