import Foundation
import Testing

@testable import LeakCheck

@Suite struct SuppressionGeneratorTests {
    typealias S = SuppressionTestStacks
    static let moqFFI = OwnCode(crateNames: ["moq_ffi", "detached", "clean_mt"], sourceRoots: ["/tmp/supp/"])

    static func leak(_ kind: FindingKind, _ stack: [Frame], bytes: Int = 40) -> Finding {
        Finding(kind: kind, rawKind: "", bytes: bytes, blocks: 1, message: "", stack: stack)
    }

    /// Distinct leaks from the captured runs, one of each.
    static func distinctFindings() throws -> [Finding] {
        let leak = try ValgrindXMLFixture.findings("suppressions/rust-test-leak.xml")
        let leakNightly = try ValgrindXMLFixture.findings("suppressions/rust-test-leak-nightly.xml")
        let alive = try ValgrindXMLFixture.findings("suppressions/rust-thread-alive-at-exit-stable.xml")
        // The thread-alive run repeats the harness noise already in `leak`: leave those out.
        let repeated = { (f: Finding) in f.bytes == 544 || (f.kind == .possiblyLost && f.bytes == 48) }
        return leak + [leakNightly[0]] + alive.filter { !repeated($0) }
    }

    @Test func testBodyLeakEntryIsCutAfterTheTestFunctionAndWidened() {
        let text = SuppressionGenerator.valgrind(
            for: [Self.leak(.definitelyLost, S.testBodyLeakStable)], ownCode: Self.moqFFI)
        #expect(
            text == """
                {
                   moq-leakcheck:definite:moq_ffi::tests::leaks_forty_bytes
                   Memcheck:Leak
                   match-leak-kinds: definite
                   fun:malloc
                   fun:alloc
                   fun:_ZN5alloc5alloc6Global18alloc_impl_runtime17h*E
                   fun:alloc_impl
                   fun:allocate
                   fun:_ZN5alloc5boxed14box_new_uninit17h*E
                   fun:new<[u8; 40]>
                   fun:_ZN7moq_ffi5tests17leaks_forty_bytes17h*E
                }

                """)
        let nightly = SuppressionGenerator.valgrind(
            for: [Self.leak(.definitelyLost, S.testBodyLeakNightly)], ownCode: Self.moqFFI)
        #expect(nightly.contains("   fun:_RNvNtCs*_7moq_ffi5testss_17leaks_forty_bytes\n}"))
        #expect(nightly.contains("   fun:_RNvMNtCs*_5alloc5allocNtB2_6Global18alloc_impl_runtimeCs*_7moq_ffi\n"))
    }

    @Test func widening() {
        #expect(
            SuppressionGenerator.widen("_ZN3std2rt10lang_start17hebbc1b6c138a49d0E") == "_ZN3std2rt10lang_start17h*E")
        #expect(SuppressionGenerator.widen("_ZN3foo3bar17hnothexnothexnoteE") == "_ZN3foo3bar17hnothexnothexnoteE")
        #expect(
            SuppressionGenerator.widen("_RNvNtNtCsjrHSEGnQ3l9_3std6thread7current12init_current")
                == "_RNvNtNtCs*_3std6thread7current12init_current")
        #expect(SuppressionGenerator.widen("malloc") == "malloc")
        #expect(SuppressionGenerator.widen("new<[u8; 40]>") == "new<[u8; 40]>")
    }

    @Test func deduplicatesAndMergesLeakKinds() throws {
        let a = Self.leak(.definitelyLost, S.testBodyLeakStable)
        let b = Self.leak(.possiblyLost, S.testBodyLeakStable)
        // Same leak again, from a different outer caller: identical once cut.
        var outer = S.testBodyLeakStable
        outer[20].function = "something_else"
        let c = Self.leak(.definitelyLost, outer)
        let text = SuppressionGenerator.valgrind(for: [a, b, c, a], ownCode: Self.moqFFI)
        let entries = try SuppressionParser.parse(text: text, file: "gen.supp")
        #expect(entries.count == 1)
        #expect(entries[0].matchLeakKinds == [.definitelyLost, .possiblyLost])
        #expect(text.contains("match-leak-kinds: definite,possible\n"))
    }

    @Test func withoutOwnCodeTheWholeStackIsKeptAndNamedAfterAQualifiedFrame() throws {
        let f = Self.leak(.possiblyLost, S.mainThreadHandleStable, bytes: 48)
        let text = SuppressionGenerator.valgrind(for: [f], ownCode: nil)
        let e = try SuppressionParser.parse(text: text, file: "gen.supp")
        #expect(e[0].name == "moq-leakcheck:possible:<std::thread::thread::Thread>::new")
        #expect(e[0].frames.count == S.mainThreadHandleStable.count)
        #expect(!e[0].frames.contains(.ellipsis))
    }

    /// Generated entries, parsed back, match exactly the findings they came from.
    @Test func valgrindRoundTrip() throws {
        if let out = ProcessInfo.processInfo.environment["SUPPRESSION_GEN_OUT"] {
            try SuppressionGenerator.valgrind(for: try Self.distinctFindings(), ownCode: Self.moqFFI)
                .write(toFile: out, atomically: true, encoding: .utf8)
        }
        let findings = try Self.distinctFindings()
        #expect(findings.count >= 8)
        for ownCode in [Self.moqFFI, nil] {
            let text = SuppressionGenerator.valgrind(for: findings, ownCode: ownCode)
            let entries = try SuppressionParser.parse(text: text, file: "gen.supp")
            #expect(entries.count == findings.count)
            for (i, entry) in entries.enumerated() {
                let matched = findings.indices.filter {
                    SuppressionMatcher.matches(entry, findings[$0], checker: .valgrind)
                }
                #expect(matched == [i], "\(entry.name) matched \(matched)")
            }
            let applied = SuppressionApplier.apply(
                SuppressionMatcher(entries), to: findings, checker: .valgrind, ownCode: nil)
            #expect(applied.findings.allSatisfy { $0.suppressedBy != nil })
        }
    }

    /// Issue 8: entries `--gen-suppressions` writes name the own frames, so
    /// re-running with them hides every finding and calls none over-broad, even
    /// behind the shipped defaults (one of which is over-broad for the TLS block of
    /// a thread a test left running).
    @Test func generatedEntriesAreNeverOverBroad() throws {
        let runs: [(fixture: String, own: OwnCode)] = [
            ("rust-test-leak.xml", OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/tmp/supp/moq_ffi/"])),
            ("rust-test-leak-nightly.xml", OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/tmp/supp/moq_ffi/"])),
            ("rust-harness-clean-stable.xml", OwnCode(crateNames: ["clean_mt"], sourceRoots: ["/tmp/supp/clean_mt/"])),
            ("rust-harness-clean-nightly.xml", OwnCode(crateNames: ["clean_mt"], sourceRoots: ["/tmp/supp/clean_mt/"])),
            (
                "rust-thread-alive-at-exit-stable.xml",
                OwnCode(crateNames: ["detached"], sourceRoots: ["/tmp/supp/detached/"])
            ),
            (
                "rust-thread-alive-at-exit-nightly.xml",
                OwnCode(crateNames: ["detached"], sourceRoots: ["/tmp/supp/detached/"])
            ),
        ]
        let defaults = try DefaultSuppressions.files(toolRoot: Paths.repoRoot.path).flatMap(SuppressionParser.parseFile)
        var ownStacks = 0
        for run in runs {
            let findings = try ValgrindXMLFixture.findings("suppressions/" + run.fixture)
            ownStacks += findings.filter { run.own.touches($0.stack) }.count
            let text = SuppressionGenerator.valgrind(for: findings, ownCode: run.own)
            let file = "/tmp/gen-\(run.fixture).supp"
            let generated = try SuppressionParser.parse(text: text, file: file)
            // Nothing for `suppressions check` to say about them either.
            #expect(generated.flatMap(SuppressionParser.warnings(for:)) == [], "\(run.fixture)")
            for matcher in [SuppressionMatcher(generated), SuppressionMatcher(defaults + generated)] {
                let applied = SuppressionApplier.apply(matcher, to: findings, checker: .valgrind, ownCode: run.own)
                #expect(applied.findings.allSatisfy { $0.suppressedBy != nil }, "\(run.fixture)")
                #expect(applied.findings.allSatisfy { $0.suppressionOverBroad == false }, "\(run.fixture)")
                #expect(applied.usage.allSatisfy { !$0.overBroad }, "\(run.fixture)")
            }
        }
        // The runs do exercise own code: the test-body leak (twice), and per
        // thread-alive run the 288-byte TLS block and three still-reachable blocks
        // allocated by `detached::tests::leaves_a_thread_running`.
        #expect(ownStacks == 2 + 2 * 4)
    }

    /// The same for LSan lines: anchored whole names, never over-broad.
    @Test func generatedLsanLinesAreNeverOverBroad() throws {
        func frame(_ fn: String, _ file: String) -> Frame {
            Frame(function: fn, file: file, line: 1, object: "/tmp/t/moq_ffi-5cb6")
        }
        let malloc = frame("malloc", "/rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_malloc_linux.cpp")
        let findings = [
            Self.leak(
                .definitelyLost,
                [
                    malloc, frame("moq_ffi::cache::fill", "/tmp/supp/moq_ffi/src/cache.rs"),
                    frame("std::thread::spawn", "/rustc/x/library/std/src/thread/mod.rs"),
                ]),
            Self.leak(
                .definitelyLost,
                [malloc, frame("moq_ffi::cache::fill_more::h0123456789abcdef", "/tmp/supp/moq_ffi/src/cache.rs")]),
        ]
        let own = OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/tmp/supp/moq_ffi/"])
        let entries = try SuppressionParser.parse(
            text: SuppressionGenerator.lsan(for: findings, ownCode: own), file: "gen.lsan")
        let guide = try SuppressionParser.parse(text: "leak:std::thread\n", file: "guide.lsan")
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(guide + entries), to: findings, checker: .asan, ownCode: own)
        #expect(
            applied.findings.map(\.suppressedBy) == [
                "leak:^moq_ffi::cache::fill$", "leak:^moq_ffi::cache::fill_more::h*",
            ])
        #expect(applied.findings.map(\.suppressionOverBroad) == [false, false])
        // Alone, the guide's line hides the first and is over-broad for it.
        let guideOnly = SuppressionApplier.apply(
            SuppressionMatcher(guide), to: findings, checker: .asan, ownCode: own, allowBroad: true)
        #expect(guideOnly.findings.map(\.suppressionOverBroad) == [true, nil])
    }

    /// A stable-built entry for the test leak also covers the same leak in a
    /// rebuilt binary (new hashes), but not the same function leaking elsewhere.
    @Test func widenedEntriesSurviveRebuilds() throws {
        let text = SuppressionGenerator.valgrind(
            for: [Self.leak(.definitelyLost, S.testBodyLeakStable)], ownCode: Self.moqFFI)
        let entry = try SuppressionParser.parse(text: text, file: "gen.supp")[0]
        let rebuilt = S.testBodyLeakStable.map { frame -> Frame in
            var f = frame
            f.mangled = f.mangled.map { m in
                m.hasPrefix("_ZN") ? String(m.dropLast(17)) + "0123456789abcdefE" : m
            }
            return f
        }
        #expect(rebuilt[7].mangled == "_ZN7moq_ffi5tests17leaks_forty_bytes17h0123456789abcdefE")
        #expect(SuppressionMatcher.matches(entry, Self.leak(.definitelyLost, rebuilt), checker: .valgrind))
        #expect(!SuppressionMatcher.matches(entry, Self.leak(.possiblyLost, rebuilt), checker: .valgrind))
        var elsewhere = S.testBodyLeakStable
        elsewhere[7] = Frame(function: "moq_ffi::tests::other", mangled: "_ZN7moq_ffi5tests5other17h0123456789abcdefE")
        #expect(!SuppressionMatcher.matches(entry, Self.leak(.definitelyLost, elsewhere), checker: .valgrind))
    }

    @Test func lsanRoundTrip() throws {
        // Stacks as LSan symbolizes them: full demangled names, files, modules.
        func frame(_ fn: String, _ file: String) -> Frame {
            Frame(function: fn, file: file, line: 1, object: "/tmp/t/moq_ffi-5cb6")
        }
        let malloc = frame("malloc", "/rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_malloc_linux.cpp")
        let alloc = frame("alloc::alloc::alloc", "/rustc/e50aa6fb/library/alloc/src/alloc.rs")
        let findings = [
            Self.leak(
                .definitelyLost,
                [
                    malloc, alloc, frame("moq_ffi::cache::fill", "/tmp/supp/moq_ffi/src/cache.rs"),
                    frame("moq_ffi::tests::t1", "/tmp/supp/moq_ffi/src/lib.rs"),
                ]),
            Self.leak(
                .definitelyLost,
                [
                    malloc, alloc,
                    frame("moq_ffi::cache::fill_more::h0123456789abcdef", "/tmp/supp/moq_ffi/src/cache.rs"),
                ]),
            Self.leak(
                .indirectlyLost,
                [
                    malloc, alloc,
                    frame("<std::thread::thread::Thread>::new", "/rustc/e50aa6fb/library/std/src/thread/thread.rs"),
                ]),
            Self.leak(
                .definitelyLost, [malloc, alloc, frame("moq_ffi::cache::fill", "/tmp/supp/moq_ffi/src/cache.rs")]),
        ]
        let text = SuppressionGenerator.lsan(for: findings, ownCode: Self.moqFFI)
        #expect(
            text == """
                leak:^moq_ffi::cache::fill$
                leak:^moq_ffi::cache::fill_more::h*
                leak:^<std::thread::thread::Thread>::new$

                """)
        let entries = try SuppressionParser.parse(text: text, file: "gen.lsan")
        #expect(entries.count == 3)
        let expected = [[0, 3], [1], [2]]
        for (entry, want) in zip(entries, expected) {
            let matched = findings.indices.filter { SuppressionMatcher.matches(entry, findings[$0], checker: .lsan) }
            #expect(matched == want, "\(entry.name)")
        }
        let other = Self.leak(
            .definitelyLost, [malloc, alloc, frame("moq_ffi::cache::fill_other", "/tmp/supp/moq_ffi/src/cache.rs")])
        #expect(SuppressionMatcher(entries).match(other, checker: .lsan) == nil)
    }

    @Test func memoryErrorsGetTheirMemcheckKind() throws {
        let stack = [
            Frame(function: "memcpy", object: "/lib/libc.so.6"),
            Frame(function: "moq_ffi::copy", mangled: "_ZN7moq_ffi4copy17h0123456789abcdefE"),
        ]
        let findings = [
            Finding(kind: .invalidRead, rawKind: "InvalidRead", message: "Invalid read of size 4", stack: stack),
            Finding(
                kind: .syscallParam, rawKind: "SyscallParam",
                message: "Syscall param write(buf) points to uninitialised byte(s)", stack: stack),
            Finding(
                kind: .mismatchedFree, rawKind: "MismatchedFree", message: "Mismatched free() / delete / delete []",
                stack: stack),
        ]
        let text = SuppressionGenerator.valgrind(for: findings, ownCode: Self.moqFFI)
        let entries = try SuppressionParser.parse(text: text, file: "gen.supp")
        #expect(entries.map(\.kind) == ["Addr4", "Param", "Free"])
        #expect(entries[1].extra == "write(buf)")
        #expect(
            entries.map(\.name) == [
                "moq-leakcheck:InvalidRead:moq_ffi::copy", "moq-leakcheck:SyscallParam:moq_ffi::copy",
                "moq-leakcheck:MismatchedFree:moq_ffi::copy",
            ])
        for (i, e) in entries.enumerated() {
            #expect(findings.indices.filter { SuppressionMatcher.matches(e, findings[$0], checker: .valgrind) } == [i])
        }
    }
}
