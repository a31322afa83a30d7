import Foundation
import Testing

@testable import LeakCheck

/// Truncated logs, error names the fixtures do not cover, frame shapes.
@Suite("Sanitizer log edge cases")
struct SanitizerLogEdgeCaseTests {
    func fixture(_ name: String) throws -> String {
        try Paths.fixtureText("logs/sanitizer/\(name)")
    }

    /// The log up to (not including) the first line containing `marker`,
    /// optionally keeping that line's first `keep` characters.
    func cut(_ text: String, before marker: String, keep: Int = 0) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let i = try #require(lines.firstIndex { $0.contains(marker) })
        var out = lines[..<i].joined(separator: "\n") + "\n"
        if keep > 0 { out += String(lines[i].prefix(keep)) }
        return out
    }

    // MARK: Completeness

    @Test func emptyLogIsNoReportAndComplete() {
        for text in ["", "\n\n", "   \n"] {
            let out = SanitizerLogParser.parse(text: text)
            #expect(out.complete)
            #expect(out.findings.isEmpty)
            #expect(out.checkerSummary == nil)
            #expect(out.sanitizerLeakSummary == nil)
            #expect(out.pids.isEmpty)
        }
    }

    @Test func programNoiseOnlyIsNoReport() {
        let out = SanitizerLogParser.parse(text: "running 2 tests\ntest a ... ok\n\ntest result: ok. 2 passed\n")
        #expect(out.complete)
        #expect(out.findings.isEmpty)
        #expect(out.checkerSummary == nil)
    }

    @Test func leakReportCutBeforeSummary() throws {
        // Cut after the last entry's stack: no SUMMARY, nothing after the stack.
        let full = try fixture("gcc-asan-direct-indirect.log")
        let cutAtSummary = try cut(full, before: "SUMMARY:")
        let out = SanitizerLogParser.parse(text: cutAtSummary)
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("LeakSanitizer") == true)
        #expect(out.findings.map(\.bytes) == [24, 7, 100])  // what was read is kept
        #expect(out.sanitizerLeakSummary == nil)
        #expect(out.checkerSummary?.indirectlyLost == Tally(bytes: 100, blocks: 1))

        let midLine = try cut(full, before: "Indirect leak of 100", keep: 20)
        let out2 = SanitizerLogParser.parse(text: midLine)
        #expect(!out2.complete)

        let afterHeader = try cut(full, before: "Direct leak of 24")
        let out3 = SanitizerLogParser.parse(text: afterHeader)
        #expect(!out3.complete)
        #expect(out3.findings.isEmpty)

        let entryHeaderOnly =
            try cut(full, before: "Direct leak of 7") + "Direct leak of 7 byte(s) in 1 object(s) allocated from:\n"
        #expect(!SanitizerLogParser.parse(text: entryHeaderOnly).complete)
    }

    @Test func leakReportWithoutSummaryIsIncompleteEvenWithOutputAfterIt() throws {
        // LSan ends every report with SUMMARY; program output after the entries
        // does not make up for a lost SUMMARY (the figures it holds are unknown).
        let full = try fixture("clang-lsan-direct-indirect.log")
        let text = try cut(full, before: "SUMMARY:") + "program said goodbye\n"
        let out = SanitizerLogParser.parse(text: text)
        #expect(!out.complete)
        #expect(
            out.incompleteReason
                == "the LeakSanitizer report (process 5131) is cut short: the log ends before its SUMMARY")
        #expect(out.findings.count == 3)
        #expect(out.sanitizerLeakSummary == nil)
        #expect(out.warnings.isEmpty)
    }

    @Test func asanReportCutMidStack() throws {
        let full = try fixture("clang-asan-heap-use-after-free.log")
        // Inside the main stack (before `#2 … __libc_start_main`).
        let inMain = SanitizerLogParser.parse(text: try cut(full, before: "#2 0x7fbcf8844304"))
        #expect(!inMain.complete)
        #expect(inMain.incompleteReason?.contains("AddressSanitizer") == true)
        #expect(inMain.findings.map(\.kind) == [.useAfterFree])
        #expect(inMain.findings[0].stack.count == 2)
        #expect(inMain.findings[0].auxiliary.isEmpty)

        // Inside the "freed by" stack (its `#2` line).
        let out = SanitizerLogParser.parse(text: try cut(full, before: "#2 0x7fbcf8844249 in __libc_start_call_main"))
        #expect(!out.complete)
        #expect(out.findings[0].stack.count == 4)
        #expect(out.findings[0].auxiliary.map(\.stack.count) == [2])

        let midLine = try cut(full, before: "#1 0x558337729358 in main", keep: 25)
        let out2 = SanitizerLogParser.parse(text: midLine)
        #expect(!out2.complete)
        #expect(
            out2.findings[0].auxiliary.map(\.what) == [
                "freed by thread T0 here", "previously allocated by thread T0 here",
            ])

        let headerOnly = try cut(full, before: "READ of size")
        #expect(!SanitizerLogParser.parse(text: headerOnly).complete)
    }

    @Test func asanReportEndsWithShadowDumpOrAborting() throws {
        let full = try fixture("gcc-asan-heap-buffer-overflow.log")
        let toShadow = try cut(full, before: "Shadow byte legend")
        #expect(SanitizerLogParser.parse(text: toShadow).complete)
        let withoutSummary = full.split(separator: "\n").filter { !$0.hasPrefix("SUMMARY") }.joined(separator: "\n")
        #expect(SanitizerLogParser.parse(text: withoutSummary).complete)
    }

    @Test(arguments: ["clang-lsan-under-strace-fatal.log", "gcc-asan-under-strace-lsan-fatal.log"])
    func leakSanitizerUnderPtraceIsIncomplete(file: String) throws {
        let out = SanitizerLogParser.parse(text: try fixture(file))
        #expect(!out.complete)
        #expect(out.incompleteReason == "LeakSanitizer could not run: LeakSanitizer has encountered a fatal error.")
        #expect(out.findings.isEmpty)
        #expect(out.checkerSummary == nil)
    }

    @Test func leakSanitizerFatalErrorIsIncomplete() {
        // What LSan prints under ptrace (gdb, strace, valgrind): no leak check happened.
        let text = """
            ==4242==LeakSanitizer has encountered a fatal error.
            ==4242==HINT: For debugging, try setting environment variable LSAN_OPTIONS=verbosity=1:log_threads=1
            ==4242==HINT: LeakSanitizer does not work under ptrace (strace, gdb, etc)

            """
        let out = SanitizerLogParser.parse(text: text)
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("LeakSanitizer has encountered a fatal error") == true)
        #expect(out.findings.isEmpty)
    }

    // MARK: Several reports

    @Test func twoAsanReportsAndALeakReport() throws {
        let text =
            try fixture("gcc-asan-heap-use-after-free.log") + "some output\n"
            + fixture("clang-asan-heap-buffer-overflow.log") + fixture("clang-lsan-direct-indirect.log")
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.pids == [5012, 5088, 5131])
        #expect(
            out.findings.map(\.kind) == [
                .useAfterFree, .heapBufferOverflow, .definitelyLost, .definitelyLost, .indirectlyLost,
            ])
        #expect(out.findings[0].auxiliary.count == 2)
        #expect(out.findings[1].auxiliary.count == 1)
        #expect(out.sanitizerLeakSummary == Tally(bytes: 131, blocks: 3))
    }

    @Test func summaryMismatchInOneOfTwoProcesses() throws {
        var second = try fixture("clang-asan-direct-indirect.log")
        second = second.replacingOccurrences(of: "131 byte(s) leaked in 3", with: "130 byte(s) leaked in 3")
        let out = SanitizerLogParser.parse(text: try fixture("gcc-asan-direct-indirect.log") + second)
        #expect(out.pids == [5005, 5058])
        #expect(out.findings.count == 6)
        #expect(out.sanitizerLeakSummary == Tally(bytes: 261, blocks: 6))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 62, blocks: 4))
        try #require(out.warnings.count == 1)
        #expect(out.warnings[0].contains("process 5058"))
        #expect(out.warnings[0].contains("130 byte(s)"))
    }

    // MARK: Error names

    struct NameCase: Sendable, CustomStringConvertible {
        var header: String
        var summary: String?
        var kind: FindingKind
        var rawKind: String
        var signal: String? = nil
        var description: String { rawKind }
    }

    static let nameCases: [NameCase] = [
        .init(
            header: "stack-overflow on address 0x7ffd4a3b8ff8 (pc 0x55d0 bp 0x7ffd sp 0x7ffd T0)",
            summary: "stack-overflow /src/a.c:3 in f",
            kind: .fatalSignal, rawKind: "stack-overflow", signal: "SIGSEGV"),
        .init(
            header: "BUS on unknown address 0x7f0000000000 (pc 0x1 bp 0x2 sp 0x3 T0)", summary: nil,
            kind: .fatalSignal, rawKind: "BUS", signal: "SIGBUS"),
        .init(
            header: "FPE on unknown address 0x55d0 (pc 0x55d0 bp 0x2 sp 0x3 T0)", summary: nil,
            kind: .fatalSignal, rawKind: "FPE", signal: "SIGFPE"),
        .init(
            header: "memcpy-param-overlap: memory ranges [0x7ffc,0x7ffe) and [0x7ffd, 0x7fff) overlap",
            summary: "memcpy-param-overlap /src/a.c:4 in main",
            kind: .overlap, rawKind: "memcpy-param-overlap"),
        .init(
            header: "strcpy-param-overlap: memory ranges [0x1,0x5) and [0x2, 0x6) overlap", summary: nil,
            kind: .overlap, rawKind: "strcpy-param-overlap"),
        .init(
            header: "alloc-dealloc-mismatch (malloc vs operator delete) on 0x602000000010",
            summary: "alloc-dealloc-mismatch /src/a.cc:5 in operator delete(void*)",
            kind: .mismatchedFree, rawKind: "alloc-dealloc-mismatch"),
        .init(
            header: "new-delete-type-mismatch on 0x603000000010 in thread T0:", summary: nil,
            kind: .mismatchedFree, rawKind: "new-delete-type-mismatch"),
        .init(
            header: "stack-use-after-return on address 0x7f5e (pc 0x1 bp 0x2 sp 0x3)", summary: nil,
            kind: .stackUseAfterReturn, rawKind: "stack-use-after-return"),
        .init(
            header: "dynamic-stack-buffer-overflow on address 0x7ffc at pc 0x1 bp 0x2 sp 0x3", summary: nil,
            kind: .stackBufferOverflow, rawKind: "dynamic-stack-buffer-overflow"),
        .init(
            header: "use-after-poison on address 0x6190 at pc 0x1 bp 0x2 sp 0x3",
            summary: "use-after-poison /src/a.c:9 in main",
            kind: .other, rawKind: "use-after-poison"),
        .init(
            header: "container-overflow on address 0x6030 at pc 0x1 bp 0x2 sp 0x3", summary: nil,
            kind: .other, rawKind: "container-overflow"),
        .init(
            header: "unknown-crash on address 0x6030 at pc 0x1 bp 0x2 sp 0x3", summary: nil,
            kind: .other, rawKind: "unknown-crash"),
        .init(
            header:
                "calloc parameters overflow: count * size (-1 * 1) cannot be represented in type size_t (thread T0)",
            summary: "calloc-overflow /src/a.c:3 in main", kind: .other, rawKind: "calloc-overflow"),
        .init(
            header:
                "requested allocation size 0xffffffffffffffff (0x800 after adjustments for alignment, red zones etc.) exceeds maximum supported size of 0x10000000000 (thread T0)",
            summary: "allocation-size-too-big /src/a.c:3 in main", kind: .other, rawKind: "allocation-size-too-big"),
    ]

    @Test(arguments: nameCases)
    func errorNames(_ c: NameCase) {
        var text = "=================================================================\n"
        text += "==77==ERROR: AddressSanitizer: \(c.header)\n"
        text += "    #0 0x55d0c1 in main /src/a.c:3:5\n"
        text += "    #1 0x7f00 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x27249)\n\n"
        if let summary = c.summary { text += "SUMMARY: AddressSanitizer: \(summary)\n" }
        text += "==77==ABORTING\n"
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids == [77])
        #expect(out.findings.count == 1)
        #expect(out.findings.first?.kind == c.kind)
        #expect(out.findings.first?.rawKind == c.rawKind)
        #expect(out.findings.first?.message.contains(String(c.header.prefix(20))) == true)
        #expect(out.findings.first?.stack.count == 2)
        #expect(out.fatalSignal == c.signal)
    }

    @Test func unknownProseHeaderWithoutSummaryIsOtherWithWarning() {
        let text = """
            ==5==ERROR: AddressSanitizer: something nobody has seen before (thread T0)
                #0 0x1 in main /src/a.c:1
            ==5==ABORTING
            """
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.findings.map(\.kind) == [.other])
        #expect(out.findings.first?.rawKind == "something nobody has seen before (thread T0)")
        #expect(out.warnings.count == 1)
    }

    @Test func kindMapping() {
        #expect(SanitizerLogParser.kind(forErrorName: "heap-use-after-free") == .useAfterFree)
        #expect(SanitizerLogParser.kind(forErrorName: "heap-buffer-overflow") == .heapBufferOverflow)
        #expect(SanitizerLogParser.kind(forErrorName: "stack-buffer-underflow") == .stackBufferOverflow)
        #expect(SanitizerLogParser.kind(forErrorName: "global-buffer-overflow") == .globalBufferOverflow)
        #expect(SanitizerLogParser.kind(forErrorName: "stack-use-after-scope") == .stackUseAfterScope)
        #expect(SanitizerLogParser.kind(forErrorName: "double-free") == .doubleFree)
        #expect(SanitizerLogParser.kind(forErrorName: "bad-free") == .invalidFree)
        #expect(SanitizerLogParser.kind(forErrorName: "SEGV") == .fatalSignal)
        #expect(SanitizerLogParser.kind(forErrorName: "use-of-uninitialized-value") == .uninitialisedValue)
        #expect(SanitizerLogParser.kind(forErrorName: "whatever") == .other)
    }

    // MARK: Frames

    struct FrameCase: Sendable, CustomStringConvertible {
        var line: String
        var function: String?
        var file: String?
        var lineNumber: Int?
        var object: String?
        var address: String
        var mangled: String? = nil
        var description: String { line }
    }

    static let frameCases: [FrameCase] = [
        .init(
            line: "    #0 0x4c2a in malloc /path/file.c:12:3", function: "malloc", file: "/path/file.c", lineNumber: 12,
            object: nil, address: "0x4c2a"),
        .init(
            line: "    #1 0x7f12 in foo (/lib/x.so+0x123)", function: "foo", file: nil, lineNumber: nil,
            object: "/lib/x.so", address: "0x7f12"),
        .init(
            line: "    #2 0x7f13 (/lib/x.so+0x123)", function: nil, file: nil, lineNumber: nil, object: "/lib/x.so",
            address: "0x7f13"),
        .init(
            line: "    #3 0x7f14 in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69",
            function: "__interceptor_malloc", file: "../../../../src/libsanitizer/asan/asan_malloc_linux.cpp",
            lineNumber: 69, object: nil, address: "0x7f14"),
        .init(
            line: "    #4 0x55f in main (/tmp/bin+0xfedbd) (BuildId: 46c1a2f87abd8b35f750e5984d1f87ee99517590)",
            function: "main", file: nil, lineNumber: nil, object: "/tmp/bin", address: "0x55f"),
        .init(
            line: "    #5 0x7fa in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x27249) (BuildId: 7c5e)",
            function: "__libc_start_main", file: nil, lineNumber: nil, object: "/lib/x86_64-linux-gnu/libc.so.6",
            address: "0x7fa"),
        .init(
            line: #"    #6 0x13e in malloc+0xb8 (C:\Program Files\app\app.exe+0x6b3298)"#, function: "malloc",
            file: nil, lineNumber: nil,
            object: #"C:\Program Files\app\app.exe"#, address: "0x13e"),
        .init(
            line: "    #7 0x7fe  (<unknown module>)", function: nil, file: nil, lineNumber: nil, object: nil,
            address: "0x7fe"),
        .init(
            line: "    #8 0x7f3 in __interceptor_malloc ??:?", function: "__interceptor_malloc", file: nil,
            lineNumber: nil, object: nil, address: "0x7f3"),
        .init(
            line: "    #9 0x7f4 in Builtin_impl /v8/src/builtins.cc:1115 (discriminator 1)", function: "Builtin_impl",
            file: "/v8/src/builtins.cc", lineNumber: 1115, object: nil, address: "0x7f4"),
        .init(
            line: "    #10 0x55a in moq_ffi::tests::leak_x::h0123456789abcdef /src/lib.rs:12:5",
            function: "moq_ffi::tests::leak_x",
            file: "/src/lib.rs", lineNumber: 12, object: nil, address: "0x55a",
            mangled: "moq_ffi::tests::leak_x::h0123456789abcdef"),
        .init(
            line:
                "    #11 0x55b in <alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop::h0123456789abcdef /rustc/x/vec/mod.rs:3000:9",
            function: "<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop", file: "/rustc/x/vec/mod.rs",
            lineNumber: 3000, object: nil,
            address: "0x55b", mangled: "<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop::h0123456789abcdef"),
        .init(
            line: "    #12 0x55c in _ZN7moq_ffi6client6create17h0123456789abcdefE (/t/libmoq_ffi.so+0x1234)",
            function: "moq_ffi::client::create",
            file: nil, lineNumber: nil, object: "/t/libmoq_ffi.so", address: "0x55c",
            mangled: "_ZN7moq_ffi6client6create17h0123456789abcdefE"),
        .init(
            line: "    #13 0x55d in _RNvCs1234_7moq_ffi11moq_connect /src/lib.rs:40", function: "moq_ffi::moq_connect",
            file: "/src/lib.rs", lineNumber: 40, object: nil, address: "0x55d",
            mangled: "_RNvCs1234_7moq_ffi11moq_connect"),
        .init(
            line:
                "    #14 0x55e in <&dyn core::ops::function::Fn<(), Output = i32> + core::marker::Sync as core::ops::function::FnOnce<()>>::call_once /rustc/x/function.rs:250:5",
            function:
                "<&dyn core::ops::function::Fn<(), Output = i32> + core::marker::Sync as core::ops::function::FnOnce<()>>::call_once",
            file: "/rustc/x/function.rs", lineNumber: 250, object: nil, address: "0x55e"),
        .init(
            line: "    #15 0x55f in std::rt::lang_start::<()>::{closure#0}",
            function: "std::rt::lang_start::<()>::{closure#0}",
            file: nil, lineNumber: nil, object: nil, address: "0x55f"),
        .init(
            line: "\t#16 0x560 in operator delete(void*)", function: "operator delete(void*)", file: nil,
            lineNumber: nil, object: nil, address: "0x560"),
    ]

    @Test(arguments: frameCases)
    func frameShapes(_ c: FrameCase) throws {
        let text =
            "==1==ERROR: LeakSanitizer: detected memory leaks\nDirect leak of 8 byte(s) in 1 object(s) allocated from:\n\(c.line)\n\nSUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).\n"
        let out = SanitizerLogParser.parse(text: text)
        let frame = try #require(out.findings.first?.stack.first)
        #expect(frame.function == c.function)
        #expect(frame.file == c.file)
        #expect(frame.line == c.lineNumber)
        #expect(frame.object == c.object)
        #expect(frame.address == c.address)
        #expect(frame.mangled == c.mangled)
    }

    @Test func crlfLinesAndThousandsOfFramesAreFine() {
        var text =
            "==9==ERROR: LeakSanitizer: detected memory leaks\r\n\r\nDirect leak of 40 byte(s) in 2 object(s) allocated from:\r\n"
        for i in 0..<2000 { text += "    #\(i) 0x\(String(i, radix: 16)) in f\(i) /src/a.c:\(i + 1)\r\n" }
        text += "\r\nSUMMARY: AddressSanitizer: 40 byte(s) leaked in 2 allocation(s).\r\n"
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        // 2,000 frames are over the frame cap (issue 21): the innermost and outermost are kept, with a note.
        #expect(out.warnings == [ParseBounds.stackNote(2000 - ParseBounds.maxFrames)])
        #expect(out.findings.first?.stack.count == ParseBounds.maxFrames)
        #expect(out.findings.first?.stack.last?.line == 2000)
        #expect(out.findings.first?.stack[0].file == "/src/a.c")
    }

    /// Issue 21: the SUMMARY line is a finding of its kind even when the
    /// `==PID==ERROR:` header is gone, unreadable, or the only line left.
    @Test(arguments: [
        "asan-double-free-header-missing.log", "asan-double-free-non-numeric-pid.log",
        "asan-double-free-summary-line-only.log",
    ])
    func summaryWithoutItsHeaderIsAFindingOfItsKind(file: String) throws {
        let out = SanitizerLogParser.parse(text: try Paths.fixtureText("fuzz/" + file))
        #expect(out.complete)
        let f = try #require(out.findings.first)
        #expect(out.findings.count == 1)
        #expect(f.kind == .doubleFree)
        #expect(f.rawKind == "double-free")
        #expect(out.warnings.contains { $0.contains("no readable ERROR header") })
        if file.hasSuffix("summary-line-only.log") {
            #expect(f.stack.isEmpty)
        } else {
            // The stack read before the SUMMARY is the error's (free, then main at double_free.c:5).
            #expect(f.stack.map(\.function).prefix(2) == ["free", "main"])
            #expect(f.stack.count == 5)
        }
    }

    @Test func headerlessSummaryOfOtherSanitizersAndUnknownKinds() {
        var out = SanitizerLogParser.parse(text: "SUMMARY: ThreadSanitizer: data race /src/a.c:3 in f\n")
        #expect(out.findings.map(\.kind) == [.other])
        #expect(out.findings.first?.rawKind == "data race")
        out = SanitizerLogParser.parse(text: "SUMMARY: AddressSanitizer: SEGV /src/a.c:3 in f\n")
        #expect(out.findings.map(\.kind) == [.fatalSignal])
        #expect(out.fatalSignal == "SIGSEGV")
        // Not a sanitizer's SUMMARY: nothing.
        out = SanitizerLogParser.parse(text: "SUMMARY: Something: else\n")
        #expect(out.findings.isEmpty)
    }
}
