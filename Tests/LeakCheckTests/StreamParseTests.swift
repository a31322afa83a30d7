import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// `parse` streams logs from disk and stores identical findings once: the
/// result must be the whole-file parse, deduplicated, with the same totals.
@Suite struct StreamParseTests {
    static let sanitizerLogs: [String] = {
        let dir = Paths.logs.appendingPathComponent("sanitizer").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".log") }
            .sorted()
    }()
    static let valgrindXMLs: [String] = {
        let dir = Paths.logs.appendingPathComponent("valgrind").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".xml") }
            .sorted()
    }()

    @Test func fixtureListsAreComplete() {
        // The loops below would prove nothing over an empty directory listing.
        #expect(Self.sanitizerLogs.count == 38)
        #expect(Self.valgrindXMLs.count == 14)
    }

    /// Every sanitizer fixture, cut into batches at every report boundary
    /// (batchBytes 1) and at the default size: the whole-file parse, deduplicated.
    @Test(arguments: sanitizerLogs) func sanitizerStreamEqualsWholeFileParse(name: String) throws {
        let path = Paths.logs.appendingPathComponent("sanitizer/\(name)").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let whole = SanitizerLogParser.parse(text: text)
        for batch in [1, StreamingLogParser.defaultBatchBytes] {
            let (streamed, asan) = try StreamingLogParser.parseSanitizerLog(fileAt: path, batchBytes: batch)
            #expect(asan == text.contains("AddressSanitizer"))
            #expect(streamed.findings == FindingDeduplication.deduplicate(whole.findings))
            #expect(Totals(findings: streamed.findings) == Totals(findings: whole.findings))
            #expect(streamed.complete == whole.complete)
            #expect(streamed.incompleteReason == whole.incompleteReason)
            #expect(streamed.fatalSignal == whole.fatalSignal)
            #expect(streamed.pids == whole.pids)
            #expect(streamed.checkerSuppressionCounts == whole.checkerSuppressionCounts)
            #expect(streamed.checkerSummary == whole.checkerSummary)
            #expect(streamed.sanitizerLeakSummary == whole.sanitizerLeakSummary)
            #expect(streamed.warnings == whole.warnings)
        }
    }

    @Test(arguments: valgrindXMLs) func valgrindXMLStreamEqualsWholeFileParse(name: String) throws {
        let path = Paths.logs.appendingPathComponent("valgrind/\(name)").path
        let whole = try ValgrindXMLParser.parse(fileAt: path)
        let streamed = try StreamingLogParser.parseValgrindXML(fileAt: path)
        #expect(streamed.findings == FindingDeduplication.deduplicate(whole.findings))
        #expect(Totals(findings: streamed.findings) == Totals(findings: whole.findings))
        #expect(streamed.complete == whole.complete)
        #expect(streamed.incompleteReason == whole.incompleteReason)
        #expect(streamed.checkerSummary == whole.checkerSummary)
        #expect(streamed.checkerSuppressionCounts == whole.checkerSuppressionCounts)
    }

    /// One process's report written 40 times (a forking test harness, ASan
    /// recover mode): 2 distinct findings, each counted 40 times, totals 40x.
    @Test func repeatedSanitizerReportsAreStoredOnce() throws {
        let text = try Paths.fixtureText("logs/sanitizer/rust-nightly-asan-cargo-test-leak.log")
        let path = try temporaryFile(String(repeating: text + "\n", count: 40))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = SanitizerLogParser.parse(text: String(repeating: text + "\n", count: 40))
        try #require(whole.findings.count == 80)
        for batch in [1, 4096, StreamingLogParser.defaultBatchBytes] {
            let (streamed, asan) = try StreamingLogParser.parseSanitizerLog(fileAt: path, batchBytes: batch)
            #expect(asan)
            #expect(streamed.findings.map(\.count) == [40, 40])
            #expect(streamed.findings.map(\.fingerprint) == Array(whole.findings.prefix(2).map(\.fingerprint)))
            #expect(streamed.findings.map(\.message) == Array(whole.findings.prefix(2).map(\.message)))
            let totals = Totals(findings: streamed.findings)
            #expect(totals.definitelyLost == Tally(bytes: 640, blocks: 40))
            #expect(totals.indirectlyLost == Tally(bytes: 2560, blocks: 40))
            #expect(totals == Totals(findings: whole.findings))
            #expect(streamed.sanitizerLeakSummary == whole.sanitizerLeakSummary)
            #expect(streamed.complete)
        }
    }

    /// The same invalid read after free reported 30 times in one valgrind XML: one finding, count 30.
    @Test func repeatedValgrindErrorsAreStoredOnce() throws {
        let text = try Paths.fixtureText("logs/valgrind/use-after-free-read.xml")
        let start = try #require(text.range(of: "<error>"))
        let end = try #require(text.range(of: "</error>"))
        let block = String(text[start.lowerBound..<end.upperBound])
        let repeated =
            String(text[..<start.lowerBound]) + String(repeating: block + "\n", count: 30)
            + String(text[end.upperBound...])
        let path = try temporaryFile(repeated)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = try ValgrindXMLParser.parse(fileAt: path)
        try #require(whole.findings.count == 30)
        let streamed = try StreamingLogParser.parseValgrindXML(fileAt: path)
        #expect(streamed.findings.count == 1)
        #expect(streamed.findings.first?.count == 30)
        #expect(streamed.findings.first?.kind == .useAfterFree)
        #expect(Totals(findings: streamed.findings).errors == 30)
        #expect(Totals(findings: streamed.findings) == Totals(findings: whole.findings))
    }

    /// The accumulator and `FindingDeduplication` agree, including findings that already carry a count.
    @Test func accumulatorMatchesDeduplication() throws {
        let base = SanitizerLogParser.parse(
            text: try Paths.fixtureText("logs/sanitizer/rust-nightly-asan-cargo-test-leak.log")
        ).findings
        try #require(base.count == 2)
        var counted = base[1]
        counted.count = 5
        var otherBytes = base[0]
        otherBytes.bytes = 17
        var suppressed = base[0]
        suppressed.suppressedBy = "leak-in-test"
        let input = [base[0], base[1], counted, otherBytes, base[0], suppressed, base[1]]
        var acc = FindingAccumulator()
        acc.add(contentsOf: input)
        #expect(acc.findings == FindingDeduplication.deduplicate(input))
        #expect(acc.findings.map(\.count) == [2, 7, nil, nil])
        #expect(acc.occurrences == 11)
    }

    /// Batches are exactly the file, cut only where a sanitizer report ends
    /// or begins, never between a report's opening lines (DEADLYSIGNAL, the rule, ERROR).
    @Test func batchesAreTheFileCutAtReportBoundaries() throws {
        let rule = String(repeating: "=", count: 65)
        let lines = [
            "noise", rule, "==1==ERROR: LeakSanitizer: detected memory leaks", "Direct leak of 8 byte(s)",
            "SUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).", "more noise",
            "AddressSanitizer:DEADLYSIGNAL", rule, "==2==ERROR: AddressSanitizer: SEGV on unknown address", "tail",
        ]
        let path = try temporaryFile(lines.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var batches: [String] = []
        var cut = 0
        var dropped = 0
        try StreamingLogParser.forEachBatch(
            fileAt: path, batchBytes: 1, boundary: StreamingLogParser.sanitizerBoundary, cutLines: &cut,
            droppedFrameLines: &dropped
        ) {
            batches.append(String(decoding: $0, as: UTF8.self))
            return true
        }
        #expect(
            batches == [
                "noise\n",
                rule + "\n==1==ERROR: LeakSanitizer: detected memory leaks\nDirect leak of 8 byte(s)\n"
                    + "SUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).\n",
                "more noise\n",
                "AddressSanitizer:DEADLYSIGNAL\n" + rule
                    + "\n==2==ERROR: AddressSanitizer: SEGV on unknown address\ntail",
            ])
        #expect(batches.joined() == lines.joined(separator: "\n"))
    }

    func temporaryFile(_ text: String) throws -> String {
        let path = Scratch.directory + "stream-parse-\(UUID().uuidString).log"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
