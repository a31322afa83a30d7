import Foundation
import Testing

@testable import LeakCheck

/// The corpus (Tests/Fixtures/corpus): valgrind's own regression outputs (EXPECTED.tsv holds the
/// figures read from each file) and cargo-valgrind users' XML. A missing corpus
/// fails (Paths.corpusText throws), it is never skipped.
@Suite struct ValgrindCorpusTests {
    struct Row: CustomTestStringConvertible {
        var file: String
        var format: String
        /// definitely, indirectly, possibly, reachable, suppressed: (bytes, blocks) as text.
        var figures: [(String, String)]
        var errorKinds: [String: Int]
        var basis: String
        var testDescription: String { file }
    }

    static func rows() throws -> [Row] {
        let tsv = try Paths.corpusText("valgrind-tests/EXPECTED.tsv")
        var rows: [Row] = []
        for line in tsv.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 14 else { continue }
            var kinds: [String: Int] = [:]
            for pair in c[12].split(separator: ",") {
                let kv = pair.split(separator: ":")
                if kv.count == 2, let n = Int(kv[1]) { kinds[String(kv[0])] = n }
            }
            rows.append(
                Row(
                    file: c[0], format: c[1],
                    figures: [(c[2], c[3]), (c[4], c[5]), (c[6], c[7]), (c[8], c[9]), (c[10], c[11])],
                    errorKinds: kinds, basis: c[13]))
        }
        return rows
    }

    static let leakKinds: [FindingKind] = [.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable]

    @Test func expectedTableHasEveryFile() throws {
        let rows = try Self.rows()
        #expect(rows.count == 50)
        #expect(rows.filter { $0.format == "xml" }.count == 11)
    }

    @Test(arguments: try rows())
    func figuresMatchExpectedTable(_ row: Row) throws {
        let text = try Paths.corpusText("valgrind-tests/\(row.file)")
        let out: CheckerOutput
        if row.format == "xml" {
            out = ValgrindXMLParser.parse(bytes: Array(text.utf8))
            // Summing XML leak errors: <leakedbytes> includes the indirect part.
            for (i, kind) in Self.leakKinds.enumerated() {
                let records = out.findings.filter { $0.kind == kind }
                let bytes = records.reduce(0) { $0 + ($1.totalBytes ?? 0) }
                let blocks = records.reduce(0) { $0 + ($1.blocks ?? 0) }
                check(row.figures[i], bytes, blocks, "\(row.file) \(kind)")
            }
        } else {
            out = ValgrindTextParser.parse(text: text)
            if row.basis.contains("LEAK SUMMARY") && !row.basis.hasPrefix("loss records") {
                let s = try #require(out.checkerSummary, "\(row.file): no LEAK SUMMARY read")
                for (i, kind) in Self.leakKinds.enumerated() {
                    check(row.figures[i], s.tally(for: kind).bytes, s.tally(for: kind).blocks, "\(row.file) \(kind)")
                }
                check(row.figures[4], s.suppressed.bytes, s.suppressed.blocks, "\(row.file) suppressed")
            } else if row.basis.hasPrefix("loss records") {
                // Record sums: direct bytes (indirect bytes inside definite records excluded).
                #expect(out.checkerSummary == nil, "\(row.file): -q files have no LEAK SUMMARY")
                for (i, kind) in Self.leakKinds.enumerated() {
                    let records = out.findings.filter { $0.kind == kind }
                    let bytes = records.reduce(0) { $0 + ($1.bytes ?? 0) }
                    let blocks = records.reduce(0) { $0 + ($1.blocks ?? 0) }
                    check(row.figures[i], bytes, blocks, "\(row.file) \(kind)")
                }
            }
        }
        if row.figures.allSatisfy({ $0.0 == "-" && $0.1 == "-" }) {
            // No valgrind figures in the file: program lines such as
            // `leaked: 80 bytes in 5 blocks` must not become figures.
            #expect(out.checkerSummary == nil, "\(row.file)")
            #expect(!out.findings.contains { $0.kind.isLeak }, "\(row.file)")
        }
        // Every non-leak error block is read with its memcheck kind.
        var seen: [String: Int] = [:]
        // Summary-only findings are checked in SummaryReconciliationTests.
        for f in out.findings where !f.kind.isLeak && f.kind != .fatalSignal && f.kind != .summaryOnly {
            seen[f.rawKind, default: 0] += 1
        }
        let expected = row.errorKinds.filter { !$0.key.hasPrefix("Leak_") }
        #expect(seen == expected, "\(row.file): error kinds")
        // Leak records too, unless earlier leak checks were superseded.
        if !out.warnings.contains(where: { $0.contains("superseded") }) {
            var leaks: [String: Int] = [:]
            for f in out.findings where f.kind.isLeak { leaks[f.rawKind, default: 0] += 1 }
            #expect(leaks == row.errorKinds.filter { $0.key.hasPrefix("Leak_") }, "\(row.file): loss records")
        }
    }

    func check(_ expected: (String, String), _ bytes: Int, _ blocks: Int, _ what: String) {
        if let b = Int(expected.0) { #expect(bytes == b, "\(what) bytes") }
        if let k = Int(expected.1) { #expect(blocks == k, "\(what) blocks") }
    }

    // MARK: specific corpus facts

    @Test func exitOnFirstErrorXMLIsIncomplete() throws {
        let out = ValgrindXMLParser.parse(
            text: try Paths.corpusText("valgrind-tests/exit_on_first_error_with_xml.stderr.exp"))
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("FINISHED") == true)
        #expect(out.findings.map(\.kind) == [.invalidWrite])
    }

    @Test func xml1PlaceholdersAndRefinedKinds() throws {
        for path in ["valgrind-tests/xml1.stderr.exp", "valgrind-tests/protocol6-3.27dev/xml1.stderr.exp"] {
            let out = ValgrindXMLParser.parse(text: try Paths.corpusText(path))
            #expect(out.complete, "\(path)")
            #expect(
                out.findings.map(\.kind) == [
                    .invalidRead, .uninitialisedValue, .uninitialisedValue, .doubleFree, .invalidFree,
                    .syscallParam, .definitelyLost,
                ], "\(path)")
            // `<line>...</line>` and `0x........` are placeholders, not numbers.
            let frame = try #require(out.findings.first?.stack.first)
            #expect(frame.line == nil)
            #expect(frame.address == "0x........")
            #expect(
                out.findings[4].auxiliary.map(\.what) == [
                    "Address 0x........ is on thread 1's stack", "in frame #1, created by frame3 (xml1.c:7)",
                ])
            // `<leak_summary>...</leak_summary>` (filtered) gives no summary.
            #expect(out.checkerSummary == nil)
        }
        let p4 = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/xml1.stderr.exp"))
        #expect(p4.protocolVersion == 4)
        let p6 = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/protocol6-3.27dev/xml1.stderr.exp"))
        #expect(p6.protocolVersion == 6)
    }

    @Test func threadNamesAndEscapes() throws {
        let out = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/threadname_xml.stderr.exp"))
        #expect(out.findings.compactMap(\.thread).filter { $0.contains("try1") }.count == 1)
        #expect(out.findings.compactMap(\.thread).filter { $0.contains("012345678901234") }.count == 1)
        let msg = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/client-msg-as-xml.stderr.exp"))
        #expect(msg.findings.isEmpty)  // a <clientmsg> is not an error
        #expect(msg.complete)
    }

    @Test func longMangledNameIsKeptWhole() throws {
        let out = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/long_namespace_xml.stderr.exp"))
        let longest = out.findings.flatMap(\.stack).compactMap(\.function).map(\.utf8.count).max() ?? 0
        #expect(longest > 9000)
    }

    @Test func fatalSignalAbort() throws {
        let out = ValgrindXMLParser.parse(text: try Paths.corpusText("valgrind-tests/gone_abrt_xml.stderr.exp"))
        #expect(out.fatalSignal == "SIGABRT")
        #expect(out.findings.map(\.kind) == [.fatalSignal])
        #expect(out.complete)
    }

    @Test func newerKindsBecomeOther() throws {
        let out = ValgrindXMLParser.parse(
            text: try Paths.corpusText("valgrind-tests/protocol6-3.27dev/posix_memalign_xml.stderr.exp"))
        #expect(out.findings.count == 10)
        #expect(out.findings.allSatisfy { $0.kind == .other })
        #expect(Set(out.findings.map(\.rawKind)) == ["InvalidSize", "InvalidAlignment"])
        let fd = ValgrindXMLParser.parse(
            text: try Paths.corpusText("valgrind-tests/protocol6-3.27dev/fdleak_open_xml.stderr.exp"))
        #expect(fd.findings.allSatisfy { $0.kind == .other })
    }

    @Test func textClientChecksAndDeltas() throws {
        let jmp = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/leak-segv-jmp.stderr.exp"))
        // The last of six LEAK SUMMARY blocks, with thousands separators.
        #expect(jmp.checkerSummary?.possiblyLost == Tally(bytes: 200_000, blocks: 1))
        #expect(jmp.checkerSummary?.definitelyLost == Tally(bytes: 1000, blocks: 1))
        let delta = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/leak-delta.stderr.exp"))
        #expect(delta.findings.filter { $0.kind == .stillReachable }.count == 3)
        #expect(delta.warnings.contains { $0.contains("superseded") })
        let exitDef = ValgrindTextParser.parse(
            text: try Paths.corpusText("valgrind-tests/protocol6-3.27dev/leak-cases-exit-on-definite.stderr.exp"))
        #expect(!exitDef.complete)
        let realloc = ValgrindTextParser.parse(
            text: try Paths.corpusText("valgrind-tests/protocol6-3.27dev/reallocarray.stderr.exp"))
        #expect(realloc.checkerSummary?.stillReachable == Tally(bytes: 40, blocks: 1))
    }

    @Test func textIndirectInsideDefiniteRecords() throws {
        let out = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/leak-cycle.stderr.exp"))
        let definite = out.findings.filter { $0.kind == .definitelyLost }
        #expect(definite.reduce(0) { $0 + ($1.indirectBytes ?? 0) } == 224)
        #expect(definite.reduce(0) { $0 + ($1.bytes ?? 0) } == 64)
        let full = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/leak-cases-full.stderr.exp"))
        #expect(full.findings.filter { $0.kind == .definitelyLost }.reduce(0) { $0 + ($1.indirectBytes ?? 0) } == 32)
    }

    @Test func textFramesThreadsAndSignals() throws {
        let t = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/threadname.stderr.exp"))
        #expect(t.findings.count == 5)
        #expect(t.findings.compactMap(\.thread).contains("3 (try1)"))
        let first = try #require(t.findings.first?.stack.first)
        #expect(first.function == "bad_things")
        #expect(first.file == "threadname.c")
        #expect(first.line == 21)
        let a = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/addressable.stderr.exp"))
        #expect(a.findings.filter { $0.kind == .fatalSignal }.count == 2)
        let rust = ValgrindTextParser.parse(text: try Paths.corpusText("valgrind-tests/demangle-rust.stderr.exp"))
        #expect(rust.findings.first?.stack.contains { $0.function?.contains("rustc_middle::ty::") == true } == true)
    }

    // MARK: cargo-valgrind

    @Test func cargoValgrindProtocol4() throws {
        let out = ValgrindXMLParser.parse(text: try Paths.corpusText("other/cargo-valgrind/version4.xml"))
        #expect(out.complete)
        #expect(out.protocolVersion == 4)
        let t = Totals(findings: out.findings)
        #expect(t.definitelyLost == Tally(bytes: 200, blocks: 7))
        #expect(t.stillReachable == Tally(bytes: 79_423, blocks: 6))
        #expect(out.findings.filter { $0.kind == .definitelyLost }.map(\.bytes) == [15, 185])
        #expect(out.checkerSummary == nil)
    }

    @Test func cargoValgrindProtocol5FdBadUse() throws {
        let out = ValgrindXMLParser.parse(text: try Paths.corpusText("other/cargo-valgrind/version5-badfd.xml"))
        #expect(out.protocolVersion == 5)
        #expect(out.findings.map(\.rawKind) == ["FdBadUse"])
        #expect(out.findings.first?.kind == .other)
        #expect(out.findings.first?.message == "File descriptor 2 was closed already")
        #expect(out.complete)
    }

    @Test func cargoValgrindProtocol6Summaries() throws {
        let v6 = ValgrindXMLParser.parse(text: try Paths.corpusText("other/cargo-valgrind/version6.xml"))
        #expect(v6.protocolVersion == 6)
        #expect(v6.complete)
        var expected = Totals()
        expected.stillReachable = Tally(bytes: 64_146, blocks: 2_095)
        #expect(v6.checkerSummary == expected)
        let v62 = ValgrindXMLParser.parse(text: try Paths.corpusText("other/cargo-valgrind/version6-2.xml"))
        var expected2 = Totals()
        expected2.stillReachable = Tally(bytes: 456, blocks: 1)
        #expect(v62.checkerSummary == expected2)
        #expect(v62.command?.suffix(3) == ["--list", "--format", "terse"])
    }

    /// valgrind 3.26.0 bug 514613: `</still_reachable>` missing when it is zero.
    @Test func missingStillReachableCloseTagIsTolerated() throws {
        var text = try Paths.corpusText("other/cargo-valgrind/version6-2.xml")
        text = text.replacingOccurrences(of: "<bytes>456</bytes>", with: "<bytes>0</bytes>")
            .replacingOccurrences(of: "<blocks>1</blocks>\n  </still_reachable>", with: "<blocks>0</blocks>")
            .replacingOccurrences(
                of: "<suppressed>\n    <bytes>0</bytes>\n    <blocks>0</blocks>\n  </suppressed>",
                with: "<suppressed>\n    <bytes>1,024</bytes>\n    <blocks>3</blocks>\n  </suppressed>")
        #expect(!text.contains("</still_reachable>"))
        let out = ValgrindXMLParser.parse(text: text)
        #expect(out.complete)
        #expect(out.checkerSummary?.stillReachable == Tally())
        #expect(out.checkerSummary?.suppressed == Tally(bytes: 1024, blocks: 3))
    }
}
