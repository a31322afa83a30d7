import Foundation
import Testing

@testable import LeakCheck

/// Fixtures captured on this machine (valgrind 3.19, protocol 4, with
/// `--gen-suppressions=all`); Tests/Fixtures/logs/valgrind/README.md lists them.
@Suite struct ValgrindXMLParserTests {
    static let dir = "logs/valgrind/"

    func parse(_ name: String) throws -> CheckerOutput {
        let url = Paths.fixture(Self.dir + name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path, hint: "fixture file missing from the checkout")
        }
        let streamed = try ValgrindXMLParser.parse(fileAt: url.path)
        // The in-memory entry point must agree with the streaming one.
        let inMemory = ValgrindXMLParser.parse(text: try Paths.fixtureText(Self.dir + name))
        #expect(streamed.findings == inMemory.findings)
        #expect(streamed.complete == inMemory.complete)
        return streamed
    }

    @Test func clean() throws {
        let out = try parse("clean.xml")
        #expect(out.complete)
        #expect(out.incompleteReason == nil)
        #expect(out.findings.isEmpty)
        #expect(out.protocolVersion == 4)
        #expect(out.pids == [4443])
        #expect(out.command == ["./clean"])
        #expect(out.checkerSummary == nil)  // protocol 4 has no leak summary
        #expect(out.checkerSuppressionCounts.isEmpty)
    }

    @Test func everyLeakKindWithIndirectChildren() throws {
        let out = try parse("leak-kinds-definite-with-indirect.xml")
        #expect(out.complete)
        #expect(
            out.findings.map(\.kind) == [
                .stillReachable, .definitelyLost, .possiblyLost, .indirectlyLost, .indirectlyLost,
                .definitelyLost,
            ])
        let root = out.findings[5]
        #expect(root.rawKind == "Leak_DefinitelyLost")
        #expect(root.bytes == 64)  // direct only
        #expect(root.indirectBytes == 300)
        #expect(root.blocks == 1)
        #expect(root.totalBytes == 364)  // = <leakedbytes>
        #expect(
            root.message == "364 (64 direct, 300 indirect) bytes in 1 blocks are definitely lost in loss record 6 of 6")
        #expect(root.thread == "1")
        // Summing records gives valgrind's own LEAK SUMMARY (from the text run of the same program).
        let t = Totals(findings: out.findings)
        #expect(t.definitelyLost == Tally(bytes: 104, blocks: 2))
        #expect(t.indirectlyLost == Tally(bytes: 300, blocks: 2))
        #expect(t.possiblyLost == Tally(bytes: 80, blocks: 1))
        #expect(t.stillReachable == Tally(bytes: 24, blocks: 1))
        #expect(t.errors == 0)
        let frame = root.stack[1]
        #expect(frame.function == "main")
        #expect(frame.file == "/work/wt-valgrind-parse/Tests/Fixtures/logs/valgrind/src/leak_kinds.c")
        #expect(frame.line == 7)
        #expect(frame.object == "/tmp/vpfix/leak_kinds")
        #expect(frame.address == "0x10914A")
        #expect(frame.mangled == "main")
        #expect(root.stack[0].function == "malloc")
        #expect(root.stack[0].file == nil)
        #expect(root.stack[0].object == "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so")
        // The duplicate top-level <suppression> after each error is not a finding.
        #expect(out.findings.count == 6)
    }

    @Test func invalidReadAndWrite() throws {
        let read = try parse("invalid-read-after-block.xml")
        #expect(read.findings.count == 1)
        let r = try #require(read.findings.first)
        #expect(r.kind == .invalidRead)
        #expect(r.message == "Invalid read of size 4")
        #expect(r.auxiliary.count == 1)
        #expect(r.auxiliary[0].what.hasSuffix("is 0 bytes after a block of size 40 alloc'd"))
        #expect(r.auxiliary[0].stack.map(\.function) == ["malloc", "main"])
        #expect(r.stack.map(\.function) == ["main"])
        #expect(r.stack[0].line == 5)
        let write = try parse("invalid-write-after-block.xml")
        #expect(write.findings.map(\.kind) == [.invalidWrite])
        #expect(write.findings[0].message == "Invalid write of size 1")
        #expect(Totals(findings: write.findings).errors == 1)
    }

    @Test func useAfterFreeAndDoubleFreeAreRefined() throws {
        let uaf = try parse("use-after-free-read.xml")
        #expect(uaf.findings.map(\.kind) == [.useAfterFree])
        #expect(uaf.findings[0].rawKind == "InvalidRead")
        #expect(
            uaf.findings[0].auxiliary.map(\.what) == [
                "Address 0x4a40044 is 4 bytes inside a block of size 16 free'd", "Block was alloc'd at",
            ])
        #expect(uaf.findings[0].auxiliary.map { $0.stack.count } == [2, 2])
        let df = try parse("double-free.xml")
        #expect(df.findings.map(\.kind) == [.doubleFree])
        #expect(df.findings[0].rawKind == "InvalidFree")
        let bad = try parse("invalid-free-global.xml")
        #expect(bad.findings.map(\.kind) == [.invalidFree])
        #expect(bad.findings[0].auxiliary.map(\.what) == [#"Address 0x10c020 is 0 bytes inside data symbol "global""#])
    }

    @Test func uninitialisedConditionalJump() throws {
        let out = try parse("uninit-conditional-jump.xml")
        #expect(out.findings.map(\.kind) == [.uninitialisedValue])
        #expect(out.findings[0].rawKind == "UninitCondition")
        #expect(out.findings[0].message == "Conditional jump or move depends on uninitialised value(s)")
    }

    @Test func sigsegvFatalSignal() throws {
        let out = try parse("sigsegv-fatal-signal.xml")
        #expect(out.complete)
        #expect(out.fatalSignal == "SIGSEGV")
        #expect(out.findings.map(\.kind) == [.invalidWrite, .fatalSignal, .stillReachable])
        // "not stack'd, malloc'd or (recently) free'd" is not a freed block.
        #expect(out.findings[0].kind == .invalidWrite)
        let fatal = out.findings[1]
        #expect(fatal.rawKind == "SIGSEGV")
        #expect(fatal.message.contains("signal 11 (SIGSEGV)"))
        #expect(fatal.message.contains("Access not within mapped region"))
        #expect(fatal.stack.map(\.function) == ["crash", "main"])
        #expect(fatal.thread == "1")
        #expect(out.findings[2].bytes == 13)
    }

    @Test func sigkilledRunIsIncompleteButKeepsWhatWasRead() throws {
        let out = try parse("sigkill-truncated.xml")
        #expect(!out.complete)
        #expect(out.incompleteReason == "valgrind XML ends before FINISHED status (run killed or output truncated)")
        #expect(out.findings.map(\.kind) == [.invalidWrite])
        #expect(out.pids == [4840])
    }

    @Test func rustFramesCarryMangledNames() throws {
        let out = try parse("rust-box-leak-mangled.xml")
        #expect(out.complete)
        let leak = try #require(out.findings.first { $0.kind == .definitelyLost })
        #expect(leak.bytes == 64)
        #expect(leak.blocks == 1)
        let make = try #require(leak.stack.first { $0.function == "rust_box_leak::make_leak" })
        #expect(make.mangled == "_ZN13rust_box_leak9make_leak17h6b6b1c1961677123E")
        #expect(make.file == "/work/wt-valgrind-parse/Tests/Fixtures/logs/valgrind/src/rust_box_leak.rs")
        #expect(make.line == 6)
        // Entities in <fn> and <fun> are decoded.
        #expect(leak.stack.contains { $0.function == "new<rust_box_leak::Payload>" })
        #expect(leak.stack.contains { $0.mangled == "new<rust_box_leak::Payload>" })
        #expect(
            leak.stack.contains {
                $0.function?.hasPrefix("do_call<&(dyn core::ops::function::Fn<(), Output=i32>") == true
            })
        // Every stack frame got the sframe at its index.
        #expect(leak.stack.allSatisfy { $0.mangled != nil })
        #expect(leak.stack.last?.mangled == "main")
        let reachable = try #require(out.findings.first { $0.kind == .stillReachable })
        #expect(reachable.bytes == 544)
    }

    @Test func suppressedLeaksAndSuppcounts() throws {
        let out = try parse("leak-kinds-suppressed.xml")
        #expect(out.complete)
        #expect(out.checkerSuppressionCounts == ["leak_kinds_indirect_children": 2])
        // Suppressed records are not reported; the definite root still carries its split.
        #expect(out.findings.map(\.kind) == [.stillReachable, .definitelyLost, .possiblyLost, .definitelyLost])
        #expect(Totals(findings: out.findings).definitelyLost == Tally(bytes: 104, blocks: 2))
        #expect(out.findings.last?.indirectBytes == 300)
        #expect(out.command == ["./leak_kinds"])
    }

    @Test func sigtermFatalSignal() throws {
        let out = try parse("sigterm-fatal-signal.xml")
        #expect(out.fatalSignal == "SIGTERM")
        // valgrind still finishes and runs the leak check after SIGTERM.
        #expect(out.complete)
        #expect(out.findings.map(\.kind) == [.invalidWrite, .fatalSignal, .stillReachable])
        #expect(out.findings[1].stack.last?.function == "main")
        #expect(out.findings[1].message.contains("signal 15 (SIGTERM)"))
    }

    // MARK: broken input

    @Test func emptyAndNonXMLInputAreIncomplete() {
        let empty = ValgrindXMLParser.parse(bytes: [])
        #expect(!empty.complete)
        #expect(empty.incompleteReason == "empty valgrind output")
        let blank = ValgrindXMLParser.parse(text: "\n\n  ")
        #expect(!blank.complete)
        let text = ValgrindXMLParser.parse(text: "==12== Memcheck, a memory error detector\n")
        #expect(!text.complete)
        #expect(text.incompleteReason?.contains("not XML") == true)
        let other = ValgrindXMLParser.parse(text: "<?xml version=\"1.0\"?><html><body/></html>")
        #expect(!other.complete)
        #expect(other.incompleteReason?.contains("valgrindoutput") == true)
        let garbage = ValgrindXMLParser.parse(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        #expect(!garbage.complete)
    }

    @Test func missingFileThrows() {
        #expect(throws: ParseError.self) {
            _ = try ValgrindXMLParser.parse(fileAt: "/nonexistent/vg.xml")
        }
    }

    /// Cutting a real document at every byte offset never crashes, never claims
    /// completeness, and never reports a half-read error.
    @Test func truncatedAtEveryOffset() throws {
        let bytes = Array(try Paths.fixtureText(Self.dir + "leak-kinds-definite-with-indirect.xml").utf8)
        let full = ValgrindXMLParser.parse(bytes: bytes)
        #expect(full.complete)
        var lastCount = 0
        for cut in stride(from: 0, to: bytes.count - 1, by: 7) {
            let out = ValgrindXMLParser.parse(bytes: Array(bytes[0..<cut]))
            #expect(!out.complete, "cut at \(cut)")
            #expect(out.incompleteReason != nil)
            #expect(out.findings.count >= lastCount)
            lastCount = out.findings.count
            #expect(Array(full.findings.prefix(out.findings.count)) == out.findings, "cut at \(cut)")
        }
        // Cut after the last </error> but before </valgrindoutput>.
        let text = String(decoding: bytes, as: UTF8.self)
        let end = try #require(text.range(of: "<errorcounts>"))
        let out = ValgrindXMLParser.parse(text: String(text[..<end.lowerBound]))
        #expect(!out.complete)
        #expect(out.findings == full.findings)
        #expect(out.incompleteReason?.contains("</valgrindoutput>") == true)
    }

    /// Tokens split across read(2) chunks are reassembled.
    @Test(arguments: [1, 2, 3, 7, 64, 1000])
    func tinyChunksGiveTheSameResult(chunk: Int) throws {
        for name in ["rust-box-leak-mangled.xml", "sigsegv-fatal-signal.xml", "sigkill-truncated.xml"] {
            let path = Paths.fixture(Self.dir + name).path
            let whole = try ValgrindXMLParser.parse(fileAt: path)
            let chunked = try ValgrindXMLParser.parse(fileAt: path, chunkSize: chunk)
            #expect(whole.findings == chunked.findings, "\(name) chunk \(chunk)")
            #expect(whole.complete == chunked.complete)
            #expect(whole.pids == chunked.pids)
        }
        let path = try Paths.corpusPath("other/cargo-valgrind/version6.xml")
        let v6 = try ValgrindXMLParser.parse(fileAt: path, chunkSize: chunk)
        #expect(v6.checkerSummary?.stillReachable == Tally(bytes: 64_146, blocks: 2_095))
    }

    @Test func entitiesCommentsCDATAAndSuppcounts() {
        let xml = """
            <?xml version="1.0"?>
            <!-- a comment with <error> inside -->
            <valgrindoutput>
            <protocolversion>4</protocolversion>
            <pid>77</pid>
            <status><state>RUNNING</state></status>
            <error>
              <unique>0x1</unique><tid>2</tid><threadname>worker</threadname>
              <kind>InvalidJump</kind>
              <what>Jump to &lt;the&gt; &amp; &quot;x&quot; &apos;y&apos; &#65;&#x42;&#x1F600;</what>
              <stack><frame><ip>0x........</ip><fn>f</fn><line>...</line></frame>
              <frame><ip>0x2</ip><fn>g</fn><dir>/d</dir><file>g.c</file><line>1,204</line></frame></stack>
              <suppression><sname>s</sname><skind>Memcheck:Jump</skind>
                <sframe> <obj>/lib/x.so</obj> </sframe><sframe> <fun>_Z1gv</fun> </sframe>
                <rawtext><![CDATA[ { <fun:f> } ]]></rawtext></suppression>
            </error>
            <error><unique>0x2</unique><tid>1</tid><kind>SomeFutureKind</kind><what>new</what></error>
            <status><state>FINISHED</state></status>
            <suppcounts>
              <pair><count>3</count><name>rust_std_thread</name></pair>
              <pair><count>1,002</count><name>other</name></pair>
            </suppcounts>
            <errorcounts><pair><count>9</count><unique>0x1</unique></pair></errorcounts>
            </valgrindoutput>
            """
        let out = ValgrindXMLParser.parse(text: xml)
        #expect(out.complete)
        #expect(out.pids == [77])
        #expect(out.findings.count == 2)
        let f = out.findings[0]
        #expect(f.kind == .other)
        #expect(f.rawKind == "InvalidJump")
        #expect(f.message == "Jump to <the> & \"x\" 'y' AB\u{1F600}")
        #expect(f.thread == "2 (worker)")
        #expect(f.stack[0].line == nil)
        #expect(f.stack[0].mangled == nil)  // an obj: sframe
        #expect(f.stack[1].mangled == "_Z1gv")
        #expect(f.stack[1].file == "/d/g.c")
        #expect(f.stack[1].line == 1204)
        #expect(out.findings[1].kind == .other)
        #expect(out.checkerSuppressionCounts == ["rust_std_thread": 3, "other": 1002])
    }

    @Test func clientRequestedLeakChecksAreSupersededByTheExitCheck() {
        func leak(_ n: Int) -> String {
            "<error><unique>0x\(n)</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind><xwhat><text>\(n) bytes in 1 blocks are definitely lost in loss record 1 of 1</text><leakedbytes>\(n)</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>"
        }
        let xml = """
            <valgrindoutput><status><state>RUNNING</state></status>\(leak(8))
            <status><state>FINISHED</state></status>\(leak(8))\(leak(16))</valgrindoutput>
            """
        let out = ValgrindXMLParser.parse(text: xml)
        #expect(out.findings.compactMap(\.bytes) == [8, 16])
        #expect(out.warnings.contains { $0.contains("superseded") })
    }
}
