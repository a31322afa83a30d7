import Testing

@testable import LeakCheck

/// Real logs nobody on this project wrote: ClusterFuzz's stack-parser inputs and
/// CMake's ctest_memcheck logs (figures from Tests/Fixtures/corpus/other/README.md).
@Suite("Sanitizer corpus: ClusterFuzz and CMake")
struct SanitizerCorpusTests {
    func parse(_ path: String) throws -> CheckerOutput {
        SanitizerLogParser.parse(text: try Paths.corpusText("other/\(path)"))
    }

    func sum(_ findings: [Finding], _ kind: FindingKind) -> Tally {
        findings.filter { $0.kind == kind }.reduce(Tally()) {
            $0 + Tally(bytes: $1.bytes ?? 0, blocks: $1.blocks ?? 0)
        }
    }

    // MARK: ClusterFuzz LSan

    @Test func twoProcessesInOneLog() throws {
        let out = try parse("clusterfuzz/lsan_direct_leak.txt")
        #expect(out.complete)
        #expect(out.pids == [3236, 3294])
        #expect(out.findings.map(\.kind) == [.indirectlyLost, .definitelyLost])
        #expect(out.findings.map(\.bytes) == [3079, 10])
        #expect(out.findings.map(\.blocks) == [252, 1])
        // Both SUMMARY lines agree with their own report's entries.
        #expect(out.warnings.isEmpty)
        #expect(out.sanitizerLeakSummary == Tally(bytes: 3089, blocks: 253))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 10, blocks: 1))
        #expect(out.checkerSummary?.indirectlyLost == Tally(bytes: 3079, blocks: 252))
        // One block before report 2's SUMMARY, one after it, amid Chromium noise.
        #expect(out.checkerSuppressionCounts == ["libfontconfig": 360, "libGL.so": 3])

        let first = out.findings[0].stack
        #expect(first.count == 2)
        #expect(first[0].function == "__interceptor_malloc")
        #expect(first[0].file == nil)  // `??:?`
        #expect(first[1].function == "__GI___strdup")
        #expect(first[1].file == "/build/buildd/eglibc-2.19/string/strdup.c")
        #expect(first[1].line == 42)

        // 24 numbered frames, 6 `(<unknown module>)` ones, then #20-#23 again: 30 in all.
        let second = out.findings[1].stack
        #expect(second.count == 30)
        #expect(second[1].function == "xmlStrndup")
        #expect(second[1].line == 45)
        #expect(second[13].function == "blink::XSLTProcessor::transformToDocument(blink::Node*)")
        #expect(Fingerprint.baseName(second[13].file ?? "") == "XSLTProcessor.cpp")
        // `(discriminator 1)` is dropped, the line kept.
        #expect(second[18].function == "Builtin_implHandleApiCall")
        #expect(second[18].line == 1115)
        #expect(second[20].function == nil)
        #expect(second[20].object == nil)
        #expect(second[20].address == "0x7fee08409afa")
        #expect(
            second[29].function
                == "blink::V8ScriptRunner::runCompiledScript(v8::Isolate*, v8::Local<v8::Script>, blink::ExecutionContext*)"
        )
    }

    @Test func cycleIsAllIndirect() throws {
        let out = try parse("clusterfuzz/lsan_indirect_leak_cycle.txt")
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids == [1])
        #expect(out.findings.count == 4)
        #expect(out.findings.allSatisfy { $0.kind == .indirectlyLost })
        #expect(out.findings.map(\.bytes) == [96, 96, 48, 48])
        #expect(sum(out.findings, .indirectlyLost) == Tally(bytes: 288, blocks: 6))
        #expect(out.sanitizerLeakSummary == Tally(bytes: 288, blocks: 6))
        #expect(out.checkerSummary?.definitelyLost == .zero)
        #expect(out.checkerSummary?.indirectlyLost == Tally(bytes: 288, blocks: 6))
        // `#0 0x4d5058 in malloc _asan_rtl_`: ClusterFuzz's runtime marker is no file.
        let top = out.findings[0].stack[0]
        #expect(top.function == "malloc")
        #expect(top.file == nil)
        #expect(out.findings[0].stack[1].function == "xmlNewDocElementContent")
        #expect(out.findings[0].stack[1].file == "/src/libxml2/valid.c")
        #expect(out.findings[0].stack[1].line == 952)
        #expect(out.findings[0].stack.last?.function == "__libc_start_main")
        #expect(out.findings[0].stack.last?.file == nil)
    }

    @Test func multipleLeaks() throws {
        let out = try parse("clusterfuzz/lsan_multiple_leaks.txt")
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.findings.filter { $0.kind == .definitelyLost }.count == 18)
        #expect(out.findings.filter { $0.kind == .indirectlyLost }.count == 14)
        #expect(sum(out.findings, .definitelyLost) == Tally(bytes: 226_384, blocks: 300))
        #expect(sum(out.findings, .indirectlyLost) == Tally(bytes: 10_064, blocks: 150))
        #expect(out.sanitizerLeakSummary == Tally(bytes: 236_448, blocks: 450))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 226_384, blocks: 300))
        #expect(out.checkerSuppressionCounts == ["libfontconfig": 581])
        #expect(out.findings[0].bytes == 196_608)
        #expect(out.findings[0].stack[0].function == "operator new[](unsigned long)")
        #expect(out.findings[0].stack[1].function == "pepper::AutoBuffer::AllocateBuffer(unsigned long)")
    }

    @Test func singleFrameStacks() throws {
        let out = try parse("clusterfuzz/lsan_single_frame_stacks.txt")
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids == [31049])
        #expect(out.findings.map(\.kind) == [.definitelyLost, .definitelyLost])
        #expect(out.findings.map(\.bytes) == [1, 1])
        #expect(out.findings.map(\.blocks) == [1, 1])
        #expect(out.findings.map(\.stack.count) == [1, 1])
        #expect(out.findings.map { $0.stack[0].function } == ["f(unsigned long)", "g(unsigned long)"])
        #expect(out.findings.map { $0.stack[0].file } == ["/usr/include/blah.h", "/usr/include/blah.h"])
        #expect(out.findings.map { $0.stack[0].line } == [88, 89])
        #expect(out.sanitizerLeakSummary == Tally(bytes: 2, blocks: 2))
        // The Suppressions block precedes the report (an earlier process's).
        #expect(out.checkerSuppressionCounts == ["libfontconfig": 581])
        #expect(out.findings[0].fingerprint != out.findings[1].fingerprint)
    }

    // MARK: ClusterFuzz ASan

    @Test func doubleFreeWithUnsymbolizedSummary() throws {
        let out = try parse("clusterfuzz/asan_double_free.txt")
        #expect(out.complete)
        #expect(out.pids == [7009])
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .doubleFree)
        #expect(f.rawKind == "double-free")
        #expect(f.thread == "T0")
        #expect(f.message.contains("attempting double-free on 0x610000022b80"))
        #expect(f.message.contains("0 bytes inside of 120-byte region"))
        #expect(f.stack.count == 9)
        #expect(f.stack[0].function == "operator delete(void*)")
        #expect(f.stack[0].file == nil)
        #expect(f.stack[1].function == "clear")
        #expect(f.stack[1].file == "third_party/pdfium/core/fpdfapi/fpdf_page/cpdf_countedobject.h")
        #expect(f.stack[1].line == 23)
        #expect(f.auxiliary.map(\.what) == ["freed by thread T0 here", "previously allocated by thread T0 here"])
        #expect(f.auxiliary.map(\.stack.count) == [56, 17])
        #expect(f.auxiliary[1].stack[0].function == "operator new(unsigned long)")
        #expect(out.sanitizerLeakSummary == nil)
        #expect(out.checkerSummary == nil)
    }

    @Test func invalidFreeOlderRuntime() throws {
        let out = try parse("clusterfuzz/asan_invalid_free.txt")
        #expect(out.complete)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .invalidFree)
        #expect(f.rawKind == "bad-free")
        #expect(f.thread == "T0")
        #expect(f.message.contains("Address 0x00000a5742f0 is a wild pointer."))
        #expect(f.stack.count == 12)
        #expect(f.stack[0].function == "__interceptor_cfree.localalias.0")
        #expect(f.stack[0].file == "/src/llvm/projects/compiler-rt/lib/asan/asan_malloc_linux.cc")
        #expect(f.stack[0].line == 54)
        #expect(f.stack[1].line == 331)
        #expect(f.stack[10].function == "__libc_start_main")
        #expect(f.stack[10].object == "/lib/x86_64-linux-gnu/libc.so.6")
        #expect(f.stack[11].function == "_start")
        #expect(f.stack[11].object?.hasSuffix("/gnutls_x509_parser_fuzzer") == true)
        #expect(f.auxiliary.isEmpty)
    }

    @Test func chromeUseAfterFree() throws {
        let out = try parse("clusterfuzz/asan_uaf.txt")
        #expect(out.complete)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .useAfterFree)
        #expect(f.thread == "T0")  // `thread T0 (chrome)`
        #expect(f.message.contains("READ of size 8 at 0x60f00003b280"))
        #expect(f.message.contains("16 bytes inside of 112-byte region"))
        #expect(f.stack.count == 56)
        #expect(f.stack[0].function == "WTF::RawPtr<blink::HTMLInputElement>::operator*() const")
        #expect(f.stack[0].line == 118)
        #expect(
            f.auxiliary.map(\.what) == [
                "freed by thread T0 (chrome) here", "previously allocated by thread T0 (chrome) here",
            ])
        #expect(f.auxiliary.map(\.stack.count) == [102, 68])
        #expect(f.auxiliary[0].stack[0].function == "__interceptor_free")
    }

    @Test func windowsHeapOverflow() throws {
        let out = try parse("clusterfuzz/asan_heap_overflow_write.txt")
        #expect(out.complete)
        #expect(out.pids == [3216])
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .heapBufferOverflow)
        #expect(f.message.contains("WRITE of size 16 at 0x0d37d6e0 thread T0"))
        #expect(f.message.contains("12 bytes to the right of 20-byte region"))
        #expect(f.stack.count == 32)  // the DbgHelp warnings between header and stack are skipped
        #expect(f.stack[0].function == "__asan_memset")
        #expect(
            f.stack[0].object
                == #"C:\clusterfuzz\bot\builds\chromium-browser-asan_win32-release_a15986b6468dcac5c0ae9a2e0729fd95d8ce33c8\symbolized\release\asan-win32-release-367086\chrome.exe"#
        )
        #expect(f.stack[1].function == "blink::TimerBase::stop")
        #expect(f.stack[1].file == "third_party/WebKit/Source/platform/Timer.cpp")
        #expect(f.stack[1].line == 73)
        #expect(f.stack[28].function == "__tmainCRTStartup")
        #expect(f.stack[28].file == #"f:\dd\vctools\crt\crtw32\startup\crt0.c"#)
        #expect(f.stack[28].line == 255)
        #expect(f.stack[29].function == "BaseThreadInitThunk")
        #expect(f.stack[29].object == #"C:\windows\SYSTEM32\KERNEL32.DLL"#)
        #expect(f.auxiliary.map(\.what) == ["allocated by thread T0 here"])
        #expect(f.auxiliary[0].stack.count == 12)
        #expect(f.auxiliary[0].stack[0].function == "malloc")
        #expect(f.auxiliary[0].stack[8].function == "blink::V8IdleRequestCallback::`vector deleting destructor")
        #expect(f.auxiliary[0].stack[8].line == 1150)
    }

    // MARK: CMake (hand-edited upstream: SUMMARY does not match the entries)

    @Test func cmakeLeakSanitizerMismatch() throws {
        let out = try parse("cmake/CTestTestMemcheck-testLeakSanitizer.log")
        // The entries add up to more than SUMMARY: the log contradicts itself.
        #expect(!out.complete)
        #expect(
            out.incompleteReason
                == "the LeakSanitizer entries for process 25308 add up to 4512 byte(s) in 3 allocation(s), but its SUMMARY says 4436 byte(s) in 2 allocation(s)"
        )
        #expect(out.pids == [25308])
        #expect(out.findings.map(\.kind) == [.definitelyLost, .definitelyLost, .indirectlyLost])
        #expect(out.findings.map(\.bytes) == [4360, 76, 76])
        #expect(out.sanitizerLeakSummary == Tally(bytes: 4436, blocks: 2))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 4436, blocks: 2))
        #expect(out.checkerSummary?.indirectlyLost == Tally(bytes: 76, blocks: 1))
        try #require(out.warnings.count == 1)
        #expect(out.warnings[0].contains("4436 byte(s) in 2 allocation(s)"))
        #expect(out.warnings[0].contains("4512 byte(s) in 3 allocation(s)"))
        let top = out.findings[0].stack[0]
        #expect(top.function == "operator new[](unsigned long)")
        #expect(top.object == "/home/kitware/msan/a.out")
        #expect(top.file == nil)
        #expect(out.findings[1].stack[1].function == "foo()")
        #expect(out.findings[1].stack[1].line == 4)
    }

    @Test func cmakeStandaloneLeakSanitizerMismatch() throws {
        let out = try parse("cmake/RunCMake-ctest_memcheck-testLeakSanitizer.2342.log")
        #expect(out.complete)
        // SUMMARY counts 4,284 bytes that no entry shows: a summary-only finding carries them.
        #expect(out.findings.map(\.kind) == [.definitelyLost, .indirectlyLost, .summaryOnly])
        #expect(out.findings.map(\.bytes) == [76, 76, 4284])
        #expect(out.findings.map(\.blocks) == [1, 1, 0])
        #expect(out.findings[2].rawKind == "Leak_DefinitelyLost (summary only)")
        #expect(out.findings[2].summaryLeakKind == .definitelyLost)
        #expect(Totals(findings: out.findings).definitelyLost == Tally(bytes: 4360, blocks: 1))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 4360, blocks: 1))
        #expect(out.sanitizerLeakSummary == Tally(bytes: 4436, blocks: 2))
        try #require(out.warnings.count == 1)
        #expect(out.warnings[0].contains("152 byte(s) in 2 allocation(s)"))
    }

    @Test func cmake2012AddressSanitizer() throws {
        let out = try parse("cmake/CTestTestMemcheck-testAddressSanitizer.log")
        // `==19278== ERROR:` with a space, no SUMMARY, ends with ABORTING.
        #expect(out.complete)
        #expect(out.pids == [19278])
        #expect(out.warnings.isEmpty)
        #expect(out.sanitizerLeakSummary == nil)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .heapBufferOverflow)
        #expect(f.rawKind == "heap-buffer-overflow")
        #expect(f.thread == "T0")
        #expect(f.message.contains("WRITE of size 4 at 0x60080000bffc thread T0"))
        #expect(f.message.contains("4 bytes to the right of 40-byte region"))
        #expect(f.stack.count == 3)
        #expect(f.stack.allSatisfy { $0.function == nil && $0.file == nil })
        #expect(
            f.stack.map(\.object) == [
                "/home/kitware/msan/a.out", "/lib/x86_64-linux-gnu/libc-2.15.so", "/home/kitware/msan/a.out",
            ])
        #expect(f.stack[0].address == "0x4009f0")
        #expect(f.auxiliary.map(\.what) == ["allocated by thread T0 here"])
        #expect(f.auxiliary[0].stack[0].object == "/usr/lib/x86_64-linux-gnu/libasan.so.0.0.0")
        #expect(f.auxiliary[0].stack.count == 3)  // the shadow dump is not a stack
    }

    @Test func everyCorpusLogParsesWhole() throws {
        for path in [
            "clusterfuzz/asan_double_free.txt", "clusterfuzz/asan_heap_overflow_write.txt",
            "clusterfuzz/asan_invalid_free.txt", "clusterfuzz/asan_uaf.txt",
            "clusterfuzz/lsan_direct_leak.txt", "clusterfuzz/lsan_indirect_leak_cycle.txt",
            "clusterfuzz/lsan_multiple_leaks.txt", "clusterfuzz/lsan_single_frame_stacks.txt",
            "cmake/CTestTestMemcheck-testAddressSanitizer.log",
            "cmake/RunCMake-ctest_memcheck-testLeakSanitizer.2342.log",
        ] {
            // (CTestTestMemcheck-testLeakSanitizer.log contradicts its SUMMARY: cmakeLeakSanitizerMismatch.)
            let out = try parse(path)
            #expect(out.complete, "\(path): \(out.incompleteReason ?? "")")
            #expect(!out.findings.isEmpty, "\(path)")
            #expect(out.findings.filter { $0.kind != .summaryOnly }.allSatisfy { !$0.stack.isEmpty }, "\(path)")
        }
    }
}
