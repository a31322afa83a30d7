import Foundation
import Testing

@testable import LeakCheck

@Suite struct RunInterpreterTests {
    func outcome(exit: Int32? = 0, signal: Int32? = nil, timedOut: Bool = false, interrupted: Bool = false)
        -> ProcessOutcome
    {
        ProcessOutcome(
            exitCode: exit, signal: signal, timedOut: timedOut, interrupted: interrupted, durationSeconds: 0.1)
    }
    var finishedXML: CheckerOutput { CheckerOutput(format: .valgrindXML) }

    @Test func missingValgrindOutputIsNeverClean() {
        let r = RunInterpreter.interpret(
            RunEvidence(checker: .valgrind, executable: "t", arguments: [], outcome: outcome(), outputs: []))
        #expect(Policy().status(of: r) == .incomplete)
        #expect(r.incompleteReason == "valgrind wrote no XML output")
    }

    @Test func truncatedOutputIsIncompleteButKeepsFindings() {
        var o = finishedXML
        o.complete = false
        o.incompleteReason = "valgrind XML ends before FINISHED status"
        o.findings = [Finding(kind: .possiblyLost, rawKind: "Leak_PossiblyLost", bytes: 48, blocks: 1, message: "")]
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .valgrind, executable: "t", arguments: [], outcome: outcome(exit: nil, signal: 9), outputs: [o]
            ))
        #expect(Policy().status(of: r) == .incomplete)
        #expect(r.findings.contains { $0.kind == .possiblyLost })
        #expect(r.signal == "SIGKILL")
    }

    @Test func timeoutIsIncompleteWithReason() {
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .valgrind, executable: "t", arguments: [],
                outcome: outcome(exit: nil, signal: 15, timedOut: true), outputs: [finishedXML], timeout: 2))
        #expect(Policy().status(of: r) == .incomplete && r.timedOut)
        #expect(r.incompleteReason == "timed out after 2 s")
        #expect(!r.findings.contains { $0.kind == .fatalSignal })
    }

    @Test func theToolsOwnSignalOfATimedOutRunIsNotACrash() {
        // valgrind writes <fatal_signal> SIGTERM for the supervisor's own SIGTERM.
        var o = finishedXML
        o.fatalSignal = "SIGTERM"
        o.findings = [
            Finding(
                kind: .fatalSignal, rawKind: "SIGTERM", message: "Process terminating with default action of signal 15"),
            Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: ""),
        ]
        let ours = ProcessOutcome(
            exitCode: nil, signal: 15, timedOut: true, interrupted: false, durationSeconds: 2, signalsSent: [15])
        let r = RunInterpreter.interpret(
            RunEvidence(checker: .valgrind, executable: "t", arguments: [], outcome: ours, outputs: [o], timeout: 2))
        #expect(r.findings.map(\.kind) == [.definitelyLost])
        #expect(r.signal == nil)
        #expect(Policy().status(of: r) == .incomplete)
        #expect(r.incompleteReason == "timed out after 2 s")
        // The same report when nobody sent the signal is a crash.
        let theirs = ProcessOutcome(exitCode: nil, signal: 15, timedOut: false, interrupted: false, durationSeconds: 2)
        let crash = RunInterpreter.interpret(
            RunEvidence(checker: .valgrind, executable: "t", arguments: [], outcome: theirs, outputs: [o]))
        #expect(crash.findings.map(\.kind) == [.fatalSignal, .definitelyLost])
        #expect(crash.signal == "SIGTERM")
    }

    @Test func aFailedWaitIsIncompleteNeverExitZero() {
        let failed = ProcessOutcome(
            exitCode: nil, signal: nil, timedOut: false, interrupted: false, durationSeconds: 0.1, waitError: "ECHILD")
        let r = RunInterpreter.interpret(
            RunEvidence(checker: .valgrind, executable: "t", arguments: [], outcome: failed, outputs: [finishedXML]))
        #expect(Policy().status(of: r) == .incomplete)
        #expect(r.incompleteReason == "cannot tell how the program ended: ECHILD")
    }

    @Test func failingLibtestTestsAreFindingsNamedByTest() {
        let out = """
            running 3 tests
            test a ... ok
            test b ... FAILED
            test c ... FAILED

            failures:
            test result: FAILED. 1 passed; 2 failed; 0 ignored
            """
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .valgrind, executable: "t", arguments: [], outcome: outcome(exit: 101), outputs: [finishedXML],
                programOutput: out, isLibtest: true))
        #expect(Policy().status(of: r) == .findings)
        #expect(r.failedTests == ["b", "c"])
        #expect(r.findings.map(\.test) == ["b", "c"])
        #expect(r.findings.allSatisfy { $0.kind == .testFailure })
    }

    @Test func nonZeroExitWithoutExplanationIsAFinding() {
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .valgrind, executable: "t", arguments: [], outcome: outcome(exit: 3), outputs: [finishedXML]))
        #expect(r.findings.map(\.message) == ["program exited with status 3"])
    }

    @Test func sanitizerExitCodeIsExplainedByItsReport() {
        var log = CheckerOutput(format: .sanitizer)
        log.findings = [Finding(kind: .definitelyLost, rawKind: "Direct leak", bytes: 24, blocks: 1, message: "")]
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .lsan, executable: "t", arguments: [], test: "leak_x", outcome: outcome(exit: 23),
                outputs: [log], programOutput: "test result: ok.", isLibtest: true, sanitizerExitCode: 23))
        #expect(r.findings.count == 1)
        #expect(r.findings[0].test == "leak_x")
        // The same exit code with no report is unexplained: a failure.
        let bare = RunInterpreter.interpret(
            RunEvidence(
                checker: .lsan, executable: "t", arguments: [], outcome: outcome(exit: 23), outputs: [],
                isLibtest: true, sanitizerExitCode: 23))
        #expect(bare.findings.map(\.kind) == [.testFailure])
    }

    @Test func signalBecomesFatalSignalFindingOnce() {
        let r = RunInterpreter.interpret(
            RunEvidence(
                checker: .asan, executable: "t", arguments: [], outcome: outcome(exit: nil, signal: 6), outputs: []))
        #expect(r.findings.map(\.kind) == [.fatalSignal])
        #expect(r.signal == "SIGABRT")
        var o = finishedXML
        o.fatalSignal = "SIGSEGV"
        o.findings = [Finding(kind: .fatalSignal, rawKind: "SIGSEGV", message: "")]
        let vg = RunInterpreter.interpret(
            RunEvidence(
                checker: .valgrind, executable: "t", arguments: [], outcome: outcome(exit: nil, signal: 11),
                outputs: [o]))
        #expect(vg.findings.filter { $0.kind == .fatalSignal }.count == 1)
        #expect(Policy().status(of: vg) == .findings)
    }
}

