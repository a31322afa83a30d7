import Foundation
import FoundationXML
import Testing

@testable import LeakCheck

@Suite struct CIReportTests {
    var report: Report {
        let leak = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 37, blocks: 1,
            message: "37 bytes <lost> & \u{1b}[31mred\u{1b}[0m",
            stack: [Frame(function: "malloc"), Frame(function: "moq_connect", file: "/ws/src/lib.rs", line: 132)],
            test: "leak_error_message")
        var bad = RunResult(
            checker: .valgrind, executable: "/t/errors-1234", arguments: [], test: "leak_error_message",
            featureSet: "default", findings: [leak])
        bad.status = .findings
        var cut = RunResult(
            checker: .asan, executable: "/t/lifecycle", arguments: [], incompleteReason: "timed out after 3 s")
        cut.status = .incomplete
        var ok = RunResult(checker: .valgrind, executable: "/t/pubsub", arguments: [])
        ok.status = .clean
        return Verdict.decide(
            runs: [bad, cut, ok], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
    }

    // MARK: - Annotations

    @Test func annotationPointsAtTheOwnFrameRelativeToTheWorkspace() {
        let lines = GitHubAnnotations.render(report, policy: Policy(), selector: FrameSelector(), root: "/ws")
        #expect(
            lines == [
                "::error file=src/lib.rs,line=132,title=Valgrind%3A definitely lost::definitely lost: 37 bytes in 1 blocks in test leak_error_message%0A  at moq_connect (src/lib.rs:132)",
                "::error title=AddressSanitizer%3A incomplete::lifecycle: timed out after 3 s",
            ])
    }

    /// The issue's case: workspace `/src/mai` must not turn `/src/main/Tests/x` into `n/Tests/x`.
    @Test func pathsAreRelativeOnlyOnAPathBoundary() {
        #expect(RelativePath.relative("/src/main/Tests/x.rs", to: "/src/mai") == nil)
        #expect(RelativePath.relative("/src/main/Tests/x.rs", to: "/src/main") == "Tests/x.rs")
        #expect(RelativePath.relative("/src/main/Tests/x.rs", to: "/src/main/") == "Tests/x.rs")
        #expect(RelativePath.relative("/src/main", to: "/src/main") == nil)
        #expect(RelativePath.relative("relative/x.rs", to: "/src") == nil)
        #expect(RelativePath.relative("/a/b", to: "/") == "a/b")

        var r = report
        r.runs[0].findings[0].stack[1].file = "/src/main/Tests/x.rs"
        let wrong = GitHubAnnotations.render(r, policy: Policy(), selector: FrameSelector(), root: "/src/mai")
        // Outside the workspace: no file= at all (GitHub could not place it), never `n/Tests/x.rs`.
        #expect(
            wrong.first
                == "::error title=Valgrind%3A definitely lost::definitely lost: 37 bytes in 1 blocks in test leak_error_message%0A  at moq_connect (/src/main/Tests/x.rs:132)"
        )
        let right = GitHubAnnotations.render(r, policy: Policy(), selector: FrameSelector(), root: "/src/main")
        #expect(right.first?.hasPrefix("::error file=Tests/x.rs,line=132,") == true)
    }

    /// The fixture's five leaks, each seen by valgrind and ASan (10 gating findings):
    /// five annotations at the test frame, each naming both checkers.
    @Test func annotationsAreOnePerSiteAtTheTestNamingEveryChecker() throws {
        let out = GitHubAnnotations.annotations(try ReportFixtures.leak(), context: ReportFixtures.context())
        #expect(out.notAnnotated == 0)
        #expect(
            out.lines.map { String($0.prefix(while: { $0 != "%" })) } == [
                // In the causes' order: leaks by bytes (64, 37, 24, 24, 16).
                "::error file=moq_ffi/tests/lifecycle.rs,line=94,title=Valgrind + AddressSanitizer",
                "::error file=moq_ffi/tests/errors.rs,line=74,title=Valgrind + AddressSanitizer",
                "::error file=moq_ffi/src/tests.rs,line=125,title=Valgrind + AddressSanitizer",
                "::error file=moq_ffi/tests/lifecycle.rs,line=94,title=Valgrind + AddressSanitizer",
                "::error file=moq_ffi/tests/lifecycle.rs,line=94,title=Valgrind + AddressSanitizer",
            ])
        #expect(
            out.lines[1]
                == "::error file=moq_ffi/tests/errors.rs,line=74,title=Valgrind + AddressSanitizer%3A definitely lost::definitely lost: 37 bytes in 1 blocks in test leak_error_message%0A  at moq_ffi::MoqResult::error (moq_ffi/src/lib.rs:58)%0A  at moq_connect (moq_ffi/src/lib.rs:132)%0A  at errors::leak_error_message (moq_ffi/tests/errors.rs:74)"
        )
    }

    @Test func boundaryCallerIsPreferredOverTheTestFrame() throws {
        var r = report
        r.runs[0].findings[0].boundary = Boundary(
            function: "moq_connect",
            caller: CodeLocation(function: "c_test_connect", file: "/ws/tests/c/test_connect.c", line: 41),
            release: "moq_free_str")
        let lines = GitHubAnnotations.render(r, policy: Policy(), selector: FrameSelector(), root: "/ws")
        #expect(
            lines.first
                == "::error file=tests/c/test_connect.c,line=41,title=Valgrind%3A definitely lost::37 bytes definitely lost: returned by moq_connect() to c_test_connect (tests/c/test_connect.c:41), never released: call moq_free_str() in test leak_error_message%0A  at moq_connect (src/lib.rs:132)"
        )
    }

    @Test func atMostTenErrorsAndTheRestCounted() {
        var runs: [RunResult] = []
        for i in 0..<13 {
            let f = Finding(
                kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: "",
                stack: [Frame(function: "malloc"), Frame(function: "site\(i)", file: "/ws/src/s.c", line: i + 1)])
            var r = RunResult(checker: .valgrind, executable: "/t/prog", arguments: [], findings: [f])
            r.status = .findings
            runs.append(r)
        }
        let out = GitHubAnnotations.annotations(
            Report(runs: runs, failOn: [.definitelyLost]),
            context: RenderContext(policy: Policy(), workspaceRoot: "/ws"))
        #expect(out.lines.count == 10)
        #expect(out.notAnnotated == 3)
        #expect(out.lines.last?.hasPrefix("::error file=src/s.c,line=10,") == true)
    }

    // MARK: - JUnit

    @Test func junitIsWellFormedAndCountsFailuresAndErrors() throws {
        let xml = JUnitRenderer.xml(report, policy: Policy(), listings: [:])
        // Parses as XML: the ANSI escape was dropped, & and < escaped.
        let doc = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(doc.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "0")
        let failures = try doc.nodes(forXPath: "//failure")
        #expect(failures.count == 1)
        #expect((failures.first as? XMLElement)?.attribute(forName: "type")?.stringValue == "definitelyLost")
        #expect(failures.first?.stringValue?.contains("37 bytes <lost> & [31mred") == true)
        #expect(try doc.nodes(forXPath: "//error").count == 1)
        #expect(!xml.contains("\u{1b}"))
    }

    @Test func classnamesDropCargosHash() {
        #expect(TargetName.of(executable: "/x/target/debug/deps/moq_ffi-a3b17d4f1f71b605") == "moq_ffi")
        #expect(TargetName.of(executable: "/x/deps/lifecycle-085cbde5f8ae9c25") == "lifecycle")
        #expect(TargetName.of(executable: "/x/my-tool") == "my-tool")
        #expect(TargetName.of(executable: "/x/errors-1234") == "errors-1234")
        let r = RunResult(
            checker: .valgrind, executable: "/x/deps/moq_ffi-a3b17d4f1f71b605", arguments: [], featureSet: "leak_demo")
        #expect(JUnitRenderer.classname(r) == "valgrind.leak_demo.moq_ffi")
    }

    /// What `--list` prints for the fixture crate (EXPECTED.md's layout), keyed by the executables of one report.
    static func listings(_ report: Report, leakDemo: Bool) -> [String: TestList] {
        let lib =
            [
                "tests::backend_is_selected_by_feature", "tests::client_create_destroy",
                "tests::connect_and_disconnect",
                "tests::connect_bad_url_frees_message", "tests::destroy_null_is_a_no_op",
                "tests::disconnect_when_not_connected_frees_message", "tests::ignored_reconnect_soak",
            ] + (leakDemo ? ["tests::leak_client_never_destroyed"] : []) + [
                "tests::subscriber_create_destroy", "tests::version_is_static_and_not_freed",
            ]
        let errors =
            [
                "bad_scheme_is_an_error_with_message", "create_on_disconnected_client_returns_null",
                "empty_host_is_an_error",
            ]
            + (leakDemo ? ["leak_error_message"] : []) + ["null_arguments_are_errors"]
        let lifecycle =
            ["client_lifecycle", "connect_callback_receives_user_data"]
            + (leakDemo ? ["leak_subscriber_with_child"] : []) + [
                "many_clients", "publisher_lifecycle", "subscriber_lifecycle",
            ]
        let pubsub = ["publish_then_subscribe_several_tracks", "reconnect_keeps_no_state"]
        var out: [String: TestList] = [:]
        for r in report.runs {
            switch TargetName.of(executable: r.executable) {
            case "moq_ffi": out[r.executable] = TestList(tests: lib, ignored: ["tests::ignored_reconnect_soak"])
            case "errors": out[r.executable] = TestList(tests: errors)
            case "lifecycle": out[r.executable] = TestList(tests: lifecycle)
            case "pubsub": out[r.executable] = TestList(tests: pubsub)
            default: break
            }
        }
        return out
    }

    /// junitparser's view: per suite and root, the stored counts and the ones it recomputes from the testcases.
    static func junitparserCounts(_ xml: String) throws -> [String] {
        let scratch = try ScratchDir()
        let file = scratch.file("junit.xml")
        try xml.write(toFile: file, atomically: true, encoding: .utf8)
        let script = """
            import sys
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            def stored(e): return (e.tests, e.failures, e.errors, e.skipped)
            for s in xml:
                before = stored(s)
                cases = list(s)
                states = ["failure" if any(isinstance(r, Failure) for r in c.result) else "error" if any(isinstance(r, Error) for r in c.result) else "skipped" if any(isinstance(r, Skipped) for r in c.result) else "pass" for c in cases]
                s.update_statistics()
                print(s.name, before, stored(s), "failing=" + ",".join(c.name for c, st in zip(cases, states) if st == "failure"), "skipped=" + ",".join(c.name for c, st in zip(cases, states) if st == "skipped"))
            before = stored(xml); xml.update_statistics(); print("ROOT", before, stored(xml))
            """
        let run = try ExternalTool.python(script, [file], module: "junitparser")
        guard run.status == 0 else { throw FixtureMissing(path: file, hint: "junitparser failed: \(run.stderr)") }
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test func junitOfAFixtureRunFollowsEveryTestAndCountsAgreeWithJunitparser() throws {
        let leak = try ReportFixtures.leak()
        let leakXML = JUnitRenderer.xml(leak, policy: Policy(), listings: Self.listings(leak, leakDemo: true))
        let lines = try Self.junitparserCounts(leakXML)
        #expect(
            lines == [
                "valgrind.leak_demo.moq_ffi (10, 1, 0, 1) (10, 1, 0, 1) failing=tests::leak_client_never_destroyed skipped=tests::ignored_reconnect_soak",
                "valgrind.leak_demo.errors (5, 1, 0, 0) (5, 1, 0, 0) failing=leak_error_message skipped=",
                "valgrind.leak_demo.lifecycle (6, 1, 0, 0) (6, 1, 0, 0) failing=leak_subscriber_with_child skipped=",
                "valgrind.leak_demo.pubsub (2, 0, 0, 0) (2, 0, 0, 0) failing= skipped=",
                "asan.leak_demo.moq_ffi (10, 1, 0, 1) (10, 1, 0, 1) failing=tests::leak_client_never_destroyed skipped=tests::ignored_reconnect_soak",
                "asan.leak_demo.errors (5, 1, 0, 0) (5, 1, 0, 0) failing=leak_error_message skipped=",
                "asan.leak_demo.lifecycle (6, 1, 0, 0) (6, 1, 0, 0) failing=leak_subscriber_with_child skipped=",
                "asan.leak_demo.pubsub (2, 0, 0, 0) (2, 0, 0, 0) failing= skipped=",
                "ROOT (46, 6, 0, 2) (46, 6, 0, 2)",
            ])
        // The subscriber test: one failure element holding its three gating leaks.
        let doc = try XMLDocument(data: Data(leakXML.utf8))
        let sub = try doc.nodes(
            forXPath:
                "//testsuite[@name='valgrind.leak_demo.lifecycle']/testcase[@name='leak_subscriber_with_child']/failure"
        )
        #expect(sub.count == 1)
        #expect(
            (sub.first as? XMLElement)?.attribute(forName: "message")?.stringValue
                == "indirectly lost: 24 bytes in 1 blocks (+2 more)")
    }

    /// The same crate clean and leaking: the same suites and testcase names, so CI history follows each test.
    @Test func cleanAndLeakingRunsHaveTheSameTestIdentities() throws {
        let clean = try ReportFixtures.report("clean-valgrind-asan")
        let leak = try ReportFixtures.leak()
        func ids(_ xml: String) throws -> [String] {
            let doc = try XMLDocument(data: Data(xml.utf8))
            return try doc.nodes(forXPath: "//testcase").compactMap { n in
                let e = n as? XMLElement
                return
                    "\(e?.attribute(forName: "classname")?.stringValue ?? "?")/\(e?.attribute(forName: "name")?.stringValue ?? "?")"
            }
        }
        let cleanXML = JUnitRenderer.xml(clean, policy: Policy(), listings: Self.listings(clean, leakDemo: false))
        let leakXML = JUnitRenderer.xml(leak, policy: Policy(), listings: Self.listings(leak, leakDemo: true))
        let leakDemoTests: Set<String> = [
            "tests::leak_client_never_destroyed", "leak_error_message", "leak_subscriber_with_child",
        ]
        let leakIDs = try ids(leakXML).filter { id in !leakDemoTests.contains(where: { id.hasSuffix("/" + $0) }) }
            .map { $0.replacingOccurrences(of: ".leak_demo.", with: ".default.") }
        let cleanIDs = try ids(cleanXML)
        #expect(cleanIDs.count == 40)
        #expect(cleanIDs == leakIDs)
        let lines = try Self.junitparserCounts(cleanXML)
        #expect(lines.last == "ROOT (40, 0, 0, 2) (40, 0, 0, 2)")
        // Without a listing, a clean whole-binary valgrind run is one testcase, never green tests invented.
        let bare = try ids(JUnitRenderer.xml(clean, policy: Policy(), listings: [:]))
        #expect(
            bare.filter { $0.hasPrefix("valgrind.") } == [
                "valgrind.default.moq_ffi/(whole binary)", "valgrind.default.errors/(whole binary)",
                "valgrind.default.lifecycle/(whole binary)", "valgrind.default.pubsub/(whole binary)",
            ])
    }
    @Test func ctestTestsByNameFailedAndIncompleteRuns() throws {
        var a = RunResult(checker: .valgrind, executable: "/b/tests/test_lifecycle", arguments: [], test: "lifecycle")
        a.source = .ctest
        var b = RunResult(
            checker: .valgrind, executable: "/b/tests/test_pubsub", arguments: [], test: "pubsub",
            incompleteReason: "timed out after 60 s")
        b.source = .ctest
        b.status = .incomplete
        // A whole cargo binary that timed out: each of its listed tests is an error, not a pass.
        var whole = RunResult(
            checker: .asan, executable: "/t/deps/errors-67af81f737640eb4", arguments: [], featureSet: "default",
            incompleteReason: "timed out after 60 s")
        whole.status = .incomplete
        // A libtest failure the harness reported, with no finding tied to it.
        var failed = RunResult(
            checker: .asan, executable: "/t/deps/lifecycle-085cbde5f8ae9c25", arguments: [], test: "many_clients",
            featureSet: "default")
        failed.failedTests = ["many_clients"]
        failed.status = .findings
        let report = Report(runs: [a, b, whole, failed], failOn: [.definitelyLost])
        let xml = JUnitRenderer.xml(
            report, policy: Policy(),
            listings: [
                "/t/deps/errors-67af81f737640eb4": TestList(tests: ["x", "y"]),
                "/t/deps/lifecycle-085cbde5f8ae9c25": TestList(tests: ["many_clients"]),
            ])
        let lines = try Self.junitparserCounts(xml)
        #expect(
            lines == [
                "valgrind.ctest (2, 0, 1, 0) (2, 0, 1, 0) failing= skipped=",
                "asan.default.errors (2, 0, 2, 0) (2, 0, 2, 0) failing= skipped=",
                "asan.default.lifecycle (1, 1, 0, 0) (1, 1, 0, 0) failing=many_clients skipped=",
                "ROOT (5, 1, 3, 0) (5, 1, 3, 0)",
            ])
        let doc = try XMLDocument(data: Data(xml.utf8))
        let names = try doc.nodes(forXPath: "//testsuite[@name='valgrind.ctest']/testcase").compactMap {
            ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue
        }
        #expect(names == ["lifecycle", "pubsub"])
        let err =
            try doc.nodes(forXPath: "//testsuite[@name='asan.default.errors']/testcase[@name='x']/error").first
            as? XMLElement
        #expect(
            err?.attribute(forName: "message")?.stringValue == "the binary's run was incomplete: timed out after 60 s")
    }
}
