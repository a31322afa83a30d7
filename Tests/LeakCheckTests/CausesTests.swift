import Foundation
import Testing

@testable import LeakCheck

/// `report.causes`: gating findings grouped by the fix they need, as the
/// verdict decides them and as the console leads with them.
@Suite struct CausesTests {
    static let own = OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/ws/moq_ffi/", "/ws/c_tests/"])
    static let exported = ["moq_connect", "moq_publish", "moq_subscribe", "moq_announce"]

    /// One `MoqResult.message` leak as valgrind reports it from a C test: the
    /// crate's `make_error_result` allocates, `function` returns it to `caller` at `line`.
    static func messageLeak(function: String, caller: String, file: String, line: Int, test: String) -> Finding {
        var f = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 49, blocks: 1, message: "",
            stack: [
                Frame(function: "malloc", file: "vg_replace_malloc.c", line: 381),
                Frame(function: "moq_ffi::backend_stub::make_error_result", file: "/ws/moq_ffi/src/backend_stub.rs", line: 141),
                Frame(function: function, file: "/ws/moq_ffi/src/lib.rs", line: 60),
                Frame(function: caller, file: "/ws/c_tests/\(file)", line: line),
                Frame(function: "main", file: "/ws/c_tests/\(file)", line: 90),
            ])
        f.boundary = Boundary(
            function: function, file: "/ws/moq_ffi/src/lib.rs", line: 60,
            caller: CodeLocation(function: caller, file: "/ws/c_tests/\(file)", line: line), release: "moq_free_str")
        f.test = test
        return f
    }

    static func decide(_ runs: [RunResult]) -> Report {
        Verdict.decide(
            runs: runs, suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false,
            ownCode: own)
    }

    /// 40 leaks of one cause from 40 call lines in 10 tests, and one test that fails.
    static func fortyLeaksAndAFailingTest() -> Report {
        var findings: [Finding] = []
        for i in 0..<40 {
            findings.append(
                messageLeak(
                    function: exported[i % 4], caller: "check_\(i % 10)", file: "test_\(i % 10).c", line: 10 + i,
                    test: "test_\(i % 10)"))
        }
        findings.append(
            Finding(
                kind: .testFailure, rawKind: "test failed",
                message: "test test_multi_client_integration failed (exit status 1)",
                test: "test_multi_client_integration"))
        return decide([RunResult(checker: .valgrind, executable: "/ws/build/c_tests", arguments: [], findings: findings)])
    }

    @Test func fortyLeaksOfOneCauseAreOneCauseAfterTheFailingTest() throws {
        let report = Self.fortyLeaksAndAFailingTest()
        #expect(report.causes.count == 2)
        let failing = try #require(report.causes.first)
        #expect(failing.kind == .testFailure)
        #expect(failing.sentence == "test failure: test test_multi_client_integration failed (exit status 1)")
        let leak = report.causes[1]
        #expect(leak.kind == .definitelyLost)
        #expect(leak.bytes == 40 * 49 && leak.blocks == 40)
        #expect(leak.allocation == CodeLocation(
            function: "moq_ffi::backend_stub::make_error_result", file: "/ws/moq_ffi/src/backend_stub.rs", line: 141))
        #expect(leak.functions == ["moq_announce", "moq_connect", "moq_publish", "moq_subscribe"])
        #expect(leak.release == "moq_free_str")
        #expect(leak.sites.count == 40 && leak.tests.count == 10)
        #expect(leak.checkers == [.valgrind])
        #expect(
            leak.sentence
                == "1,960 bytes in 40 blocks definitely lost from moq_ffi::backend_stub::make_error_result (backend_stub.rs:141), returned by moq_announce() and 3 more, never released: call moq_free_str() — 40 call sites in 10 tests"
        )
    }

    /// The console leads with the causes: the failing test and the cause's
    /// sentence are in its first 15 lines, whatever the number of leaks.
    @Test func consoleShowsTheFailingTestAndTheCauseFirst() throws {
        let report = Self.fortyLeaksAndAFailingTest()
        let text = TextReport.summary(report, policy: Policy(), selector: FrameSelector(roots: ["/ws/"]))
        let first = text.split(separator: "\n").prefix(15).map(String.init)
        #expect(first.contains("  ✗ test failure: test test_multi_client_integration failed (exit status 1)"), "\(text)")
        #expect(first.contains("  ✗ " + report.causes[1].sentence), "\(text)")
        #expect(first.contains("      … and 37 more call sites (see the report files)"), "\(text)")
        // Every site is in the text report.
        let full = TextReport.full(report, checkers: [.valgrind], policy: Policy(), title: "t")
        #expect(full.components(separatedBy: "      at check_").count - 1 == 40)
    }

    /// valgrind's and ASan's copies of one leak: one cause, one site, the figure
    /// of one checker (never 2 × 37 bytes).
    @Test func figuresAreOneCheckersNeverASum() {
        let v = Self.messageLeak(function: "moq_connect", caller: "check_connect", file: "t.c", line: 6, test: "t")
        var a = v
        a.rawKind = "Direct leak"
        var runs = [
            RunResult(checker: .valgrind, executable: "/ws/t", arguments: [], findings: [v]),
            RunResult(checker: .asan, executable: "/ws/t", arguments: [], findings: [a]),
        ]
        runs = CrossChecker.match(runs)
        let report = Self.decide(runs)
        #expect(report.causes.count == 1)
        #expect(report.causes[0].bytes == 49 && report.causes[0].blocks == 1)
        #expect(report.causes[0].checkers == [.valgrind, .asan])
        #expect(report.causes[0].sites.count == 1 && report.causes[0].sites[0].bytes == 49)
    }

    /// An indirectly lost block returned by the same call as its parent joins the parent's cause.
    @Test func indirectBlocksJoinTheCauseOfTheBlockThatKeepsThem() {
        var parent = Self.messageLeak(function: "moq_subscriber_create", caller: "t", file: "t.c", line: 9, test: "t")
        parent.boundary?.release = "moq_subscriber_destroy"
        parent.stack[1] = Frame(function: "moq_ffi::Subscriber::new", file: "/ws/moq_ffi/src/lib.rs", line: 220)
        var child = parent
        child.kind = .indirectlyLost
        child.bytes = 64
        child.stack[1] = Frame(function: "moq_ffi::Subscriber::buffer", file: "/ws/moq_ffi/src/lib.rs", line: 223)
        let report = Self.decide([
            RunResult(checker: .valgrind, executable: "/ws/t", arguments: [], findings: [child, parent])
        ])
        #expect(report.causes.count == 1)
        #expect(report.causes[0].kind == .definitelyLost)
        #expect(report.causes[0].bytes == 49 + 64 && report.causes[0].blocks == 2)
        #expect(report.causes[0].allocation?.line == 220)
    }

    /// Memory errors lead, then failing tests, then leaks by bytes.
    @Test func mostSevereFirst() {
        let small = Self.messageLeak(function: "moq_connect", caller: "a", file: "a.c", line: 1, test: "a")
        var big = Self.messageLeak(function: "moq_connect", caller: "b", file: "b.c", line: 2, test: "b")
        big.stack[1] = Frame(function: "moq_ffi::big", file: "/ws/moq_ffi/src/lib.rs", line: 300)
        big.bytes = 4096
        let read = Finding(
            kind: .invalidRead, rawKind: "InvalidRead", message: "Invalid read of size 4",
            stack: [Frame(function: "moq_ffi::peek", file: "/ws/moq_ffi/src/lib.rs", line: 77)], test: "c")
        let fail = Finding(kind: .testFailure, rawKind: "exit status 1", message: "exit status 1", test: "d")
        let report = Self.decide([
            RunResult(checker: .valgrind, executable: "/ws/t", arguments: [], findings: [small, fail, big, read])
        ])
        #expect(report.causes.map(\.kind) == [.invalidRead, .testFailure, .definitelyLost, .definitelyLost])
        #expect(report.causes.map(\.bytes).suffix(2) == [4096, 49])
        #expect(report.causes[0].sentence == "invalid read (Invalid read of size 4) in moq_ffi::peek (lib.rs:77) — 1 call site in 1 test")
    }

    /// What a checker's summary counts beyond its records is a cause of its own, said as such.
    @Test func summaryOnlyFiguresAreTheirOwnCause() {
        var extra = Finding(
            kind: .summaryOnly, rawKind: "Leak_DefinitelyLost beyond records", bytes: 100, blocks: 2,
            message: "the LEAK SUMMARY counts 100 bytes more than the records")
        extra.test = nil
        let leak = Self.messageLeak(function: "moq_connect", caller: "a", file: "a.c", line: 1, test: "a")
        let report = Self.decide([
            RunResult(checker: .valgrind, executable: "/ws/t", arguments: [], findings: [leak, extra])
        ])
        #expect(report.causes.count == 2)
        #expect(report.causes[0].kind == .definitelyLost && report.causes[0].bytes == 100)
        #expect(
            report.causes[0].sentence
                == "100 bytes in 2 blocks definitely lost counted only in the checker's LEAK SUMMARY, beyond its records (rerun with full output to see them)"
        )
    }

    /// The JSON shape of the contract, read back to the same causes.
    @Test func jsonCarriesTheCausesAndReadsThemBack() throws {
        let report = Self.fortyLeaksAndAFailingTest()
        let data = try JSONReport.encode(report)
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let causes = try #require(obj["causes"] as? [[String: Any]])
        #expect(causes.count == 2)
        #expect(Set(causes[1].keys).isSuperset(of: [
            "id", "kind", "sentence", "allocation", "functions", "release", "bytes", "blocks", "checkers", "sites",
        ]))
        #expect(causes[0]["allocation"] is NSNull && causes[0]["release"] is NSNull)
        let site = try #require((causes[1]["sites"] as? [[String: Any]])?.first)
        #expect(Set(site.keys) == ["test", "caller", "bytes", "blocks", "fingerprints"])
        let back = try JSONDecoder().decode(Report.self, from: data)
        #expect(back.causes == report.causes)
    }
}

