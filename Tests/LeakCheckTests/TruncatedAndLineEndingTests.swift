import Foundation
import Testing

@testable import LeakCheck

/// Cut logs are never clean, and `\r`, `\r\n`, `\n` read the same (issue 11).
@Suite struct TruncatedAndLineEndingTests {
    func sanitizer(_ name: String) throws -> String { try Paths.fixtureText("logs/sanitizer/\(name)") }
    func valgrind(_ name: String) throws -> String { try Paths.fixtureText("logs/valgrind/\(name)") }

    /// The text up to byte offset `n`.
    func prefix(_ text: String, _ n: Int) -> String { String(decoding: Array(text.utf8).prefix(n), as: UTF8.self) }

    func byteOffset(of marker: String, in text: String) throws -> Int {
        let r = try #require(text.range(of: marker))
        return text.utf8.distance(from: text.utf8.startIndex, to: r.lowerBound)
    }

    // MARK: Sanitizer headers

    @Test func cutAfterTheLeakSanitizerHeaderIsIncomplete() throws {
        let full = try sanitizer("clang-lsan-direct-indirect.log")
        let out = SanitizerLogParser.parse(text: prefix(full, try byteOffset(of: " detected memory leaks", in: full)))
        #expect(!out.complete)
        #expect(out.incompleteReason == "the log ends inside a sanitizer error header (==5131==ERROR: LeakSanitizer:)")
        #expect(out.findings.isEmpty)
    }

    /// Every cut from the start of the `==PID==ERROR:` line to the end of the
    /// report is incomplete (the issue found 209 clean verdicts among such cuts).
    @Test func everyCutInsideALeakReportIsIncomplete() throws {
        for name in [
            "clang-lsan-direct-indirect.log", "gcc-asan-direct-indirect.log", "clang-asan-heap-use-after-free.log",
        ] {
            let full = try sanitizer(name)
            let start = try byteOffset(of: "==ERROR:", in: full) - 6
            let end = try byteOffset(of: "SUMMARY: ", in: full)
            var clean: [Int] = []
            for n in start..<end where SanitizerLogParser.parse(text: prefix(full, n)).complete {
                clean.append(n)
            }
            #expect(clean.isEmpty, "\(name): complete at offsets \(clean.prefix(10))")
        }
    }

    @Test func cutAfterDeadlySignalIsIncomplete() throws {
        for name in ["clang-asan-segv.log", "gcc-asan-segv.log"] {
            let full = try sanitizer(name)
            let out = SanitizerLogParser.parse(text: prefix(full, try byteOffset(of: "=====", in: full)))
            #expect(!out.complete, "\(name)")
            #expect(
                out.incompleteReason
                    == "the log ends after AddressSanitizer:DEADLYSIGNAL, before the report it announces")
            #expect(SanitizerLogParser.parse(text: full).complete)
        }
    }

    @Test func reportCutMidEntryKeepsItsPartialFigures() throws {
        let full = try sanitizer("clang-asan-heap-use-after-free.log")
        let out = SanitizerLogParser.parse(text: prefix(full, try byteOffset(of: "previously allocated by", in: full)))
        #expect(!out.complete)
        #expect(
            out.incompleteReason
                == "the AddressSanitizer report (process 5083) is cut short: the log ends before its SUMMARY")
        #expect(out.findings.map(\.kind) == [.useAfterFree])
        #expect(out.findings[0].auxiliary.map(\.what) == ["freed by thread T0 here"])
    }

    @Test func unterminatedLastLines() throws {
        let full = try sanitizer("clang-lsan-direct-indirect.log")
        #expect(full.hasSuffix("allocation(s).\n"))
        // The whole log without its final newline is still whole.
        #expect(SanitizerLogParser.parse(text: String(full.dropLast())).complete)
        // Cut inside the SUMMARY line: not whole, though the figures read as numbers.
        let inSummary = SanitizerLogParser.parse(text: prefix(full, try byteOffset(of: "allocation(s).", in: full) + 4))
        #expect(!inSummary.complete)
        #expect(
            inSummary.incompleteReason
                == "the log ends inside a line that starts a sanitizer report (SUMMARY: LeakSanitizer: 131 byte(s) leak)"
        )
        #expect(!SanitizerLogParser.parse(text: prefix(full, try byteOffset(of: "SUMMARY: ", in: full) + 12)).complete)
        // A finished ASan report whose last line (ABORTING) has no newline.
        let asan = try sanitizer("gcc-asan-heap-buffer-overflow.log")
        #expect(SanitizerLogParser.parse(text: asan.trimmingCharacters(in: .newlines)).complete)
    }

    // MARK: Line endings

    @Test func sanitizerLogsReadTheSameWithAnyLineEnding() throws {
        for name in [
            "clang-lsan-direct-indirect.log", "gcc-asan-heap-use-after-free.log",
            "rust-nightly-asan-cargo-test-leak.log",
        ] {
            let lf = try sanitizer(name)
            let base = SanitizerLogParser.parse(text: lf)
            #expect(base.complete)
            for sep in ["\r\n", "\r"] {
                let out = SanitizerLogParser.parse(text: lf.replacingOccurrences(of: "\n", with: sep))
                #expect(out.findings == base.findings, "\(name) \(sep.debugDescription)")
                #expect(out.complete == base.complete)
                #expect(out.sanitizerLeakSummary == base.sanitizerLeakSummary)
                #expect(out.checkerSummary == base.checkerSummary)
            }
        }
        let cr = SanitizerLogParser.parse(
            text: try sanitizer("clang-lsan-direct-indirect.log").replacingOccurrences(of: "\n", with: "\r"))
        #expect(cr.findings.map(\.bytes) == [24, 7, 100])
        #expect(cr.sanitizerLeakSummary == Tally(bytes: 131, blocks: 3))
    }

    @Test func valgrindTextReadsTheSameWithAnyLineEnding() throws {
        for name in ["leak-kinds-definite-with-indirect.txt", "use-after-free-read.txt", "client-leak-checks.txt"] {
            let lf = try valgrind(name)
            let base = ValgrindTextParser.parse(text: lf)
            #expect(base.complete)
            for sep in ["\r\n", "\r"] {
                let out = ValgrindTextParser.parse(text: lf.replacingOccurrences(of: "\n", with: sep))
                #expect(out.findings == base.findings, "\(name) \(sep.debugDescription)")
                #expect(out.complete)
                #expect(out.checkerSummary == base.checkerSummary)
            }
        }
    }

    // MARK: valgrind text

    @Test func cleanLogCutInsideErrorSummaryIsIncomplete() throws {
        let full = try valgrind("clean.txt")
        #expect(ValgrindTextParser.parse(text: full).complete)
        let cut = ValgrindTextParser.parse(text: prefix(full, try byteOffset(of: "ERROR SUMMARY: 0 er", in: full) + 19))
        #expect(!cut.complete)
        #expect(cut.incompleteReason == "valgrind log ends inside its ERROR SUMMARY line (output truncated)")
        // Every cut before the closing `)` of that line.
        let last = full.utf8.count - (full.hasSuffix("\n") ? 2 : 1)
        var clean: [Int] = []
        for n in 0..<last where ValgrindTextParser.parse(text: prefix(full, n)).complete { clean.append(n) }
        #expect(clean.isEmpty, "complete at offsets \(clean.prefix(10))")
    }
}