@Suite struct CargoMessagesTests {
    @Test func discoversEveryTestExecutableFromRealMessages() throws {
        let text = try Paths.fixtureText("cargo/cargo-test-no-run-default.jsonl")
        let m = CargoBuildMessages.parse(text)
        #expect(m.success == true)
        #expect(Set(m.executables.map(\.targetName)) == ["moq_ffi", "errors", "lifecycle", "pubsub"])
        #expect(m.executables.allSatisfy { $0.path.contains("/target/debug/deps/") })
        #expect(m.packages.keys.contains("moq_ffi"))
    }

    @Test func failedBuildIsReadAsFailure() throws {
        let m = CargoBuildMessages.parse(try Paths.fixtureText("cargo/cargo-test-no-run-broken-build.jsonl"))
        #expect(m.success == false)
        #expect(m.executables.isEmpty)
    }

    @Test func packageNamesFromEveryIDForm() {
        #expect(CargoBuildMessages.packageName(fromID: "path+file:///x/moq_ffi#0.1.0") == "moq_ffi")
        #expect(CargoBuildMessages.packageName(fromID: "path+file:///x/dir#moq_ffi@0.1.0") == "moq_ffi")
        #expect(CargoBuildMessages.packageName(fromID: "moq_ffi 0.1.0 (path+file:///x)") == "moq_ffi")
    }