/// Runtime noise each process of a binary reports counts once, whatever the
/// shards or partitions the binary ran in.
@Suite struct ProcessNoiseTests {
    static func noise(_ bytes: Int, _ by: String = "rust-std-main-thread-handle") -> Finding {
        var f = Finding(
            kind: .possiblyLost, rawKind: "Leak_PossiblyLost", bytes: bytes, blocks: 1, message: "",
            stack: [Frame(function: "malloc"), Frame(function: "std::thread::Thread::new", file: "thread.rs", line: 1)])
        f.suppressedBy = by
        return f
    }

    static func leak(_ test: String) -> Finding {
        Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: "",
            stack: [Frame(function: "malloc"), Frame(function: "t", file: "t.rs", line: 2)], test: test)
    }

    @Test func shardsCountTheirCommonNoiseOnce() {
        let job = Job(
            source: .cargo, program: "/t/deps/moq_ffi-0123456789abcdef", arguments: [], isLibtest: true,
            label: "moq_ffi", target: "moq_ffi")
        func shard(_ tests: [String]) -> RunResult {
            var r = RunResult(
                checker: .valgrind, executable: job.program, arguments: tests,
                findings: [Self.noise(48)] + tests.map(Self.leak) + [Self.noise(544, "rust-std-runtime")])
            r.tests = tests
            r.target = "moq_ffi"
            // A process that ran one test names it on everything, noise included.
            if tests.count == 1 {
                for i in r.findings.indices where r.findings[i].suppressedBy != nil {
                    r.findings[i].test = tests[0]
                    r.findings[i].attributedBy = .rerun
                }
            }
            return r
        }
        let whole = ShardedRuns.combine([shard(["a", "b", "c"])], whole: job, listing: ["a", "b", "c"])
        let split = ShardedRuns.combine([shard(["a"]), shard(["b"]), shard(["c"])], whole: job, listing: ["a", "b", "c"])
        #expect(split.totals == whole.totals)
        #expect(split.totals.suppressed == Tally(bytes: 592, blocks: 2))
        #expect(split.findings.filter { $0.suppressedBy == nil }.count == 3)
        // Partitions merged: the same binary's runs from three reports.
        let parts = (0..<3).map { i -> Report in
            var r = shard([["a"], ["b"], ["c"]][i])
            r.arguments = []
            return Report(runs: [r], failOn: [.definitelyLost])
        }
        let merged = ReportMerger.merge(reports: parts.map { ($0, nil) })
        #expect(merged.totals == whole.totals)
    }
}

