import Foundation
import Testing

@testable import LeakCheck

@Suite struct BaselineReportTests {
    static func keys(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.kind.rawValue) \($0.bytes ?? 0) \($0.test ?? "-")" }
    }

    static let fiveLeaks = [
        "definitelyLost 24 tests::leak_client_never_destroyed", "definitelyLost 37 leak_error_message",
        "indirectlyLost 24 leak_subscriber_with_child", "indirectlyLost 64 leak_subscriber_with_child",
        "definitelyLost 16 leak_subscriber_with_child",
    ]

    @Test func leakingRunAgainstACleanBaselineIsAllNew() throws {
        let c = BaselineComparison.compare(
            current: try ReportFixtures.leak(), baseline: try ReportFixtures.report("clean-valgrind-asan"))
        #expect(Self.keys(c.new) == Self.fiveLeaks)
        #expect(c.known.isEmpty)
        #expect(c.fixed.isEmpty)
    }

    @Test func cleanRunAgainstALeakingBaselineFixedEverything() throws {
        let c = BaselineComparison.compare(
            current: try ReportFixtures.report("clean-valgrind-asan"), baseline: try ReportFixtures.leak())
        #expect(c.new.isEmpty)
        #expect(c.known.isEmpty)
        #expect(Self.keys(c.fixed) == Self.fiveLeaks)
    }

    /// The fixture crate copied to another directory, rebuilt and run again
    /// (`/tmp/lc-render/b` instead of `/tmp/lc-render/a`): every leak is known.
    @Test func rebuildInAnotherDirectoryMatchesEveryLeak() throws {
        let here = try ReportFixtures.leak()
        let there = try ReportFixtures.report("leak-demo-valgrind-asan-elsewhere")
        // The two captures really are from two checkouts.
        let file = try #require(
            there.runs.flatMap(\.findings).first { $0.suppressedBy == nil }?.stack.compactMap(\.file).first {
                $0.contains("/moq_ffi/src/")
            })
        #expect(file.hasPrefix(ReportFixtures.elsewhereRoot + "/"))
        let c = BaselineComparison.compare(current: there, baseline: here)
        #expect(c.new.isEmpty)
        #expect(Self.keys(c.known) == Self.fiveLeaks)
        #expect(c.fixed.isEmpty)
    }

    /// A valgrind-only baseline matches an ASan-only run: the site key skips the
    /// allocator and std frames where the two checkers and toolchains differ.
    @Test func oneCheckersBaselineMatchesTheOtherChecker() throws {
        var valgrind = try ReportFixtures.leak()
        valgrind.runs = valgrind.runs.filter { $0.checker == .valgrind }
        var asan = try ReportFixtures.leak()
        asan.runs = asan.runs.filter { $0.checker == .asan }
        let c = BaselineComparison.compare(current: asan, baseline: valgrind)
        #expect(c.new.isEmpty)
        #expect(c.known.count == 5)
        #expect(c.fixed.isEmpty)
        // Finding.fingerprint, by contrast, differs between the checkers for the same leak.
        let v = try #require(valgrind.runs.flatMap(\.findings).first { $0.suppressedBy == nil && $0.bytes == 37 })
        let a = try #require(asan.runs.flatMap(\.findings).first { $0.suppressedBy == nil && $0.bytes == 37 })
        #expect(v.fingerprint != a.fingerprint)
        #expect(StableFingerprint.of(v) == StableFingerprint.of(a))
    }

    @Test func markSetsNewAndKnownOnUnsuppressedFindingsOnly() throws {
        var baseline = try ReportFixtures.leak()
        baseline.runs = baseline.runs.filter { $0.test == "leak_error_message" }
        let marked = BaselineComparison.mark(try ReportFixtures.leak(), against: baseline)
        let states = marked.runs.flatMap { r in
            r.findings.filter { $0.suppressedBy == nil }.map {
                "\(r.checker.rawValue) \($0.bytes ?? 0) \($0.baseline?.rawValue ?? "nil")"
            }
        }
        #expect(
            states == [
                "valgrind 24 new", "valgrind 37 known", "valgrind 24 new", "valgrind 64 new", "valgrind 16 new",
                "asan 24 new", "asan 37 known", "asan 16 new", "asan 64 new", "asan 24 new",
            ])
        #expect(marked.runs.flatMap(\.findings).filter { $0.suppressedBy != nil }.allSatisfy { $0.baseline == nil })
        // The summary reports the standing.
        let md = StepSummaryRenderer(path: "s.md").markdown(marked, context: ReportFixtures.context())
        #expect(md.contains("### Baseline\n\n4 new findings, 1 known finding (already in the baseline).\n"))
    }

    /// What changes between builds and checkouts never reaches the site key.
    @Test func siteKeyIgnoresHashesPathsLinesAndAddresses() {
        let stack = [
            Frame(
                function: "malloc", object: "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so",
                address: "0x4848899"),
            Frame(function: "alloc::alloc::alloc", file: "/rustc/59807616e/library/alloc/src/alloc.rs", line: 95),
            Frame(
                function: "<alloc::boxed::Box<moq_ffi::Buffer>>::new",
                file: "/rustc/59807616e/library/alloc/src/boxed.rs", line: 286),
            Frame(
                function: "moq_subscriber_create", file: "/home/a/moq_ffi/src/lib.rs", line: 225, address: "0x11A2B3"),
            Frame(
                function: nil, object: "/home/a/moq_ffi/target/debug/deps/lifecycle-085cbde5f8ae9c25", address: "0x1234"
            ),
            Frame(
                function: "lifecycle::leak_subscriber_with_child::h0123456789abcdef",
                file: "/home/a/moq_ffi/tests/lifecycle.rs", line: 94),
        ]
        var moved = stack
        moved[0].address = "0x4999999"
        moved[1] = Frame(function: "alloc", file: "/rustc/e50aa6fba/library/alloc/src/alloc.rs", line: 101)
        moved[2] = Frame(
            function: "new<moq_ffi::Buffer>", file: "/rustc/e50aa6fba/library/alloc/src/boxed.rs", line: 290)
        moved[3].file = "/ci/work/checkout/moq_ffi/src/lib.rs"
        moved[3].line = 240
        moved[3].address = "0x22C3D4"
        moved[4].object = "/ci/work/checkout/moq_ffi/target/debug/deps/lifecycle-ffffffffffffffff"
        moved[5].function = "lifecycle::leak_subscriber_with_child::hfedcba9876543210"
        moved[5].file = "/ci/work/checkout/moq_ffi/tests/lifecycle.rs"
        moved[5].line = 99
        #expect(
            StableFingerprint.of(kind: .indirectlyLost, stack: stack)
                == StableFingerprint.of(kind: .indirectlyLost, stack: moved))
        // Fingerprint.of hashes the object path (with the cargo hash) of a frame without a function.
        #expect(
            Fingerprint.of(kind: .indirectlyLost, stack: stack) != Fingerprint.of(kind: .indirectlyLost, stack: moved))
        // A different site is a different key: another allocation in the same function,
        var vec = stack
        vec[2].function = "<alloc::vec::Vec<u8>>::with_capacity"
        vec[2].file = "/rustc/59807616e/library/alloc/src/vec/mod.rs"
        #expect(
            StableFingerprint.of(kind: .indirectlyLost, stack: vec)
                != StableFingerprint.of(kind: .indirectlyLost, stack: stack))
        // another kind, another test.
        #expect(
            StableFingerprint.of(kind: .definitelyLost, stack: stack)
                != StableFingerprint.of(kind: .indirectlyLost, stack: stack))
        var other = stack
        other[5].function = "lifecycle::other_test"
        #expect(
            StableFingerprint.of(kind: .indirectlyLost, stack: other)
                != StableFingerprint.of(kind: .indirectlyLost, stack: stack))
    }

    @Test func malformedBaselineIsAOneLineUsageError() throws {
        let scratch = try ScratchDir()
        let bad = scratch.file("bad.json")
        try "{\"schemaVersion\": 1}".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: UsageError.self) { try BaselineComparison.load(bad) }
        do {
            _ = try BaselineComparison.load(bad)
        } catch let e as UsageError {
            #expect(e.message == "--baseline \(bad): not a moq-leakcheck JSON report (missing \"runs\")")
        }
        do {
            _ = try BaselineComparison.load(scratch.file("missing.json"))
        } catch let e as UsageError {
            #expect(e.message == "--baseline \(scratch.file("missing.json")): cannot read the file")
        }
        let good = try BaselineComparison.load(Paths.fixture("reports/clean-valgrind-asan.json").path)
        #expect(good.runs.count == 23)  // valgrind: 4 whole binaries; ASan: 19 tests, one per process
    }
}
