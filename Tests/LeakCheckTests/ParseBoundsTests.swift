import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// Issue 21: memory and work per finding are bounded whatever the log holds
/// (frames per stack, name length, line length), and every cap that was
/// reached is stated in a note.
@Suite struct ParseBoundsTests {
    static let lsan = "logs/sanitizer/clang-lsan-direct-indirect.log"

    /// The fixture with `frames` copies of its first `#0` frame line in the first entry.
    static func lsanWithFrames(_ frames: Int) throws -> String {
        var lines = try Paths.fixtureText(lsan).components(separatedBy: "\n")
        let at = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#0 ") })
        let frame = lines[at]
        let many = (0..<frames).map { frame.replacingOccurrences(of: "#0 ", with: "#\($0) ") }
        lines.replaceSubrange(at...at, with: many)
        return lines.joined(separator: "\n")
    }

    @Test func deepStackKeepsInnermostAndOutermostFramesWithANote() throws {
        let intact = SanitizerLogParser.parse(text: try Self.lsanWithFrames(1))
        let out = SanitizerLogParser.parse(text: try Self.lsanWithFrames(3_000))
        #expect(out.complete)
        let deep = try #require(out.findings.max { $0.stack.count < $1.stack.count })
        let before = try #require(intact.findings.first { $0.message == deep.message }?.stack)
        #expect(deep.stack.count == ParseBounds.maxFrames)
        // The outermost frames (main, the C runtime) are kept after the innermost ones.
        #expect(Array(deep.stack.suffix(before.count - 1)) == Array(before.dropFirst()))
        #expect(deep.stack.first == before.first)
        let dropped = 3_000 + before.count - 1 - ParseBounds.maxFrames
        #expect(out.warnings.contains(ParseBounds.stackNote(dropped)))
        #expect(out.findings.allSatisfy { $0.stack.count <= ParseBounds.maxFrames })
    }

    @Test func valgrindTextAndXMLStacksAreCapped() throws {
        var text = "==1== Memcheck, a memory error detector\n==1== 8 bytes in 1 blocks are definitely lost in loss record 1 of 1\n"
        text += "==1==    at 0x1: malloc (a.c:1)\n"
        for k in 0..<1_000 { text += "==1==    by 0x\(k): f\(k) (a.c:\(k))\n" }
        text += "==1== \n==1== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)\n"
        let t = ValgrindTextParser.parse(text: text)
        #expect(t.findings.first?.stack.count == ParseBounds.maxFrames)
        #expect(t.findings.first?.stack.last?.function == "f999")
        #expect(t.findings.first?.stack.first?.function == "malloc")
        #expect(t.warnings.contains { $0.contains("the frame cap") })

        var xml = "<valgrindoutput><status><state>FINISHED</state></status><error><kind>Leak_DefinitelyLost</kind>"
        xml += "<xwhat><text>8 bytes in 1 blocks are definitely lost in loss record 1 of 1</text><leakedbytes>8</leakedbytes><leakedblocks>1</leakedblocks></xwhat><stack>"
        for k in 0..<1_000 { xml += "<frame><ip>0x\(k)</ip><fn>f\(k)</fn></frame>" }
        xml += "</stack></error></valgrindoutput>"
        let x = ValgrindXMLParser.parse(text: xml)
        #expect(x.complete)
        #expect(x.findings.first?.stack.count == ParseBounds.maxFrames)
        #expect(x.findings.first?.stack.last?.function == "f999")
        #expect(x.warnings.contains(ParseBounds.stackNote(1_000 - ParseBounds.maxFrames)))
    }

