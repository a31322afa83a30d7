import Foundation
import Testing

@testable import LeakCheck

/// No trap on any figure, bounded demangling, interruption, `--fail-on` with no kind.
@Suite struct BoundedParsingTests {
    // MARK: Saturating arithmetic

    @Test func tallySumsSaturate() {
        let big = Tally(bytes: Int.max - 1, blocks: Int.max)
        #expect(big + Tally(bytes: 5, blocks: 1) == Tally(bytes: Int.max, blocks: Int.max))
        #expect(Tally(bytes: Int.min, blocks: 0) + Tally(bytes: -1, blocks: 0) == Tally(bytes: Int.min, blocks: 0))
        #expect(Tally(bytes: 2, blocks: 3) + Tally(bytes: 5, blocks: 7) == Tally(bytes: 7, blocks: 10))
        var t = Totals()
        t.add(Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: Int.max, blocks: 1, message: ""))
        t.add(Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: Int.max, blocks: 1, message: ""))
        #expect(t.definitelyLost == Tally(bytes: Int.max, blocks: 2))
        var e = Totals()
        e.errors = Int.max
        #expect((e + e).errors == Int.max)
    }

    @Test func hugeSanitizerFiguresAreClampedWithANote() {
        let text = """
            ==9==ERROR: LeakSanitizer: detected memory leaks

            Direct leak of 99999999999999999999 byte(s) in 1 object(s) allocated from:
                #0 0x1 in malloc /src/m.c:1
            Direct leak of 9223372036854775807 byte(s) in 9223372036854775807 object(s) allocated from:
                #0 0x2 in malloc /src/m.c:2

            SUMMARY: AddressSanitizer: 99999999999999999999 byte(s) leaked in 99999999999999999999 allocation(s).
            """
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.findings.map(\.bytes) == [Counts.ceiling, Counts.ceiling])
        #expect(out.findings.map(\.blocks) == [1, Counts.ceiling])
        #expect(out.sanitizerLeakSummary == Tally(bytes: Counts.ceiling, blocks: Counts.ceiling))
        #expect(out.warnings.filter { $0.contains("larger than any real heap") }.count == 5)
        #expect(Totals(findings: out.findings).definitelyLost.bytes == 2 * Counts.ceiling)
    }

    @Test func hugeValgrindFiguresAreClampedWithANote() throws {
        let text = """
            ==1== Memcheck, a memory error detector
            ==1== 99999999999999999999 (99999999999999999999 direct, 99999999999999999999 indirect) bytes in 99999999999999999999 blocks are definitely lost in loss record 1 of 1
            ==1==    at 0x1: main (a.c:1)
            ==1==
            ==1== LEAK SUMMARY:
            ==1==    definitely lost: 99999999999999999999 bytes in 99999999999999999999 blocks
            ==1==    indirectly lost: 0 bytes in 0 blocks
            ==1==      possibly lost: 0 bytes in 0 blocks
            ==1==    still reachable: 0 bytes in 0 blocks
            ==1==         suppressed: 0 bytes in 0 blocks
            ==1==
            ==1== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)
            """
        let out = ValgrindTextParser.parse(text: text)
        // The record is clamped with a note; the LEAK SUMMARY's figure beyond any heap
        // makes the run incomplete (issue 21), never a clamped-and-noted clean figure.
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("2^61 or more") == true)
        #expect(out.findings.count == 1)
        let f = try #require(out.findings.first)
        #expect(f.bytes == Counts.ceiling)
        #expect(f.indirectBytes == Counts.ceiling)
        #expect(f.totalBytes == 2 * Counts.ceiling)  // no overflow
        #expect(
            f.message.hasSuffix(
                "[a figure of this loss record is larger than any real heap (over \(Counts.ceiling) bytes): counted as \(Counts.ceiling)]"
            ))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: Counts.ceiling, blocks: Counts.ceiling))

        let xml = """
            <valgrindoutput><status><state>FINISHED</state></status>
            <error><kind>Leak_DefinitelyLost</kind><xwhat><text>99999999999999999999 bytes in 1 blocks are definitely lost in loss record 1 of 1</text>
            <leakedbytes>99999999999999999999</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>
            </valgrindoutput>
            """
        let x = ValgrindXMLParser.parse(text: xml)
        #expect(x.findings.map(\.bytes) == [Counts.ceiling])
        #expect(
            x.warnings == [
                "Leak_DefinitelyLost: a figure of this loss record is larger than any real heap (over \(Counts.ceiling) bytes): counted as \(Counts.ceiling)"
            ])
    }

    @Test func countsParse() {
        #expect(Counts.parse("64,146"[...])?.value == 64_146)
        #expect(Counts.parse(" 7 "[...])?.value == 7)
        #expect(Counts.parse("..."[...]) == nil)
        #expect(Counts.parse("x"[...]) == nil)
        #expect(Counts.parse("1 2"[...]) == nil)
        #expect(Counts.parse("99999999999999999999"[...])! == (Counts.ceiling, true))
        #expect(Counts.parse("\(Counts.ceiling)"[...])! == (Counts.ceiling, false))
    }

    // MARK: Demangler bounds

    /// 27 nested tuples `(T, B(T))`: each back-reference doubles the output,
    /// 2^27 copies of `u8` (over 400 MB) from 147 bytes.
    static let doubling =
        "_RINvC1a1fTTTTTTTTTTTTTTTTTTTTTTTTTTThBy_EBx_EBw_EBv_EBu_EBt_EBs_EBr_EBq_EBp_EBo_EBn_EBm_EBl_EBk_EBj_EBi_EBh_EBg_EBf_EBe_EBd_EBc_EBb_EBa_EB9_EB8_EE"

    @Test func doublingBackReferencesStopAtTheSizeCap() {
        #expect(Self.doubling.utf8.count == 147)
        let clock = ContinuousClock()
        let start = clock.now
        let out = RustDemangler.demangle(Self.doubling)
        #expect(clock.now - start < .seconds(2))
        #expect(out == nil)  // the caller keeps the mangled name
        // The same shape, small, demangles as c++filt does.
        #expect(RustDemangler.demangle("_RINvC1a1fTThB9_EB8_EE", keepHash: true) == "a[0]::f::<((u8, u8), (u8, u8))>")
        #expect(RustDemangler.demangle("_RINvC1a1fTThB9_EB8_EE") == "a::f::<((u8, u8), (u8, u8))>")
    }

    @Test func framesKeepTheMangledNameWhenDemanglingGivesUp() {
        let line = "    #0 0x55 in \(Self.doubling) /src/lib.rs:1:1"
        let out = SanitizerLogParser.parse(
            text:
                "==1==ERROR: LeakSanitizer: detected memory leaks\nDirect leak of 1 byte(s) in 1 object(s) allocated from:\n\(line)\nSUMMARY: AddressSanitizer: 1 byte(s) leaked in 1 allocation(s).\n"
        )
        #expect(out.findings.first?.stack.first?.function == Self.doubling)
    }

    @Test func deepNestingIsRefused() {
        // 400 nested tuples: past the depth cap, refused at once.
        let sym = "_RINvC1a1f" + String(repeating: "T", count: 400) + "h" + String(repeating: "E", count: 401)
        #expect(RustDemangler.demangle(sym) == nil)
    }

    // MARK: Cancellation

    @Test func everyParserStopsWhenCancellationIsRequested() throws {
        let record = try Paths.fixtureText("logs/valgrind/use-after-free-read.txt")
        let lines = record.split(separator: "\n").filter {
            $0.contains("Invalid read") || $0.contains(" at ") || $0.contains(" by ")
        }
        let body = Array(repeating: lines.joined(separator: "\n") + "\n==1==\n", count: 3000).joined()
        let text =
            "==1== Memcheck, a memory error detector\n" + body
            + "==1== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)\n"
        let lsan = try Paths.fixtureText("logs/sanitizer/clang-lsan-direct-indirect.log")
        let lsanMany = String(repeating: lsan, count: 300)
        let xmlOne = try Paths.fixtureText("logs/valgrind/use-after-free-read.xml")
        let errorStart = try #require(xmlOne.range(of: "<error>"))
        let errorEnd = try #require(xmlOne.range(of: "</error>"))
        let xml =
            String(xmlOne[..<errorStart.lowerBound])
            + String(repeating: String(xmlOne[errorStart.lowerBound..<errorEnd.upperBound]), count: 2000)
            + String(xmlOne[errorEnd.upperBound...])

        // Not requested: whole.
        #expect(ValgrindTextParser.parse(text: text).findings.count == 3000)
        #expect(SanitizerLogParser.parse(text: lsanMany).findings.count == 900)
        #expect(ValgrindXMLParser.parse(text: xml).findings.count == 2000)

        Cancellation.$requestedInTask.withValue(true) {
            #expect(Cancellation.isRequested)
            let t = ValgrindTextParser.parse(text: text)
            #expect(!t.complete)
            #expect(t.incompleteReason == "interrupted")
            #expect(t.findings.count < 3000)
            let s = SanitizerLogParser.parse(text: lsanMany)
            #expect(!s.complete)
            #expect(s.incompleteReason == "interrupted")
            #expect(s.findings.count < 900)
            let x = ValgrindXMLParser.parse(text: xml)
            #expect(!x.complete)
            #expect(x.incompleteReason == "interrupted")
            #expect(x.findings.count < 2000)
        }
    }

    // MARK: --fail-on

    @Test(arguments: ["", ",", " , ", ",,", "  "])
    func failOnWithNoKindIsAUsageError(_ value: String) {
        #expect(throws: UsageError.self) { try Policy.parseFailOn(value) }
        do {
            _ = try Policy.parseFailOn(value)
        } catch let e as UsageError {
            #expect(
                e.message
                    == "--fail-on needs at least one kind (definite, indirect, possible, reachable, all or errors); got '\(value)'"
            )
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func failOnWords() throws {
        #expect(try Policy.parseFailOn("errors") == [])  // memory errors only: they always gate
        #expect(try Policy.parseFailOn("definite,,possible") == [.definitelyLost, .possiblyLost])
        #expect(try Policy.parseFailOn(" Definite , indirect ") == [.definitelyLost, .indirectlyLost])
        #expect(
            try Policy.parseFailOn("all,errors") == [.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable])
        #expect(throws: UsageError.self) { try Policy.parseFailOn("definite,sometimes") }
    }
}
