import Testing

@testable import LeakCheck

@Suite struct SchedulingHaltedShardTests {
    /// libtest's stdout of the fixture crate's lib tests (whole binary, `--test-threads=1`, valgrind run).
    static let complete = """

        running 10 tests
        test tests::backend_is_selected_by_feature ... ok
        test tests::client_create_destroy ... ok
        test tests::ignored_reconnect_soak ... ignored, soak test; run with --ignored
        test tests::leak_client_never_destroyed ... ok
        test tests::subscriber_create_destroy ... FAILED

        failures:

        ---- tests::subscriber_create_destroy stdout ----
        test tests::not_a_result_line ... says the panic message

        test result: FAILED. 3 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.23s

        """

    @Test func finishedTestsFromLibtestOutput() {
        #expect(
            HaltedShard.finished(in: Self.complete) == [
                "tests::backend_is_selected_by_feature", "tests::client_create_destroy",
                "tests::ignored_reconnect_soak",
                "tests::leak_client_never_destroyed", "tests::subscriber_create_destroy",
            ])
        #expect(HaltedShard.unfinished(in: Self.complete) == nil)
    }
}

/// A real halted shard: the fixture crate's `lifecycle` binary under ASan, halted by the use-after-free.
@Suite struct SchedulingHaltedShardRealTests {
    static let tests = [
        "client_lifecycle", "connect_callback_receives_user_data", "leak_subscriber_with_child", "many_clients",
        "publisher_lifecycle", "subscriber_lifecycle", "uaf_subscriber_after_destroy",
    ]

    @Test func useAfterFreeHaltsTheShardAndNamesItsTest() throws {
        let stdout = try Paths.fixtureText("attribution/moq_ffi-uaf_demo-lifecycle-asan-nightly.stdout")
        let log = SanitizerLogParser.parse(
            text: try Paths.fixtureText("attribution/moq_ffi-uaf_demo-lifecycle-asan-nightly.log"))
        // One error, no leak report at all (LSan's exit check never ran).
        #expect(log.findings.map(\.kind) == [.useAfterFree])
        #expect(log.findings[0].message.hasPrefix("READ of size 8 at 0x7bf5e53e40f0 thread T7"))
        #expect(log.findings[0].thread == "T7")
        let a = StackAttribution(crateName: "lifecycle", tests: Self.tests)
        #expect(a.test(for: log.findings[0].stack) == "uaf_subscriber_after_destroy")
        // libtest ran one test at a time: the unfinished line names it too.
        #expect(HaltedShard.unfinished(in: stdout) == "uaf_subscriber_after_destroy")
        #expect(HaltedShard.finished(in: stdout) == Array(Self.tests.dropLast()))
        // ASan: every other test again, or leak_subscriber_with_child's leak is never seen.
        #expect(
            HaltedShard.rerun(
                tests: Self.tests, stdout: stdout, halted: "uaf_subscriber_after_destroy", exitLeakCheckLost: true)
                == Array(Self.tests.dropLast()))
        // A checker that still checks leaks after the halt: nothing left to run.
        #expect(
            HaltedShard.rerun(
                tests: Self.tests, stdout: stdout, halted: "uaf_subscriber_after_destroy", exitLeakCheckLost: false)
                == [])
    }

    /// The same output cut in `leak_subscriber_with_child` (as if it had crashed there):
    /// the tests after it never ran.
    @Test func testsAfterTheHaltNeverRan() throws {
        let stdout = try Paths.fixtureText("attribution/moq_ffi-uaf_demo-lifecycle-asan-nightly.stdout")
        let cut = try #require(stdout.range(of: "test leak_subscriber_with_child ... "))
        let halted = String(stdout[..<cut.upperBound])
        #expect(HaltedShard.unfinished(in: halted) == "leak_subscriber_with_child")
        #expect(HaltedShard.finished(in: halted) == ["client_lifecycle", "connect_callback_receives_user_data"])
        #expect(
            HaltedShard.rerun(
                tests: Self.tests, stdout: halted, halted: "leak_subscriber_with_child", exitLeakCheckLost: false) == [
                    "many_clients", "publisher_lifecycle", "subscriber_lifecycle", "uaf_subscriber_after_destroy",
                ])
        // Output that ends on a finished line: nothing unfinished.
        #expect(HaltedShard.unfinished(in: String(stdout[..<stdout.range(of: "test many_clients")!.lowerBound])) == nil)
    }
}

@Suite struct SchedulingBisectionTargetTests {
    /// Only gating, unsuppressed, unattributed findings are bisected: harness noise is in every run.
    @Test func targetsOfTheFourTestShard() throws {
        let findings = try ValgrindXMLParser.parse(fileAt: Paths.fixture("attribution/attrib-valgrind-stable.xml").path)
            .findings
        let attributed = findings.map(
            StackAttribution(crateName: "attrib", tests: AttributionTests.attribTests).attribute)
        // 24 and 40 B named by the stack; 48 B possibly lost and 544 B still reachable do not gate.
        #expect(Bisection.targets(in: attributed, policy: Policy()) == [findings[1].fingerprint])
        #expect(findings[1].bytes == 32)
        // With possibly lost gating, the harness's record would be a target unless suppressed.
        var noise = attributed
        noise[3].suppressedBy = "rust-libtest-main-thread-handle"
        #expect(
            Bisection.targets(in: attributed, policy: Policy(gatingLeakKinds: [.definitelyLost, .possiblyLost])) == [
                findings[1].fingerprint, findings[3].fingerprint,
            ])
        #expect(
            Bisection.targets(in: noise, policy: Policy(gatingLeakKinds: [.definitelyLost, .possiblyLost])) == [
                findings[1].fingerprint
            ])
    }
}
