import Foundation
import Testing

@testable import LeakCheck

/// Over-broad, precisely (issue 8): an entry is over-broad for a finding when the
/// stack has own-code frames and none of them is taken by an explicit line of
/// the entry. On the stacks captured from real test binaries.
@Suite struct SuppressionOverBroadTests {
    typealias S = SuppressionTestStacks

    static let moqFFI = OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/tmp/supp/moq_ffi/"])

    static func leak(_ stack: [Frame], _ kind: FindingKind = .definitelyLost, bytes: Int = 40) -> Finding {
        Finding(kind: kind, rawKind: "", bytes: bytes, blocks: 1, message: "", stack: stack)
    }

    static func entry(_ lines: String) throws -> Suppression {
        let body = lines.split(separator: "\n").map { "   \($0)\n" }.joined()
        return try #require(
            try SuppressionParser.parse(text: "{\n   e\n   Memcheck:Leak\n\(body)}\n", file: "e.supp").first)
    }

    /// Whether the entry matches the leak, and if so whether it is over-broad.
    static func verdict(_ s: Suppression, _ f: Finding, checker: Checker = .valgrind) -> Bool? {
        SuppressionMatcher.match(s, f, checker: checker).map { $0.isOverBroad(stack: f.stack, ownCode: moqFFI) }
    }

    /// The test-body leak's own frames are 7 (`moq_ffi::tests::leaks_forty_bytes`)
    /// and 8 (its closure). Entries naming either are precise; entries reaching
    /// them only through `...`, wildcards, `obj:` or a file-wide `src:` are not.
    @Test(arguments: [
        // precise: an explicit line takes an own frame
        ("...\nfun:_ZN7moq_ffi5tests17leaks_forty_bytes17h*E", false),  // legacy hash left open
        ("...\nfun:_ZN7moq_ffi5tests17leaks_forty_bytes17hf88fc1fe7546e362E", false),
        ("...\nfun:moq_ffi::tests::leaks_forty_bytes", false),  // demangled
        ("...\nfun:_ZN7moq_ffi5tests17leaks_forty_bytes28_$u7b$$u7b$closure$u7d$$u7d$17h*E", false),  // the closure only
        ("...\nsrc:lib.rs:8", false),
        ("fun:malloc\n...\nfun:new<[u8; 40]>\nfun:moq_ffi::tests::leaks_forty_bytes", false),
        // over-broad: own frames taken by `...`, a wildcard, an object, a whole file, or past the end
        ("...\nfun:*std*thread*", true),  // the guide's std_thread
        ("...\nfun:*moq_ffi*", true),
        ("...\nfun:_ZN7moq_ffi*", true),  // a `moq_*` wildcard over own code
        ("...\nfun:moq_ffi::tests::*", true),
        ("...\nfun:moq_ffi::tests::leaks_forty_byte?", true),
        ("fun:*", true),
        ("fun:malloc\n...", true),
        ("fun:malloc\nfun:alloc", true),  // the own frames lie outward of the entry
        ("...\nsrc:lib.rs", true),
        ("...\nobj:*/moq_ffi-*", true),
    ])
    func explicitLinesOnOwnFramesArePrecise(lines: String, overBroad: Bool) throws {
        let s = try Self.entry(lines)
        #expect(Self.verdict(s, Self.leak(S.testBodyLeakStable)) == overBroad)
    }

    @Test func nightlyV0SymbolsWithDisambiguatorsLeftOpenArePrecise() throws {
        let nightly = Self.leak(S.testBodyLeakNightly)
        #expect(
            Self.verdict(try Self.entry("...\nfun:_RNvNtCs*_7moq_ffi5testss_17leaks_forty_bytes"), nightly) == false)
        #expect(Self.verdict(try Self.entry("...\nfun:_RNvNtCs*_7moq_ffi*"), nightly) == true)
    }

    /// A stack without own code is never over-broad, whatever hides it; without
    /// own-code knowledge nothing is.
    @Test func noOwnFramesNoOverBroad() throws {
        let noise = Self.leak(S.mainThreadHandleStable, .possiblyLost, bytes: 48)
        #expect(Self.verdict(try Self.entry("fun:*"), noise) == false)
        let m = try #require(
            SuppressionMatcher.match(try Self.entry("fun:*"), Self.leak(S.testBodyLeakStable), checker: .valgrind))
        let applied = SuppressionApplier.apply(
            SuppressionMatcher([m.suppression]), to: [Self.leak(S.testBodyLeakStable)], checker: .valgrind, ownCode: nil
        )
        #expect(applied.findings[0].suppressionOverBroad == false)
    }

    /// The guide's file on the whole captured run: the 40-byte test-body leak is
    /// hidden by `std_thread` without a line naming the test, so over-broad; the
    /// harness noise has no own frames and is not.
    @Test(arguments: ["rust-test-leak.xml", "rust-test-leak-nightly.xml"])
    func guideFileOnTheCapturedRun(fixture: String) throws {
        let guidePath = Paths.fixture("suppressions/guide-broken.supp").path
        let guide = try SuppressionParser.parseFile(guidePath)
        let findings = try ValgrindXMLFixture.findings("suppressions/" + fixture)
        #expect(findings.map(\.bytes) == [40, 48, 544])
        // Broad entries gate by default: the test-body leak stays a finding, naming the entry.
        let gating = SuppressionApplier.apply(
            SuppressionMatcher(guide), to: findings, checker: .valgrind, ownCode: Self.moqFFI)
        #expect(gating.findings.map(\.suppressedBy) == [nil, "rust_runtime_init", "std_thread"])
        #expect(gating.findings.map(\.overBroadSuppression?.name) == ["std_thread", nil, nil])
        #expect(gating.usage.filter(\.overBroad).map(\.name) == ["std_thread"])
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(guide), to: findings, checker: .valgrind, ownCode: Self.moqFFI, allowBroad: true)
        #expect(applied.findings.map(\.suppressedBy) == ["std_thread", "rust_runtime_init", "std_thread"])
        #expect(applied.findings.map(\.suppressionOverBroad) == [true, false, false])
        #expect(applied.usage.filter(\.overBroad).map(\.name) == ["std_thread"])
    }

    /// LSan patterns are substring matches: only an anchored whole name (or one
    /// whose legacy hash is left open) names a frame.
    @Test(arguments: [
        ("leak:^moq_ffi::tests::leaks_forty_bytes$", false),
        ("leak:moq_ffi::tests::leaks_forty_bytes", true),  // unanchored: any name containing it
        ("leak:^moq_ffi::", true),
        ("leak:std::thread", true),
        ("leak:lib.rs", true),  // a file, not a function
    ])
    func lsanPatterns(line: String, overBroad: Bool) throws {
        let stack = [
            Frame(
                function: "malloc", file: "/rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_malloc_linux.cpp",
                line: 67),
            Frame(function: "moq_ffi::tests::leaks_forty_bytes", file: "/tmp/supp/moq_ffi/src/lib.rs", line: 8),
            Frame(
                function: "std::thread::lifecycle::spawn_unchecked::<test::run_test::{closure#1}, ()>::{closure#1}",
                file: "/rustc/e50aa6fb/library/std/src/thread/lifecycle.rs", line: 68),
        ]
        let s = try #require(try SuppressionParser.parse(text: line, file: "l.lsan").first)
        #expect(Self.verdict(s, Self.leak(stack), checker: .asan) == overBroad)
    }

    @Test func explicitLines() {
        #expect(FramePattern.fun("malloc").isExplicit)
        #expect(FramePattern.fun("_ZN3foo3bar17h*E").isExplicit)
        #expect(FramePattern.fun("foo::bar::h*").isExplicit)
        #expect(FramePattern.fun("_RNvCs*_3foo3bar").isExplicit)
        #expect(FramePattern.fun("<\\*const T as core::fmt::Debug>::fmt").isExplicit)  // an escaped star is literal
        #expect(!FramePattern.fun("_ZN3foo*").isExplicit)
        #expect(!FramePattern.fun("foo?").isExplicit)
        #expect(!FramePattern.fun("_RNvCs*_3foo*").isExplicit)
        #expect(!FramePattern.fun("_RNvCs*_x").isExplicit)  // not before an identifier length
        #expect(!FramePattern.fun("::h*").isExplicit)  // only a hash: names nothing
        #expect(FramePattern.src(file: "a.c", line: 3).isExplicit)
        #expect(!FramePattern.src(file: "a.c", line: nil).isExplicit)
        #expect(!FramePattern.src(file: "*.c", line: 3).isExplicit)
        #expect(!FramePattern.obj("/lib/libfoo.so").isExplicit)
        #expect(!FramePattern.ellipsis.isExplicit)
    }
}
