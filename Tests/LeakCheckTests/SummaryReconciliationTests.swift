import Foundation
import Testing

@testable import LeakCheck

/// Totals never fall below the checker's own summary: what only a summary
/// counts becomes a `summaryOnly` finding per kind, and records above the
/// summary make the output incomplete. Figures are read from the files
/// (Tests/Fixtures/corpus READMEs and Tests/Fixtures/logs/valgrind/README.md).
@Suite struct SummaryReconciliationTests {
    func corpusXML(_ path: String) throws -> CheckerOutput {
        ValgrindXMLParser.parse(text: try Paths.corpusText(path))
    }
    func corpusText(_ path: String) throws -> CheckerOutput {
        ValgrindTextParser.parse(text: try Paths.corpusText(path))
    }
    func fixtureText(_ name: String) throws -> CheckerOutput {
        ValgrindTextParser.parse(text: try Paths.fixtureText("logs/valgrind/\(name)"))
    }

    /// `[rawKind bytes/blocks]` of the summary-only findings.
    func gaps(_ out: CheckerOutput) -> [String] {
        out.findings.filter { $0.kind == .summaryOnly }.map { "\($0.rawKind) \($0.bytes ?? -1)/\($0.blocks ?? -1)" }
    }

    func leakTotals(_ t: Totals) -> [Tally] { [t.definitelyLost, t.indirectlyLost, t.possiblyLost, t.stillReachable] }

    // MARK: Protocol 6 XML

    @Test func protocol6StillReachableOnlyInTheSummary() throws {
        let out = try corpusXML("other/cargo-valgrind/version6.xml")
        #expect(out.complete)
        #expect(gaps(out) == ["Leak_StillReachable (summary only) 64146/2095"])
        let f = try #require(out.findings.first)
        #expect(f.summaryLeakKind == .stillReachable)
        #expect(f.message.contains("still reachable"))
        let totals = Totals(findings: out.findings)
        #expect(totals.stillReachable == Tally(bytes: 64_146, blocks: 2_095))
        #expect(leakTotals(totals) == leakTotals(try #require(out.checkerSummary)))
        #expect(totals.errors == 0)
        // Still reachable is informational by default, so is its summary-only part.
        #expect(!Policy().gates(f))
        #expect(Policy(gatingLeakKinds: [.stillReachable]).gates(f))

        let v62 = try corpusXML("other/cargo-valgrind/version6-2.xml")
        #expect(gaps(v62) == ["Leak_StillReachable (summary only) 456/1"])
    }

    @Test func streamingGetsTheSameSummaryOnlyFindings() throws {
        let path = try Paths.corpusPath("other/cargo-valgrind/version6.xml")
        var seen: [Finding] = []
        let out = try ValgrindXMLParser.parse(fileAt: path) { seen.append($0) }
        #expect(out.findings.isEmpty)
        #expect(seen.map(\.rawKind) == ["Leak_StillReachable (summary only)"])
        #expect(seen.map(\.bytes) == [64_146])
    }

    @Test func protocol6PlaceholderSummaryIsNotCompared() throws {
        // The regression filter turns every summary figure into `...`.
        let out = try corpusXML("valgrind-tests/protocol6-3.27dev/xml1.stderr.exp")
        #expect(out.complete)
        #expect(gaps(out).isEmpty)
    }

