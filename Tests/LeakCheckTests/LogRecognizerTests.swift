import Foundation
import Testing

@testable import LeakCheck

/// `LogRecognizer` accepts a file only by a checker's structural markers.
@Suite struct LogRecognizerTests {
    func recognize(_ text: String) -> CheckerOutput.Format? {
        LogRecognizer.recognize(prefix: Array(text.utf8))
    }

    @Test func everyCapturedLogIsRecognised() throws {
        let fm = FileManager.default
        var formats: [String: CheckerOutput.Format] = [:]
        for dir in ["valgrind", "sanitizer"] {
            for name in try fm.contentsOfDirectory(atPath: Paths.logs.appendingPathComponent(dir).path)
            where name.hasSuffix(".xml") || name.hasSuffix(".txt") || name.hasSuffix(".log") {
                let data = try Data(contentsOf: Paths.logs.appendingPathComponent("\(dir)/\(name)"))
                formats[name] = LogRecognizer.recognize(prefix: data)
            }
        }
        for (name, format) in formats.sorted(by: { $0.key < $1.key }) where name != "cxx-symbols-not-rust.txt" {
            let expected: CheckerOutput.Format =
                name.hasSuffix(".xml") ? .valgrindXML : name.hasSuffix(".txt") ? .valgrindText : .sanitizer
            #expect(format == expected, "\(name)")
        }
        // A list of C++ symbols is not a log.
        #expect(formats["cxx-symbols-not-rust.txt"] == nil)
        #expect(formats.count == 67)
    }

    @Test func foreignCorpusLogsAreRecognised() throws {
        for name in ["version4.xml", "version5-badfd.xml", "version6.xml", "version6-2.xml"] {
            #expect(recognize(try Paths.corpusText("other/cargo-valgrind/\(name)")) == .valgrindXML, "\(name)")
        }
        for name in [
            "clusterfuzz/asan_double_free.txt", "clusterfuzz/asan_heap_overflow_write.txt",
            "clusterfuzz/asan_invalid_free.txt", "clusterfuzz/asan_uaf.txt", "clusterfuzz/lsan_direct_leak.txt",
            "clusterfuzz/lsan_indirect_leak_cycle.txt", "clusterfuzz/lsan_multiple_leaks.txt",
            "clusterfuzz/lsan_single_frame_stacks.txt", "cmake/CTestTestMemcheck-testAddressSanitizer.log",
            "cmake/CTestTestMemcheck-testLeakSanitizer.log", "cmake/RunCMake-ctest_memcheck-testLeakSanitizer.2342.log",
        ] {
            #expect(recognize(try Paths.corpusText("other/\(name)")) == .sanitizer, "\(name)")
        }
    }

    @Test func proseThatMentionsACheckerIsRefused() throws {
        // The project's own README names AddressSanitizer, LeakSanitizer, valgrind, LEAK SUMMARY.
        let readme = try String(contentsOf: Paths.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("AddressSanitizer"))
        #expect(recognize(readme) == nil)
        for text in [
            "Build with -fsanitize=address to get AddressSanitizer reports.\n",
            "ERROR: AddressSanitizer: heap-use-after-free\n",  // no ==PID== marker
            "the root element is <valgrindoutput> in XML mode\n",
            "LEAK SUMMARY:\n   definitely lost: 8 bytes in 1 blocks\n",  // no ==PID== prefix
            "Memcheck, a memory error detector\n",
            "==12== Some other tool\n", "==x==ERROR: AddressSanitizer: SEGV\n",
            "SUMMARY: FooSanitizer: 1 byte(s) leaked in 1 allocation(s).\n",
            "==1==ERROR: AddressSanitizerX: odd\n", "", "\n\n", "<?xml version=\"1.0\"?>\n<html>",
        ] {
            #expect(recognize(text) == nil, "\(text)")
        }
    }

    @Test func structuralMarkers() {
        #expect(recognize("<valgrindoutput>") == .valgrindXML)
        #expect(
            recognize("\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE x>\n<valgrindoutput>\n") == .valgrindXML)
        #expect(recognize("==77== Memcheck, a memory error detector\n") == .valgrindText)
        #expect(recognize("program output\n==77== HEAP SUMMARY:\n") == .valgrindText)
        #expect(recognize("==77== LEAK SUMMARY:\n") == .valgrindText)
        #expect(recognize("==5==ERROR: LeakSanitizer: detected memory leaks\n") == .sanitizer)
        #expect(recognize("==5== ERROR: AddressSanitizer: heap-buffer-overflow\n") == .sanitizer)  // 2012 form
        #expect(recognize("==5==ERROR: MemorySanitizer: use-of-uninitialized-value\n") == .sanitizer)
        #expect(recognize("==5==ERROR: ThreadSanitizer: data race\n") == .sanitizer)
        #expect(recognize("==5==ERROR: UndefinedBehaviorSanitizer: SEGV\n") == .sanitizer)
        #expect(recognize("AddressSanitizer:DEADLYSIGNAL\n") == .sanitizer)
        #expect(recognize("==5==LeakSanitizer has encountered a fatal error.\n") == .sanitizer)
        #expect(recognize("noise\nSUMMARY: AddressSanitizer: 131 byte(s) leaked in 3 allocation(s).\n") == .sanitizer)
        // Cut right after the header's tool name: still a sanitizer log (the parser calls it incomplete).
        #expect(recognize("==5==ERROR: LeakSanitizer:") == .sanitizer)
        // The first marker decides.
        #expect(recognize("==1== Memcheck, a memory error detector\n==2==ERROR: LeakSanitizer: x\n") == .valgrindText)
    }

    @Test func everyLineEndingIsALineEnd() {
        for sep in ["\n", "\r\n", "\r"] {
            let text = ["hello", "==5==ERROR: LeakSanitizer: detected memory leaks", ""].joined(separator: sep)
            #expect(recognize(text) == .sanitizer, "\(sep.debugDescription)")
            #expect(recognize("x" + sep + "==3== Memcheck, a memory error detector" + sep) == .valgrindText)
        }
    }
}