/// A C suite built without `-g`: the caller frame has a function and an object
/// but no file:line. The boundary is kept from what the stack has, and one hint says how to get the line.
@Suite struct BoundaryWithoutDebugInfoTests {
    static let build = "/work/wt-causes/Tests/Fixtures/moq_ffi/target/moq-leakcheck/"

    static func finder(withoutLine: Bool) throws -> BoundaryFinder {
        let surface = try FFIReleasePairingTests.fixtureSurface()
        return BoundaryFinder(
            surface: surface, isCallerCode: CallerCode.files(under: ["/work/wt-causes/Tests/Fixtures/moq_ffi/c_tests/"]),
            isCallerWithoutLine: withoutLine ? CallerCode.withoutDebugInfo(under: [build]) : nil)
    }

    @Test func boundaryAndReleaseKeptWithTheCallersFunctionAndObject() throws {
        let findings = try ValgrindXMLFixture.findings("ctest/valgrind-c-suite-release-no-debug-info.xml")
        let leak = try #require(findings.first { $0.kind == .definitelyLost })
        let annotated = try Self.finder(withoutLine: true).annotate([leak])
        let b = try #require(annotated[0].boundary)
        #expect(b.function == "moq_connect" && b.release == "moq_free_str")
        #expect(b.caller?.file == nil && b.caller?.line == nil)
        #expect(b.caller?.function == "main")
        #expect(b.caller?.object == Self.build + "cmake-valgrind/test_leak_message")
        #expect(
            BoundarySentence.sentence(for: annotated[0], boundary: b)
                == "37 bytes definitely lost: returned by moq_connect() to main (in test_leak_message, no line: built without -g), never released: call moq_free_str()"
        )
        // One hint for any number of such findings; none when every caller has its line.
        #expect(BoundaryFinder.hint(for: annotated + annotated) == BoundaryFinder.debugInfoHint)
        #expect(BoundaryFinder.hint(for: [leak]) == nil)
        // Without the build trees known, there is no boundary (what the first version did).
        #expect(try Self.finder(withoutLine: false).annotate([leak])[0].boundary == nil)
        // A frame in a shared library, or a Rust path, is never taken for the caller.
        let lib = Frame(function: "moq_connect", object: Self.build + "libmoq_ffi.so")
        #expect(!CallerCode.withoutDebugInfo(under: [Self.build])(lib))
        #expect(!CallerCode.withoutDebugInfo(under: [Self.build])(Frame(function: "a::b", object: Self.build + "t")))
    }
}