    @Test func xmlRecordsAboveTheSummaryAreIncomplete() {
        let xml = """
            <?xml version="1.0"?>
            <valgrindoutput><protocolversion>6</protocolversion>
            <status><state>RUNNING</state></status><status><state>FINISHED</state></status>
            <error><kind>Leak_DefinitelyLost</kind><xwhat><text>40 bytes in 1 blocks are definitely lost in loss record 1 of 1</text>
            <leakedbytes>40</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>
            <leak_summary><definitely_lost><bytes>8</bytes><blocks>1</blocks></definitely_lost>
            <indirectly_lost><bytes>0</bytes><blocks>0</blocks></indirectly_lost>
            <possibly_lost><bytes>0</bytes><blocks>0</blocks></possibly_lost>
            <still_reachable><bytes>0</bytes><blocks>0</blocks></still_reachable></leak_summary>
            </valgrindoutput>
            """
        let out = ValgrindXMLParser.parse(text: xml)
        #expect(!out.complete)
        #expect(
            out.incompleteReason
                == "the loss records show 40 bytes in 1 blocks definitely lost, but valgrind's LEAK SUMMARY says 8 bytes in 1 blocks"
        )
        #expect(out.findings.map(\.bytes) == [40])
    }

    @Test func xmlErrorSummaryCountsMoreContextsThanShown() throws {
        let xml = """
            <?xml version="1.0"?>
            <valgrindoutput><protocolversion>6</protocolversion>
            <status><state>RUNNING</state></status>
            <error><kind>InvalidRead</kind><what>Invalid read of size 4</what></error>
            <status><state>FINISHED</state></status>
            <error_summary><errors>7</errors><error_contexts>3</error_contexts><suppressed>0</suppressed><suppressed_contexts>0</suppressed_contexts></error_summary>
            </valgrindoutput>
            """
        let out = ValgrindXMLParser.parse(text: xml)
        #expect(out.complete)
        #expect(out.findings.map(\.kind) == [.invalidRead, .summaryOnly])
        let gap = try #require(out.findings.last)
        #expect(gap.rawKind == "errors (summary only)")
        #expect(gap.count == 2)
        #expect(gap.summaryLeakKind == nil)
        #expect(Totals(findings: out.findings).errors == 3)
        #expect(Policy().gates(gap))
    }

    // MARK: valgrind's regression files (text)

    @Test func regressionFilesWhoseRecordsFallShortOfTheirSummary() throws {
        // --show-possibly-lost=no hides the record; LEAK SUMMARY still counts 4,096 bytes.
        let pool = try corpusText("valgrind-tests/leak-autofreepool-4.stderr.exp")
        #expect(pool.complete)
        #expect(gaps(pool) == ["Leak_PossiblyLost (summary only) 4096/1"])
        let possible = try #require(pool.findings.first { $0.kind == .summaryOnly })
        #expect(possible.summaryLeakKind == .possiblyLost)
        #expect(!Policy().gates(possible))
        #expect(Policy().warns(possible))
        #expect(Policy(gatingLeakKinds: [.possiblyLost]).gates(possible))

        // Reachable records are not shown (--show-leak-kinds=definite,possible,indirect).
        let lks = try corpusText("valgrind-tests/lks.stderr.exp")
        #expect(lks.complete)
        #expect(gaps(lks) == ["Leak_StillReachable (summary only) 64/4"])

        // Three leak checks in delta form: the last LEAK SUMMARY counts 40 reachable bytes.
        let realloc = try corpusText("valgrind-tests/protocol6-3.27dev/reallocarray.stderr.exp")
        #expect(realloc.complete)
        #expect(gaps(realloc) == ["Leak_StillReachable (summary only) 40/1"])

        // Six leak checks; the last prints only a LEAK SUMMARY, with 200,000 reachable bytes.
        let jmp = try corpusText("valgrind-tests/leak-segv-jmp.stderr.exp")
        #expect(jmp.complete)
        #expect(gaps(jmp) == ["Leak_StillReachable (summary only) 200000/1"])

        // Stopped at the first error: incomplete, and the summary's figures are still kept.
        let exit = try corpusText("valgrind-tests/protocol6-3.27dev/leak-cases-exit-on-definite.stderr.exp")
        #expect(!exit.complete)
        #expect(exit.incompleteReason == "valgrind stopped at the first error (--exit-on-first-error)")
        #expect(
            gaps(exit) == [
                "Leak_DefinitelyLost (summary only) 32/2", "Leak_IndirectlyLost (summary only) 32/2",
                "Leak_StillReachable (summary only) 64/4",
            ])
    }

    /// Every corpus and fixture file with a summary: the totals of its findings
    /// equal the summary's figures, kind by kind (placeholders excepted).
    @Test func totalsEqualTheSummaryOnEveryFileWithOne() throws {
        let placeholders: Set<String> = ["leak_cpp_interior.stderr.exp", "xml1.stderr.exp"]
        var compared: [String] = []
        let fm = FileManager.default
        for dir in ["valgrind-tests", "valgrind-tests/protocol6-3.27dev", "other/cargo-valgrind"] {
            for name in try fm.contentsOfDirectory(atPath: Paths.corpus.appendingPathComponent(dir).path).sorted()
            where (name.hasSuffix(".exp") || name.hasSuffix(".xml")) && !placeholders.contains(name) {
                let text = try Paths.corpusText("\(dir)/\(name)")
                let out =
                    text.contains("<valgrindoutput")
                    ? ValgrindXMLParser.parse(text: text) : ValgrindTextParser.parse(text: text)
                guard let summary = out.checkerSummary else { continue }
                compared.append(name)
                #expect(leakTotals(Totals(findings: out.findings)) == leakTotals(summary), "\(dir)/\(name)")
            }
        }
        for name in try fm.contentsOfDirectory(atPath: Paths.logs.appendingPathComponent("valgrind").path).sorted()
        where name.hasSuffix(".txt") {
            let out = try fixtureText(name)
            guard let summary = out.checkerSummary else { continue }
            compared.append(name)
            #expect(leakTotals(Totals(findings: out.findings)) == leakTotals(summary), "\(name)")
        }
        #expect(
            compared == [
                "leak-autofreepool-0.stderr.exp", "leak-autofreepool-4.stderr.exp",
                "leak-segv-jmp.stderr.exp", "lks.stderr.exp", "leak-cases-exit-on-definite.stderr.exp",
                "reallocarray.stderr.exp", "version6-2.xml", "version6.xml", "client-leak-checks.txt",
                "leak-kinds-default-show-kinds.txt", "leak-kinds-definite-with-indirect.txt",
                "leak-kinds-suppressed.txt", "rust-box-leak-mangled.txt", "sigsegv-fatal-signal.txt",
                "sigterm-fatal-signal.txt",
            ])
    }

    /// No LEAK SUMMARY (`-q`) and no indirect records: the indirect bytes of the
    /// `(D direct, I indirect)` splits are the only count, and they gate.
    @Test(arguments: [
        ("leak-cases-full.stderr.exp", 32), ("leak-cases-possible.stderr.exp", 32), ("leak-cycle.stderr.exp", 224),
        ("leak-tree.stderr.exp", 32), ("mempool.stderr.exp", 16),
    ])
    func splitIndirectBytesWithoutASummary(_ file: String, _ bytes: Int) throws {
        let out = try corpusText("valgrind-tests/\(file)")
        #expect(out.checkerSummary == nil)
        #expect(gaps(out) == ["Leak_IndirectlyLost (summary only) \(bytes)/-1"])
        let f = try #require(out.findings.last)
        #expect(Policy(gatingLeakKinds: [.indirectlyLost]).gates(f))
        #expect(Totals(findings: out.findings).indirectlyLost == Tally(bytes: bytes, blocks: 0))
    }

    @Test func splitIsNotCountedWhenValgrindSuppressedSomething() throws {
        // The root record still says (64 direct, 300 indirect); its children were suppressed.
        let out = ValgrindXMLParser.parse(text: try Paths.fixtureText("logs/valgrind/leak-kinds-suppressed.xml"))
        #expect(out.complete)
        #expect(gaps(out).isEmpty)
        // Shown children: not counted twice.
        let shown = ValgrindXMLParser.parse(
            text: try Paths.fixtureText("logs/valgrind/leak-kinds-definite-with-indirect.xml"))
        #expect(gaps(shown).isEmpty)
    }

    // MARK: Real captures

    @Test func defaultShowLeakKindsHidesIndirectAndReachable() throws {
        let out = try fixtureText("leak-kinds-default-show-kinds.txt")
        #expect(out.complete)
        #expect(
            out.findings.map(\.rawKind) == [
                "Leak_DefinitelyLost", "Leak_PossiblyLost", "Leak_DefinitelyLost",
                "Leak_IndirectlyLost (summary only)", "Leak_StillReachable (summary only)",
            ])
        #expect(gaps(out) == ["Leak_IndirectlyLost (summary only) 300/2", "Leak_StillReachable (summary only) 24/1"])
        // The (64 direct, 300 indirect) split explains the indirect gap, and says so.
        let indirect = try #require(out.findings.first { $0.summaryLeakKind == .indirectlyLost })
        #expect(
            indirect.message.hasSuffix(
                "; 300 of these bytes are the indirect part of the definitely/possibly lost records shown"))
        #expect(Policy().gates(indirect))
        let t = Totals(findings: out.findings)
        #expect(t.definitelyLost == Tally(bytes: 104, blocks: 2))
        #expect(t.indirectlyLost == Tally(bytes: 300, blocks: 2))
        #expect(t.possiblyLost == Tally(bytes: 80, blocks: 1))
        #expect(t.stillReachable == Tally(bytes: 24, blocks: 1))
        #expect(t.errors == 0)
    }

    @Test func severalLeakChecksUseTheLast() throws {
        let out = try fixtureText("client-leak-checks.txt")
        #expect(out.complete)
        #expect(gaps(out).isEmpty)
        #expect(out.findings.map(\.rawKind) == ["Leak_DefinitelyLost", "Leak_DefinitelyLost", "Leak_StillReachable"])
        #expect(out.findings.map(\.bytes) == [16, 32, 48])
        let s = try #require(out.checkerSummary)
        #expect(s.definitelyLost == Tally(bytes: 48, blocks: 2))
        #expect(s.stillReachable == Tally(bytes: 48, blocks: 1))
    }

    @Test func textRecordsAboveTheSummaryAreIncomplete() throws {
        var text = try Paths.fixtureText("logs/valgrind/client-leak-checks.txt")
        text = text.replacingOccurrences(
            of: "definitely lost: 48 bytes in 2 blocks", with: "definitely lost: 40 bytes in 2 blocks")
        let out = ValgrindTextParser.parse(text: text)
        #expect(!out.complete)
        #expect(
            out.incompleteReason
                == "the loss records show 48 bytes in 2 blocks definitely lost, but valgrind's LEAK SUMMARY says 40 bytes in 2 blocks"
        )
    }

    @Test func textErrorSummaryAboveTheRecordsShown() throws {
        var text = try Paths.fixtureText("logs/valgrind/invalid-read-after-block.txt")
        text = text.replacingOccurrences(
            of: "ERROR SUMMARY: 1 errors from 1 contexts", with: "ERROR SUMMARY: 5 errors from 4 contexts")
        let out = ValgrindTextParser.parse(text: text)
        #expect(out.complete)
        #expect(out.findings.map(\.rawKind) == ["InvalidRead", "errors (summary only)"])
        #expect(out.findings.last?.count == 3)
        #expect(Totals(findings: out.findings).errors == 4)

        let fewer = ValgrindTextParser.parse(
            text: text.replacingOccurrences(
                of: "ERROR SUMMARY: 5 errors from 4 contexts", with: "ERROR SUMMARY: 0 errors from 0 contexts"))
        #expect(!fewer.complete)
        #expect(
            fewer.incompleteReason == "the log shows 1 memory errors, but valgrind's ERROR SUMMARY counts 0 contexts")
    }

    // MARK: LeakSanitizer

    @Test func lsanSummaryAboveItsEntries() throws {
        var text = try Paths.fixtureText("logs/sanitizer/clang-lsan-direct-indirect.log")
        // As with max_leaks=2: the last entry is not printed, SUMMARY still counts it.
        let cut = try #require(text.range(of: "Indirect leak of 100"))
        let summary = try #require(text.range(of: "SUMMARY: "))
        text.removeSubrange(cut.lowerBound..<summary.lowerBound)
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.findings.map(\.rawKind) == ["Direct leak", "Direct leak", "Leak_DefinitelyLost (summary only)"])
        #expect(out.findings.last?.bytes == 100)
        #expect(out.findings.last?.blocks == 1)
        #expect(out.findings.last?.summaryLeakKind == .definitelyLost)
        let t = Totals(findings: out.findings)
        #expect(t.definitelyLost.bytes.addingSaturated(t.indirectlyLost.bytes) == 131)
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 131, blocks: 3))
    }

    // MARK: summaryLeakKind

    @Test func summaryLeakKindReadsOnlySummaryOnlyFindings() {
        func f(_ kind: FindingKind, _ raw: String) -> Finding { Finding(kind: kind, rawKind: raw, message: "") }
        #expect(f(.summaryOnly, "Leak_DefinitelyLost (summary only)").summaryLeakKind == .definitelyLost)
        #expect(f(.summaryOnly, "Leak_IndirectlyLost").summaryLeakKind == .indirectlyLost)
        #expect(f(.summaryOnly, "Leak_PossiblyLost (summary only)").summaryLeakKind == .possiblyLost)
        #expect(f(.summaryOnly, "Leak_StillReachable (summary only)").summaryLeakKind == .stillReachable)
        #expect(f(.summaryOnly, "errors (summary only)").summaryLeakKind == nil)
        #expect(f(.definitelyLost, "Leak_DefinitelyLost").summaryLeakKind == nil)
        #expect(f(.summaryOnly, "Leak_Bogus (summary only)").summaryLeakKind == nil)
    }
}