    @Test func libtestListingAndVerdicts() {
        #expect(LibtestListing.parseTerse("a: test\nb::c: test\nbench_x: bench\n") == ["a", "b::c"])
        #expect(
            RustcInfo.hostTriple(fromVerboseVersion: "rustc 1.95.0\nhost: x86_64-unknown-linux-gnu\n")
                == "x86_64-unknown-linux-gnu")
        #expect(LibtestListing.resultLine(in: "x\ntest result: ok. 3 passed\n") == "test result: ok. 3 passed")
    }

    @Test func sanitizerOptionsKeepTheUsersButNotLogPath() {
        let merged = SanitizerOptions.merge(
            ours: [("detect_leaks", "1"), ("log_path", "/r/asan-report")],
            user: "detect_leaks=0:log_path=/tmp/x:verbosity=1")
        // detect_leaks=0 would switch the gate off: it is dropped and reported, the rest is kept.
        #expect(merged.options == "detect_leaks=1:log_path=/r/asan-report:verbosity=1")
        #expect(merged.overridden == ["detect_leaks=0", "log_path=/tmp/x"])
        let respected = SanitizerOptions.merge(
            ours: [("detect_leaks", "1"), ("exitcode", "23")], user: "exitcode=0:detect_leaks=1", respectUser: true)
        #expect(respected.options == "detect_leaks=1:exitcode=23:exitcode=0")
        #expect(respected.overridden == ["exitcode=0"])
    }

    @Test func featureLabels() {
        #expect(FeatureSelection().label == "default")
        #expect(FeatureSelection(features: ["with_moq"]).cargoArguments == ["--features", "with_moq"])
        #expect(FeatureSelection(allFeatures: true).label == "all-features")
    }
}

@Suite struct EngineLogicTests {
    @Test func residualKeepsOnlyGatingFindingsNoTestReproduced() {
        let a = Finding(
            kind: .definitelyLost, rawKind: "", bytes: 8, blocks: 1, message: "", stack: [Frame(function: "a")])
        let b = Finding(
            kind: .definitelyLost, rawKind: "", bytes: 16, blocks: 1, message: "", stack: [Frame(function: "b")])
        let noise = Finding(
            kind: .possiblyLost, rawKind: "", bytes: 48, blocks: 1, message: "", stack: [Frame(function: "c")])
        let whole = RunResult(checker: .valgrind, executable: "t", arguments: [], findings: [a, b, noise])
        let perTest = [RunResult(checker: .valgrind, executable: "t", arguments: [], test: "x", findings: [a])]
        let residual = Scheduler.residual(of: whole, notIn: perTest, policy: Policy())
        #expect(residual?.findings == [b])
        #expect(residual?.totals.definitelyLost == Tally(bytes: 16, blocks: 1))
        #expect(
            Scheduler.residual(
                of: whole,
                notIn: perTest + [RunResult(checker: .valgrind, executable: "t", arguments: [], findings: [b])],
                policy: Policy()) == nil)
    }

    @Test func logFormatsAreDetectedFromTheirFirstBytes() {
        #expect(LogRecognizer.recognize(prefix: Data("<?xml version=\"1.0\"?>\n<valgrindoutput>".utf8)) == .valgrindXML)
        #expect(
            LogRecognizer.recognize(prefix: Data("==1== Memcheck, a memory error detector\n".utf8)) == .valgrindText)
        #expect(
            LogRecognizer.recognize(prefix: Data("==7==ERROR: LeakSanitizer: detected memory leaks".utf8)) == .sanitizer
        )
        #expect(LogRecognizer.recognize(prefix: Data("hello world".utf8)) == nil)
        // Prose that names a sanitizer is not a sanitizer log.
        #expect(LogRecognizer.recognize(prefix: Data("Run it under AddressSanitizer to find leaks.\n".utf8)) == nil)
    }

    @Test func summaryUsesTheGuidesVoice() {
        let clean = Verdict.decide(
            runs: [RunResult(checker: .valgrind, executable: "t", arguments: [])], suppressions: [], policy: Policy(),
            diagnostics: Diagnostics(), interrupted: false)
        #expect(
            TextReport.summary(clean, policy: Policy(), selector: FrameSelector()).hasPrefix(
                "✓ Valgrind: No memory leaks detected"))
        let leak = Finding(
            kind: .definitelyLost, rawKind: "", bytes: 1040, blocks: 3, message: "",
            stack: [Frame(function: "malloc"), Frame(function: "moq_connect", file: "src/lib.rs", line: 7)], test: "t1")
        var run = RunResult(checker: .valgrind, executable: "t", arguments: [], findings: [leak])
        run.status = .findings
        let text = TextReport.summary(
            Verdict.decide(
                runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false),
            policy: Policy(), selector: FrameSelector())
        #expect(text.contains("✗ Valgrind: memory leaks detected"))
        #expect(text.contains("definitely lost: 1,040 bytes in 3 blocks"))
        #expect(text.contains("  ✗ 1,040 bytes in 3 blocks definitely lost from moq_connect (lib.rs:7) — 1 call site in 1 test"))
        #expect(!text.contains("at malloc"))
    }
}
