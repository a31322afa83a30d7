import Testing

@testable import LeakCheck

/// Logs captured on this machine (Tests/Fixtures/logs/sanitizer/README.md has
/// the commands and figures).
@Suite("Sanitizer logs captured here")
struct SanitizerCapturedLogTests {
    func parse(_ name: String) throws -> CheckerOutput {
        let out = SanitizerLogParser.parse(text: try Paths.fixtureText("logs/sanitizer/\(name)"))
        #expect(out.format == .sanitizer)
        return out
    }

    func base(_ path: String?) -> String? { path.map { Fingerprint.baseName($0) } }

    // MARK: C leaks: leak_direct_indirect.c (Direct 24 + Direct 7, Indirect 100)

    @Test(arguments: [
        ("gcc-asan-direct-indirect.log", "__interceptor_malloc"),
        ("clang-asan-direct-indirect.log", "malloc"),
        ("clang-lsan-direct-indirect.log", "malloc"),
    ])
    func cLeaks(file: String, allocator: String) throws {
        let out = try parse(file)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids.count == 1)
        #expect(out.findings.map(\.kind) == [.definitelyLost, .definitelyLost, .indirectlyLost])
        #expect(out.findings.map(\.rawKind) == ["Direct leak", "Direct leak", "Indirect leak"])
        #expect(out.findings.map(\.bytes) == [24, 7, 100])
        #expect(out.findings.map(\.blocks) == [1, 1, 1])
        #expect(out.findings.map { $0.stack.first?.function } == [allocator, allocator, allocator])
        #expect(out.findings.map { $0.stack[1].function } == ["make_node", "leak_small", "make_node"])
        #expect(out.findings.map { $0.stack[1].line } == [10, 19, 11])
        #expect(out.findings.allSatisfy { base($0.stack[1].file) == "leak_direct_indirect.c" })
        #expect(out.findings.allSatisfy { $0.stack.count == 4 && $0.stack[2].function == "main" })
        #expect(out.findings[0].message == "Direct leak of 24 byte(s) in 1 object(s)")
        #expect(out.sanitizerLeakSummary == Tally(bytes: 131, blocks: 3))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 31, blocks: 2))
        #expect(out.checkerSummary?.indirectlyLost == Tally(bytes: 100, blocks: 1))
        #expect(out.checkerSuppressionCounts.isEmpty)
        #expect(out.fatalSignal == nil)
    }

    @Test func gccFramesHaveNoColumnClangFramesDropIt() throws {
        let gcc = try parse("gcc-asan-direct-indirect.log").findings[0].stack
        let clang = try parse("clang-asan-direct-indirect.log").findings[0].stack
        #expect(gcc[0].file == "../../../../src/libsanitizer/asan/asan_malloc_linux.cpp")
        #expect(gcc[0].line == 69)
        #expect(clang[0].file == "/home/build-user/llvm-project/compiler-rt/lib/asan/asan_malloc_linux.cpp")
        #expect(clang[0].line == 67)
        #expect(clang[1].address == "0x5626d26253f5")
        #expect(clang[3].function == "__libc_start_call_main")
        #expect(clang[3].file == "csu/../sysdeps/nptl/libc_start_call_main.h")
        #expect(clang[3].line == 58)
    }

    @Test(arguments: ["clang-lsan-suppressed.log", "gcc-asan-suppressed.log"])
    func suppressionsUsed(file: String) throws {
        let out = try parse(file)
        #expect(out.complete)
        #expect(out.checkerSuppressionCounts == ["leak_small": 1])
        #expect(out.findings.map(\.kind) == [.definitelyLost, .indirectlyLost])
        #expect(out.findings.map(\.bytes) == [24, 100])
        // LSan's SUMMARY leaves the suppressed 7 bytes out: no mismatch.
        #expect(out.sanitizerLeakSummary == Tally(bytes: 124, blocks: 2))
        #expect(out.warnings.isEmpty)
    }

    // MARK: C memory errors

    struct ErrorCase: Sendable, CustomStringConvertible {
        var file: String
        var kind: FindingKind
        var rawKind: String
        var top: String
        var topLine: Int?
        var mainFrameIndex = 0
        var messageParts: [String]
        var aux: [String]
        var auxTop: [String] = []
        var description: String { file }
    }

    static let errorCases: [ErrorCase] = [
        .init(
            file: "gcc-asan-heap-use-after-free.log", kind: .useAfterFree, rawKind: "heap-use-after-free",
            top: "main", topLine: 6,
            messageParts: ["READ of size 4 at 0x604000000018 thread T0", "8 bytes inside of 40-byte region"],
            aux: ["freed by thread T0 here", "previously allocated by thread T0 here"],
            auxTop: ["__interceptor_free", "__interceptor_malloc"]),
        .init(
            file: "clang-asan-heap-use-after-free.log", kind: .useAfterFree, rawKind: "heap-use-after-free",
            top: "main", topLine: 6,
            messageParts: ["READ of size 4 at 0x7bfcf7be0018 thread T0", "8 bytes inside of 40-byte region"],
            aux: ["freed by thread T0 here", "previously allocated by thread T0 here"],
            auxTop: ["free", "malloc"]),
        .init(
            file: "gcc-asan-heap-buffer-overflow.log", kind: .heapBufferOverflow, rawKind: "heap-buffer-overflow",
            top: "main", topLine: 5,
            messageParts: ["WRITE of size 4", "0 bytes to the right of 40-byte region"],
            aux: ["allocated by thread T0 here"], auxTop: ["__interceptor_malloc"]),
        .init(
            file: "clang-asan-heap-buffer-overflow.log", kind: .heapBufferOverflow, rawKind: "heap-buffer-overflow",
            top: "main", topLine: 5,
            messageParts: ["WRITE of size 4", "0 bytes after 40-byte region"],
            aux: ["allocated by thread T0 here"], auxTop: ["malloc"]),
        .init(
            file: "gcc-asan-stack-buffer-overflow.log", kind: .stackBufferOverflow, rawKind: "stack-buffer-overflow",
            top: "main", topLine: 4,
            messageParts: ["READ of size 4", "is located in stack of thread T0 at offset 64 in frame"],
            aux: ["Address 0x7fff2474cdd0 is located in stack of thread T0 at offset 64 in frame"], auxTop: ["main"]),
        .init(
            file: "clang-asan-stack-buffer-overflow.log", kind: .stackBufferOverflow, rawKind: "stack-buffer-overflow",
            top: "main", topLine: 4,
            messageParts: ["READ of size 4", "is located in stack of thread T0 at offset 64 in frame"],
            aux: ["Address 0x7b084d800040 is located in stack of thread T0 at offset 64 in frame"], auxTop: ["main"]),
        .init(
            file: "gcc-asan-global-buffer-overflow.log", kind: .globalBufferOverflow, rawKind: "global-buffer-overflow",
            top: "main", topLine: 4,
            messageParts: ["READ of size 4", "0 bytes to the right of global variable 'table'"], aux: []),
        .init(
            file: "clang-asan-global-buffer-overflow.log", kind: .globalBufferOverflow,
            rawKind: "global-buffer-overflow",
            top: "main", topLine: 4,
            messageParts: ["READ of size 4", "0 bytes after global variable 'table'"], aux: []),
        .init(
            file: "gcc-asan-stack-use-after-scope.log", kind: .stackUseAfterScope, rawKind: "stack-use-after-scope",
            top: "main", topLine: 7,
            messageParts: ["WRITE of size 4", "at offset 32 in frame"],
            aux: ["Address 0x7ffd06c42110 is located in stack of thread T0 at offset 32 in frame"], auxTop: ["main"]),
        .init(
            file: "clang-asan-stack-use-after-scope.log", kind: .stackUseAfterScope, rawKind: "stack-use-after-scope",
            top: "main", topLine: 7,
            messageParts: ["WRITE of size 4", "at offset 32 in frame"],
            aux: ["Address 0x7b5b6a300020 is located in stack of thread T0 at offset 32 in frame"], auxTop: ["main"]),
        .init(
            file: "gcc-asan-double-free.log", kind: .doubleFree, rawKind: "double-free",
            top: "__interceptor_free", topLine: 52, mainFrameIndex: 1,
            messageParts: [
                "attempting double-free on 0x602000000010 in thread T0", "0 bytes inside of 16-byte region",
            ],
            aux: ["freed by thread T0 here", "previously allocated by thread T0 here"],
            auxTop: ["__interceptor_free", "__interceptor_malloc"]),
        .init(
            file: "clang-asan-double-free.log", kind: .doubleFree, rawKind: "double-free",
            top: "free", topLine: 51, mainFrameIndex: 1,
            messageParts: [
                "attempting double-free on 0x7c182dbe0010 in thread T0", "0 bytes inside of 16-byte region",
            ],
            aux: ["freed by thread T0 here", "previously allocated by thread T0 here"], auxTop: ["free", "malloc"]),
        .init(
            file: "gcc-asan-invalid-free.log", kind: .invalidFree, rawKind: "bad-free",
            top: "__interceptor_free", topLine: 52, mainFrameIndex: 1,
            messageParts: [
                "attempting free on address which was not malloc()-ed: 0x602000000018",
                "8 bytes inside of 16-byte region",
            ],
            aux: ["allocated by thread T0 here"], auxTop: ["__interceptor_malloc"]),
        // clang 21's runtime reports free(p + 8) of a live block as a double-free
        // (no "freed by" stack): the parser reports what the checker said.
        .init(
            file: "clang-asan-invalid-free.log", kind: .doubleFree, rawKind: "double-free",
            top: "free", topLine: 51, mainFrameIndex: 1,
            messageParts: ["attempting double-free on 0x7badd31e0018", "8 bytes inside of 16-byte region"],
            aux: ["allocated by thread T0 here"], auxTop: ["malloc"]),
        .init(
            file: "gcc-asan-segv.log", kind: .fatalSignal, rawKind: "SEGV", top: "main", topLine: 4,
            messageParts: ["SEGV on unknown address 0x000000000010", "The signal is caused by a READ memory access."],
            aux: []),
        .init(
            file: "clang-asan-segv.log", kind: .fatalSignal, rawKind: "SEGV", top: "main", topLine: 4,
            messageParts: ["SEGV on unknown address 0x000000000010", "The signal is caused by a READ memory access."],
            aux: []),
    ]

    @Test(arguments: errorCases)
    func cMemoryErrors(_ c: ErrorCase) throws {
        let out = try parse(c.file)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids.count == 1)
        #expect(out.sanitizerLeakSummary == nil)
        #expect(out.checkerSummary == nil)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == c.kind)
        #expect(f.rawKind == c.rawKind)
        #expect(f.thread == "T0")
        #expect(f.bytes == nil)
        #expect(f.stack.first?.function == c.top)
        #expect(f.stack.first?.line == c.topLine)
        #expect(f.stack[c.mainFrameIndex].function == "main")
        #expect(base(f.stack[c.mainFrameIndex].file)?.hasSuffix(".c") == true)
        for part in c.messageParts { #expect(f.message.contains(part), "\(f.message) lacks \(part)") }
        #expect(!f.message.contains("\n"))
        #expect(f.auxiliary.map(\.what) == c.aux)
        #expect(f.auxiliary.map { $0.stack.first?.function ?? "" } == c.auxTop)
        #expect(out.fatalSignal == (c.kind == .fatalSignal ? "SIGSEGV" : nil))
        // Frame 3/4 is `_start (/tmp/sanitizer-fixtures/<name>+0x…)`: module only.
        if let start = f.stack.last(where: { $0.function == "_start" }) {
            #expect(start.file == nil)
            #expect(start.object?.hasPrefix("/tmp/sanitizer-fixtures/") == true)
        }
    }

    @Test(arguments: [
        ("gcc-asan-recover-multiple.log", "to the right of"), ("clang-asan-recover-multiple.log", "after"),
    ])
    func recoverModeSeveralReportsOneProcess(file: String, wording: String) throws {
        // -fsanitize-recover=address, ASAN_OPTIONS=halt_on_error=0: the process
        // exits 0 after two error reports and a leak report.
        let out = try parse(file)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.pids.count == 1)
        #expect(out.findings.map(\.kind) == [.heapBufferOverflow, .useAfterFree, .definitelyLost])
        #expect(out.findings[0].message.contains("WRITE of size 4"))
        #expect(out.findings[0].message.contains("0 bytes \(wording) 12-byte region"))
        #expect(out.findings[0].stack[0].line == 12)
        #expect(out.findings[0].auxiliary.map(\.what) == ["allocated by thread T0 here"])
        #expect(out.findings[1].message.contains("READ of size 4"))
        #expect(out.findings[1].stack[0].line == 14)
        #expect(out.findings[1].auxiliary.count == 2)
        #expect(out.findings[2].bytes == 32)
        #expect(out.findings[2].blocks == 1)
        #expect(out.findings[2].stack[1].function == "main")
        #expect(out.findings[2].stack[1].line == 15)
        #expect(out.sanitizerLeakSummary == Tally(bytes: 32, blocks: 1))
        #expect(out.checkerSummary?.definitelyLost == Tally(bytes: 32, blocks: 1))
    }

    @Test(arguments: ["gcc-asan-thread-uaf.log", "clang-asan-thread-uaf.log"])
    func useAfterFreeOnAnotherThread(file: String) throws {
        let out = try parse(file)
        #expect(out.complete)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .useAfterFree)
        #expect(f.thread == "T1")
        #expect(f.message.contains("READ of size 4"))
        #expect(f.message.contains("4 bytes inside of 16-byte region"))
        #expect(f.stack[0].function == "worker")
        #expect(f.stack[0].line == 10)
        #expect(
            f.auxiliary.map(\.what) == [
                "freed by thread T0 here", "previously allocated by thread T0 here", "Thread T1 created by T0 here",
            ])
        #expect(f.auxiliary[2].stack[0].function?.hasSuffix("pthread_create") == true)
        #expect(f.auxiliary[2].stack[1].function == "main")
        #expect(f.auxiliary[2].stack[1].line == 17)
    }

    // MARK: Rust

    @Test(arguments: [
        "rust-nightly-asan-leak-box-child.log", "rust-stable-bootstrap-asan-leak-box-child.log",
        "rust-nightly-lsan-leak-box-child.log", "rust-nightly-asan-v0-leak-box-child.log",
        "rust-nightly-asan-legacy-mangling.log", "rust-nightly-asan-legacy-mangling-demangle0.log",
        "rust-nightly-asan-v0-mangling-demangle0.log",
    ])
    func rustLeakBoxWithChild(file: String) throws {
        let out = try parse(file)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.findings.map(\.kind) == [.definitelyLost, .indirectlyLost])
        #expect(out.findings.map(\.bytes) == [16, 64])
        #expect(out.findings.map(\.blocks) == [1, 1])
        #expect(out.sanitizerLeakSummary == Tally(bytes: 80, blocks: 2))
        let stack = out.findings[0].stack
        #expect(stack.count >= 4)
        let malloc = file.contains("demangle0") ? "__interceptor_malloc" : "malloc"
        #expect(stack[0].function == malloc)
        #expect(stack[1].function == "alloc::alloc::alloc")
        if file.contains("-lsan-") {
            // Standalone LSan unwinds with frame pointers only and loses
            // `leak_box_child::main` (4 frames, ending in lang_start).
            #expect(stack.count == 4)
            #expect(stack[3].function == "std::rt::lang_start::<()>")
            #expect(base(stack[3].file) == "rt.rs")
            return
        }
        #expect(stack.count == 6)
        #expect(stack[3].function == "leak_box_child::main")
        #expect(base(stack[3].file) == "leak_box_child.rs")
        #expect(stack[3].line == 3)
        // `main (/tmp/rustsan/…/leak_box_child+0xfedbd) (BuildId: …)`
        let main = try #require(stack.last)
        #expect(main.function == "main")
        #expect(main.file == nil)
        #expect(main.object?.hasSuffix("/debug/leak_box_child") == true)
    }

    @Test func legacyHashesAreStrippedAndKept() throws {
        let stack = try parse("rust-nightly-asan-legacy-mangling.log").findings[0].stack
        #expect(stack[1].function == "alloc::alloc::alloc")
        #expect(stack[1].mangled == "alloc::alloc::alloc::hbdff3a6dc104e513")
        #expect(stack[2].function == "alloc::alloc::Global::alloc_impl_runtime")
        #expect(stack[3].mangled == "leak_box_child::main::heff85f5ab42c825c")
        #expect(stack[0].mangled == nil)
    }

    @Test func mangledFramesAreDemangled() throws {
        let legacy = try parse("rust-nightly-asan-legacy-mangling-demangle0.log").findings[0].stack
        #expect(legacy[1].mangled == "_ZN5alloc5alloc5alloc17hbdff3a6dc104e513E")
        #expect(legacy[4].function == "std::rt::lang_start")
        #expect(legacy[4].mangled == "_ZN3std2rt10lang_start17h981a0b1769b47e9cE")
        let v0 = try parse("rust-nightly-asan-v0-mangling-demangle0.log").findings[0].stack
        #expect(v0[1].mangled == "_RNvNtCsbEht8wFNRx7_5alloc5alloc5allocCscjo1lxsbzDA_6sanfix")
        #expect(v0[2].function == "<alloc::alloc::Global>::alloc_impl_runtime")
        #expect(v0[4].function == "std::rt::lang_start::<()>")
        #expect(v0[3].function == "leak_box_child::main")
        #expect(v0[3].mangled == "_RNvCsaC3mFl6d4Re_14leak_box_child4main")
    }

    @Test func sameLeakSameFingerprintAcrossToolchains() throws {
        // nightly and stable differ in addresses and std line numbers only.
        let a = try parse("rust-nightly-asan-leak-box-child.log").findings
        let b = try parse("rust-stable-bootstrap-asan-leak-box-child.log").findings
        #expect(a.map(\.fingerprint) == b.map(\.fingerprint))
        #expect(a[0].fingerprint != a[1].fingerprint)
    }

    @Test(arguments: ["rust-nightly-asan-uaf.log", "rust-stable-bootstrap-asan-uaf.log"])
    func rustUseAfterFree(file: String) throws {
        let out = try parse(file)
        #expect(out.complete)
        try #require(out.findings.count == 1)
        let f = out.findings[0]
        #expect(f.kind == .useAfterFree)
        #expect(f.rawKind == "heap-use-after-free")
        #expect(f.thread == "T0")
        #expect(f.message.contains("READ of size 4"))
        #expect(f.message.contains("8 bytes inside of 40-byte region"))
        #expect(f.stack.count == 20)
        #expect(f.stack[0].function == "core::ptr::read_volatile::<u32>")
        #expect(f.stack[1].function == "uaf::use_after_free")
        #expect(f.stack[1].line == 7)
        #expect(f.auxiliary.map(\.what) == ["freed by thread T0 here", "previously allocated by thread T0 here"])
        #expect(f.auxiliary[0].stack[0].function == "free")
        #expect(f.auxiliary[0].stack[1].function == "<alloc::raw_vec::RawVec<u32> as core::ops::drop::Drop>::drop")
        #expect(f.auxiliary[1].stack[0].function == "malloc")
    }

    @Test(arguments: [
        "rust-nightly-asan-cargo-test-leak.log", "rust-stable-bootstrap-asan-cargo-test-leak.log",
    ])
    func libtestHarness(file: String) throws {
        let text = try Paths.fixtureText("logs/sanitizer/\(file)")
        // libtest says "ok" before LSan runs at exit.
        let ok = try #require(text.firstRange(of: "test result: ok. 2 passed"))
        let report = try #require(text.firstRange(of: "ERROR: LeakSanitizer: detected memory leaks"))
        #expect(ok.lowerBound < report.lowerBound)
        let out = SanitizerLogParser.parse(text: text)
        #expect(out.complete)
        #expect(out.warnings.isEmpty)
        #expect(out.findings.map(\.kind) == [.definitelyLost, .indirectlyLost])
        #expect(out.findings.map(\.bytes) == [16, 64])
        #expect(out.findings[0].stack.count == 23)
        #expect(out.findings[0].stack[3].function == "sanfix::tests::leaks_box_child")
        #expect(out.findings[0].stack[22].function == "asan_thread_start(void*)")
        #expect(out.sanitizerLeakSummary == Tally(bytes: 80, blocks: 2))
    }
}