    @Test func giantFunctionNameIsCutQuicklyWithANote() throws {
        let name = String(repeating: "f", count: 20 << 20)  // 20 MB
        let text = try Paths.fixtureText(Self.lsan).replacingOccurrences(of: " in main ", with: " in \(name) ")
        let clock = ContinuousClock()
        let start = clock.now
        let out = SanitizerLogParser.parse(text: text)
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(3), "took \(elapsed)")
        for f in out.findings {
            for frame in f.stack {
                #expect((frame.function?.utf8.count ?? 0) <= ParseBounds.maxNameBytes + 3)
            }
        }
        #expect(out.warnings.contains { $0.contains("the line cap") })
        #expect(out.warnings.contains { $0.contains("the name cap") })
    }

    @Test func streamedSanitizerLogCutsGiantLinesBeforeHoldingThem() throws {
        let name = String(repeating: "g", count: 5 << 20)
        let text = try Paths.fixtureText(Self.lsan).replacingOccurrences(of: " in main ", with: " in \(name) ")
        let path = Scratch.directory + "bounds-\(UUID().uuidString).log"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = SanitizerLogParser.parse(text: try Paths.fixtureText(Self.lsan))
        let (out, _) = try StreamingLogParser.parseSanitizerLog(fileAt: path)
        #expect(out.complete)
        #expect(out.findings.count == whole.findings.count)
        #expect(out.warnings.contains { $0.contains("the line cap") })
        #expect(out.findings.allSatisfy { $0.stack.allSatisfy { ($0.function?.utf8.count ?? 0) <= ParseBounds.maxNameBytes + 3 } })
    }

    @Test func cappedNamesKeepWholeCharacters() throws {
        let s = String(repeating: "é", count: ParseBounds.maxNameBytes)  // 2 bytes each
        let c = try #require(ParseBounds.capped(s))
        #expect(c.hasSuffix("…"))
        #expect(c.utf8.count <= ParseBounds.maxNameBytes + 3)
        #expect(c.dropLast().allSatisfy { $0 == "é" })
        #expect(ParseBounds.capped("short") == nil)
    }

    /// A line cut inside a multi-byte character neither traps nor makes invalid text.
    @Test func lineCutInsideACharacterIsSafe() {
        let odd = "x" + String(repeating: "é", count: ParseBounds.maxLineBytes)  // the cap falls mid-character
        let text = "==1==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 8 byte(s) in 1 object(s) allocated from:\n    #0 0x1 in \(odd) /src/a.c:1\n\nSUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).\n"
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.findings.count == 1)
        let name = out.findings.first?.stack.first?.function ?? ""
        #expect(name.utf8.count <= ParseBounds.maxNameBytes + 3)
        #expect(name.unicodeScalars.allSatisfy { $0 == "x" || $0 == "é" || $0 == "…" || $0 == "\u{FFFD}" })
        let v = ValgrindTextParser.parse(text: "==1== Memcheck, a memory error detector\n==1== \(odd)\n==1== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)\n")
        #expect(v.complete)
        #expect(v.warnings.contains { $0.contains("the line cap") })
    }

    /// Streaming a report far longer than a batch (a stack of 3,000 frames) keeps
    /// the same frames as the whole-text parse, without holding the others' text.
    @Test(arguments: [64, 4 << 10, 4 << 20])
    func streamedDeepStackKeepsTheSameFrames(batchBytes: Int) throws {
        var text = "==9==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 40 byte(s) in 2 object(s) allocated from:\n"
        for i in 0..<3_000 { text += "    #\(i) 0x\(String(i, radix: 16)) in f\(i) /src/a.c:\(i + 1)\n" }
        text += "\nSUMMARY: AddressSanitizer: 40 byte(s) leaked in 2 allocation(s).\n"
        let path = Scratch.directory + "deep-\(UUID().uuidString).log"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = SanitizerLogParser.parse(text: text)
        let (streamed, _) = try StreamingLogParser.parseSanitizerLog(fileAt: path, batchBytes: batchBytes)
        #expect(streamed.complete)
        var acc = FindingAccumulator()
        acc.add(contentsOf: whole.findings)
        #expect(streamed.findings.map(\.stack) == acc.findings.map(\.stack))
        #expect(streamed.findings.map(\.bytes) == acc.findings.map(\.bytes))
        #expect(streamed.findings.contains { $0.stack.count == ParseBounds.maxFrames })
        if batchBytes < 1 << 20 {
            #expect(streamed.warnings.contains { $0.contains("skipped while reading (the frame cap)") })
        }
    }
}
