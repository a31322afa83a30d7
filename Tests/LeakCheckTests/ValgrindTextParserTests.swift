import Foundation
import Testing

@testable import LeakCheck

/// The text form of the same captured runs as the XML fixtures.
@Suite struct ValgrindTextParserTests {
    func parse(_ name: String) throws -> CheckerOutput {
        ValgrindTextParser.parse(text: try Paths.fixtureText("logs/valgrind/" + name))
    }

    @Test func clean() throws {
        let out = try parse("clean.txt")
        #expect(out.complete)
        #expect(out.findings.isEmpty)
        #expect(out.pids == [4444])
        #expect(out.command == ["./clean"])
        #expect(out.checkerSummary == nil)  // "All heap blocks were freed": no LEAK SUMMARY block
    }

    @Test func everyLeakKindWithIndirectChildren() throws {
        let out = try parse("leak-kinds-definite-with-indirect.txt")
        #expect(out.complete)
        var summary = Totals()
        summary.definitelyLost = Tally(bytes: 104, blocks: 2)
        summary.indirectlyLost = Tally(bytes: 300, blocks: 2)
        summary.possiblyLost = Tally(bytes: 80, blocks: 1)
        summary.stillReachable = Tally(bytes: 24, blocks: 1)
        #expect(out.checkerSummary == summary)
        // The records add up to the summary because `bytes` holds direct bytes.
        let t = Totals(findings: out.findings)
        #expect(t.definitelyLost == summary.definitelyLost)
        #expect(t.indirectlyLost == summary.indirectlyLost)
        #expect(t.possiblyLost == summary.possiblyLost)
        #expect(t.stillReachable == summary.stillReachable)
        let root = try #require(out.findings.last)
        #expect(root.kind == .definitelyLost)
        #expect(root.bytes == 64)
        #expect(root.indirectBytes == 300)
        #expect(
            root.stack.map(\.display) == [
                "malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)", "main (leak_kinds.c:7)",
            ])
        // Fingerprints match the XML parse of the same program's run (frames by name and file name).
        let xml = try ValgrindXMLParser.parse(
            fileAt: Paths.fixture("logs/valgrind/leak-kinds-definite-with-indirect.xml").path)
        #expect(Set(out.findings.map(\.fingerprint)) == Set(xml.findings.map(\.fingerprint)))
    }

    @Test func memoryErrors() throws {
        let read = try parse("invalid-read-after-block.txt")
        #expect(read.findings.map(\.kind) == [.invalidRead])
        #expect(read.findings[0].stack.first?.function == "main")
        #expect(read.findings[0].stack.first?.line == 5)
        #expect(read.findings[0].stack.first?.address == "0x109173")
        #expect(read.findings[0].auxiliary.first?.stack.map(\.function) == ["malloc", "main"])
        #expect(try parse("invalid-write-after-block.txt").findings.map(\.kind) == [.invalidWrite])
        let uaf = try parse("use-after-free-read.txt")
        #expect(uaf.findings.map(\.kind) == [.useAfterFree])
        #expect(
            uaf.findings[0].auxiliary.map(\.what) == [
                "Address 0x4a40044 is 4 bytes inside a block of size 16 free'd", "Block was alloc'd at",
            ])
        #expect(try parse("double-free.txt").findings.map(\.kind) == [.doubleFree])
        #expect(try parse("invalid-free-global.txt").findings.map(\.kind) == [.invalidFree])
        let uninit = try parse("uninit-conditional-jump.txt")
        #expect(uninit.findings.map(\.kind) == [.uninitialisedValue])
        #expect(uninit.findings[0].rawKind == "UninitCondition")
    }

    @Test func sigsegv() throws {
        let out = try parse("sigsegv-fatal-signal.txt")
        #expect(out.complete)
        #expect(out.fatalSignal == "SIGSEGV")
        #expect(out.findings.map(\.kind) == [.invalidWrite, .fatalSignal, .stillReachable])
        let fatal = out.findings[1]
        #expect(fatal.rawKind == "SIGSEGV")
        #expect(fatal.stack.map(\.function) == ["crash", "main"])
        #expect(fatal.message.contains("Access not within mapped region"))
        #expect(out.checkerSummary?.stillReachable == Tally(bytes: 13, blocks: 1))
    }

    @Test func sigkilledRunIsIncomplete() throws {
        let out = try parse("sigkill-truncated.txt")
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("ERROR SUMMARY") == true)
        #expect(out.findings.map(\.kind) == [.invalidWrite])
        // The gen-suppressions block after the error is not read as frames.
        #expect(out.findings[0].stack.count == 1)
    }

    @Test func rustFrames() throws {
        let out = try parse("rust-box-leak-mangled.txt")
        let leak = try #require(out.findings.first { $0.kind == .definitelyLost })
        #expect(leak.bytes == 64)
        #expect(leak.stack.contains { $0.function == "rust_box_leak::make_leak" && $0.line == 6 })
        #expect(leak.stack.contains { $0.function == "new<rust_box_leak::Payload>" })
        #expect(out.checkerSummary?.stillReachable == Tally(bytes: 544, blocks: 1))
    }

    @Test func suppressedLeaks() throws {
        let out = try parse("leak-kinds-suppressed.txt")
        #expect(out.complete)
        #expect(out.checkerSummary?.suppressed == Tally(bytes: 300, blocks: 2))
        #expect(out.checkerSummary?.indirectlyLost == Tally())
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 104, blocks: 2))
        #expect(!out.findings.contains { $0.kind == .indirectlyLost })
        // The 300 indirect bytes of the `(64 direct, 300 indirect)` record were
        // suppressed: the split is not a contradiction, and nothing is summary-only.
        #expect(!out.findings.contains { $0.kind == .summaryOnly })
    }

    @Test func sigterm() throws {
        let out = try parse("sigterm-fatal-signal.txt")
        #expect(out.complete)
        #expect(out.fatalSignal == "SIGTERM")
        let fatal = try #require(out.findings.first { $0.kind == .fatalSignal })
        #expect(fatal.stack.map(\.function) == ["clock_nanosleep@@GLIBC_2.17", "nanosleep", "sleep", "main"])
        #expect(fatal.stack.last?.line == 6)
    }

    /// A real log cut after any line: once the HEAP SUMMARY has started, it is
    /// complete only if the LEAK SUMMARY and ERROR SUMMARY made it.
    @Test func truncatedAtEveryLine() throws {
        let text = try Paths.fixtureText("logs/valgrind/leak-kinds-definite-with-indirect.txt")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let errorSummary = try #require(lines.firstIndex { $0.contains("ERROR SUMMARY") })
        for n in 1..<lines.count {
            let out = ValgrindTextParser.parse(text: lines[0..<n].joined(separator: "\n"))
            #expect(out.complete == (n > errorSummary), "cut after line \(n)")
            if !out.complete { #expect(out.incompleteReason != nil) }
        }
    }

    // MARK: synthetic edge cases

    @Test func heapSummaryWithoutLeakSummaryIsIncomplete() {
        let log = """
            ==9== Memcheck, a memory error detector
            ==9== Command: ./x
            ==9==
            ==9== HEAP SUMMARY:
            ==9==     in use at exit: 1,040 bytes in 3 blocks
            ==9==   total heap usage: 3 allocs, 0 frees, 1,040 bytes allocated
            ==9==
            ==9== 1,040 bytes in 3 blocks are definitely lost in loss record 1 of 1
            ==9==    at 0x4C2A: malloc (in /usr/lib/vg.so)
            """
        let out = ValgrindTextParser.parse(text: log)
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("LEAK SUMMARY") == true)
        #expect(out.findings.first?.bytes == 1040)
        #expect(out.findings.first?.blocks == 3)
    }

    @Test func programOutputIsNotValgrindOutput() {
        let log = """
            ==9== Memcheck, a memory error detector
            leaked: 80 bytes in 5 blocks
            16 bytes in 1 blocks are definitely lost in loss record 1 of 1
            ==9== LEAK SUMMARY:
            ==9==    definitely lost: 1,000 bytes in 1,000 blocks
            definitely lost: 7 bytes in 7 blocks
            ==9==    indirectly lost: 0 bytes in 0 blocks
            ==9==      possibly lost: 0 bytes in 0 blocks
            ==9==    still reachable: 0 bytes in 0 blocks
            ==9==         suppressed: 0 bytes in 0 blocks
            ==9==
            ==9== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)
            """
        let out = ValgrindTextParser.parse(text: log)
        #expect(out.complete)
        // The unprefixed record is the program's: only the summary counts the 1,000 bytes.
        #expect(out.findings.map(\.rawKind) == ["Leak_DefinitelyLost (summary only)"])
        #expect(out.findings.map(\.bytes) == [1000])
        #expect(out.findings.map(\.blocks) == [1000])
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 1000, blocks: 1000))
        let unprefixed = ValgrindTextParser.parse(text: "leaked: 80 bytes in 5 blocks\ndubious: 0 bytes in 0 blocks\n")
        #expect(unprefixed.findings.isEmpty)
        #expect(unprefixed.checkerSummary == nil)
        #expect(!unprefixed.complete)
        #expect(!ValgrindTextParser.parse(text: "").complete)
        #expect(ValgrindTextParser.parse(text: "").incompleteReason == "empty valgrind output")
    }

    @Test func framesWithParenthesesAndPlaceholders() {
        let log = """
            Mismatched free() / delete / delete []
               at 0x........: operator delete(void*) (vg_replace_malloc.c:...)
               by 0x40A1: std::vector<int, std::allocator<int> >::~vector() (stl_vector.h:680)
               by 0x40A2: ??? (in /lib/libfoo.so.1)
               by 0x40A3: ???
               ...
             Address 0x........ is 0 bytes inside a block of size 10 alloc'd
               at 0x........: operator new[](unsigned long) (vg_replace_malloc.c:640)

            Source and destination overlap in memcpy(0x........, 0x........, 21)
               at 0x1: memcpy (in /lib/x.so)

            Syscall param write(buf) points to uninitialised byte(s)
               at 0x2: write (write.c:26)
            """
        let out = ValgrindTextParser.parse(text: log)
        #expect(out.findings.map(\.kind) == [.mismatchedFree, .overlap, .syscallParam])
        let s = out.findings[0].stack
        #expect(s.count == 4)
        #expect(s[0].function == "operator delete(void*)")
        #expect(s[0].file == "vg_replace_malloc.c")
        #expect(s[0].line == nil)
        #expect(s[1].function == "std::vector<int, std::allocator<int> >::~vector()")
        #expect(s[1].line == 680)
        #expect(s[2].function == "???")
        #expect(s[2].object == "/lib/libfoo.so.1")
        #expect(s[3].function == "???")
        #expect(out.findings[0].auxiliary.first?.stack.first?.function == "operator new[](unsigned long)")
        #expect(out.findings[0].auxiliary.first?.stack.first?.line == 640)
    }

    @Test func lastLeakSummaryWinsAndDeltasParse() {
        let log = """
            LEAK SUMMARY:
               definitely lost: 8 bytes in 1 blocks
               indirectly lost: 0 bytes in 0 blocks
                 possibly lost: 0 bytes in 0 blocks
               still reachable: 0 bytes in 0 blocks
                    suppressed: 0 bytes in 0 blocks

            LEAK SUMMARY:
               definitely lost: 48 (+40) bytes in 3 (+2) blocks
               indirectly lost: 0 (+0) bytes in 0 (+0) blocks
                 possibly lost: 0 (+0) bytes in 0 (+0) blocks
               still reachable: 64,146 (+64,146) bytes in 2,095 (+2,095) blocks
                                  of which reachable via heuristic:
                                    stdstring          : 56 (+56) bytes in 2 (+2) blocks
                    suppressed: 96 (+96) bytes in 6 (+6) blocks
            ERROR SUMMARY: 3 errors from 3 contexts (suppressed: 0 from 0)
            """
        let out = ValgrindTextParser.parse(text: log)
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 48, blocks: 3))
        #expect(out.checkerSummary?.stillReachable == Tally(bytes: 64_146, blocks: 2_095))
        #expect(out.checkerSummary?.suppressed == Tally(bytes: 96, blocks: 6))
    }

    /// Issue 21: a client `VALGRIND_DO_LEAK_CHECK` and the exit check both show the
    /// same possibly lost record (a real capture): the totals are the last LEAK
    /// SUMMARY's, never below it.
    @Test func repeatedRecordOfTheExitCheckKeepsTheLastSummarysTotals() throws {
        let out = ValgrindTextParser.parse(
            text: try Paths.fixtureText("fuzz/valgrind-text-client-check-then-exit-check-repeat-possibly-lost.txt"))
        #expect(out.complete)
        #expect(out.checkerSummary?.possiblyLost == Tally(bytes: 272, blocks: 1))
        let possibly = out.findings.filter { $0.kind == .possiblyLost || $0.summaryLeakKind == .possiblyLost }
        #expect(possibly.compactMap(\.bytes).reduce(0, +) == 272)
        #expect(!out.findings.contains { $0.kind == .summaryOnly && $0.rawKind.hasPrefix("errors") })
    }

    /// Issue 21: ERROR SUMMARY counts one error; the error's header is unknown, and a
    /// still-reachable record is shown. Still reachable is not an error, so the one
    /// error is a summary-only finding, not explained away by that record.
    @Test func stillReachableRecordIsNotCountedAgainstTheErrorSummary() throws {
        let intact = ValgrindTextParser.parse(
            text: try Paths.fixtureText("fuzz/valgrind-text-invalid-read-and-still-reachable.txt"))
        #expect(intact.findings.map(\.kind).sorted { "\($0)" < "\($1)" } == [.invalidRead, .stillReachable])
        let out = ValgrindTextParser.parse(
            text: try Paths.fixtureText("fuzz/valgrind-text-unknown-error-header-and-still-reachable.txt"))
        #expect(out.complete)
        let errors = out.findings.filter { $0.kind == .summaryOnly && $0.rawKind.hasPrefix("errors") }
        #expect(errors.count == 1)
        #expect(errors.first?.count == 1)
        #expect(out.findings.contains(where: Policy().gates))
    }
}
