import Testing

@testable import LeakCheck

@Suite struct OptionsTests {
    @Test func defaultsToAllWithDefaultPolicy() throws {
        let o = try Options.parse([])
        #expect(o.subcommand == .all)
        #expect(!o.explicitSubcommand)
        #expect(o.subcommand.checkers == [.valgrind, .asan])
        #expect(o.failOn == [.definitelyLost, .indirectlyLost])
        #expect(o.reportDir == ".")
    }

    @Test func parsesCheckerOptionsAndCommand() throws {
        let o = try Options.parse([
            "valgrind", "--manifest-path", "x/Cargo.toml", "--features", "a,b", "--no-default-features",
            "--suppressions", "one.supp", "--suppressions=two.supp", "--json", "r.json", "--jobs", "3",
            "--timeout", "2.5", "--fail-on", "definite,indirect,possible", "--feature-set", "with_moq",
            "--", "./prog", "--flag",
        ])
        #expect(o.subcommand == .valgrind && o.explicitSubcommand)
        #expect(o.manifestPath == "x/Cargo.toml")
        #expect(o.baseFeatures == FeatureSelection(features: ["a", "b"], noDefaultFeatures: true))
        #expect(o.suppressionFiles == ["one.supp", "two.supp"])
        #expect(o.jsonPath == "r.json")
        #expect(o.jobs == 3)
        #expect(o.timeout == 2.5)
        #expect(o.failOn == [.definitelyLost, .indirectlyLost, .possiblyLost])
        #expect(o.featureSets.map(\.label) == ["no-default+a+b", "with_moq"])
        #expect(o.command == ["./prog", "--flag"])
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus' (see --help)"),
        (["--jobs", "0"], "--jobs needs a whole number ≥ 1, got '0'"),
        (["--timeout", "soon"], "--timeout needs a number of seconds > 0, got 'soon'"),
        (
            ["--fail-on", "definite,sometimes"],
            "--fail-on: unknown kind 'sometimes' (use definite, indirect, possible, reachable or all)"
        ),
        (["--json"], "--json needs a value"),
        (["parse"], "parse needs at least one log file"),
        (
            ["frobnicate"],
            "unknown command 'frobnicate' (commands: all, valgrind, asan, lsan, quick, helgrind, tsan, parse, doctor, suppressions, merge, baseline, help)"
        ),
        (["doctor", "extra"], "unexpected argument 'extra' (put a command to run after --)"),
        (["--toolchain", "beta"], "--toolchain takes nightly or stable, got 'beta'"),
        (["-v", "-q"], "--verbose and --quiet cannot be used together"),
    ])
    func usageErrorsAreOneLine(args: [String], message: String) {
        let error = #expect(throws: UsageError.self) { try Options.parse(args) }
        #expect(error?.message == message)
    }

    @Test func parseTakesFiles() throws {
        let o = try Options.parse(["parse", "a.xml", "b.log", "--json", "x.json"])
        #expect(o.subcommand == .parse)
        #expect(o.positional == ["a.xml", "b.log"])
    }
}

@Suite struct PolicyTests {
    func leak(_ kind: FindingKind, _ bytes: Int = 8) -> Finding {
        Finding(kind: kind, rawKind: "", bytes: bytes, blocks: 1, message: "")
    }

    @Test func defaultGatesDefiniteIndirectAndEveryError() {
        let p = Policy()
        #expect(p.gates(leak(.definitelyLost)))
        #expect(p.gates(leak(.indirectlyLost)))
        #expect(!p.gates(leak(.possiblyLost)))
        #expect(p.warns(leak(.possiblyLost)))
        #expect(!p.gates(leak(.stillReachable)))
        #expect(p.gates(Finding(kind: .invalidRead, rawKind: "InvalidRead", message: "")))
        #expect(p.gates(Finding(kind: .testFailure, rawKind: "", message: "")))
    }

    /// Whether a match suppresses is decided by `SuppressionApplier`; the policy
    /// never gates a suppressed finding, and an over-broad match that did not
    /// suppress gates like any finding of its kind.
    @Test func suppressedFindingsNeverGateOverBroadMatchesDo() {
        var f = leak(.definitelyLost)
        f.suppressedBy = "std_thread"
        f.suppressionOverBroad = true
        #expect(!Policy().gates(f))
        var shown = leak(.definitelyLost)
        shown.overBroadSuppression = OverBroadSuppression(name: "std_thread", source: "g.supp:18")
        #expect(Policy().gates(shown))
    }

    @Test func aTimedOutRunIsNeverTrustedEvenWithoutAReason() {
        var r = RunResult(checker: .valgrind, executable: "t", arguments: [])
        #expect(Policy().status(of: r) == .clean)
        r.timedOut = true
        #expect(Policy().status(of: r) == .incomplete)
        r.timedOut = false
        r.incompleteReason = "valgrind XML ends before FINISHED"
        #expect(Policy().status(of: r) == .incomplete)
    }

    @Test func exitCodes() {
        let p = Policy()
        let clean = RunResult(checker: .valgrind, executable: "a", arguments: [], findings: [leak(.possiblyLost)])
        let leaky = RunResult(checker: .valgrind, executable: "b", arguments: [], findings: [leak(.definitelyLost)])
        var cut = RunResult(checker: .valgrind, executable: "c", arguments: [])
        cut.incompleteReason = "valgrind XML ends before FINISHED status"
        func decided(
            _ runs: [RunResult], _ policy: Policy = Policy(), problems: [String] = [], interrupted: Bool = false
        ) -> (RunStatus, Int32) {
            let d = Diagnostics()
            for p in problems { d.incomplete(p) }
            let r = Verdict.decide(
                runs: runs, suppressions: [], policy: policy, diagnostics: d, interrupted: interrupted)
            return (r.status, r.exitCode)
        }
        #expect(decided([clean], p) == (.clean, 0))
        #expect(decided([clean, leaky], p) == (.findings, 1))
        #expect(decided([leaky, cut], p) == (.incomplete, 3))
        #expect(decided([], p) == (.incomplete, 3))
        #expect(decided([clean], p, interrupted: true) == (.incomplete, 130))
        #expect(decided([clean], Policy(gatingLeakKinds: [.possiblyLost])) == (.findings, 1))
        // A recorded problem (an output not written) makes a clean run incomplete.
        #expect(decided([clean], p, problems: ["cannot write /x/report.json: Is a directory"]) == (.incomplete, 3))
    }
}

/// Test selection as `cargo test` spells it.
@Suite struct TestSelectionOptionsTests {
    @Test func bareWordsAfterACheckerAreFilters() throws {
        let o = try Options.parse(["valgrind", "connect", "--skip", "slow", "--exact", "--lib", "--test", "errors", "x"])
        #expect(o.selection.filters == ["connect", "x"])
        #expect(o.selection.skips == ["slow"])
        #expect(o.selection.exact)
        #expect(o.selection.cargoArguments == ["--lib", "--test", "errors"])
        #expect(try Options.parse(["all", "pubsub"]).selection.filters == ["pubsub"])
    }

    @Test func selectionIsRefusedWhereItCannotApply() {
        #expect(throws: UsageError.self) { try Options.parse(["valgrind", "x", "--", "/bin/true"]) }
        #expect(throws: UsageError.self) { try Options.parse(["valgrind", "--exact"]) }
        #expect(throws: UsageError.self) { try Options.parse(["valgrind", "--skip"]) }
        // A bare word before any command is still a (mistyped) command.
        #expect(throws: UsageError.self) { try Options.parse(["valgrnd"]) }
    }

    @Test func libtestSemantics() {
        let sub = TestSelection(filters: ["client"], skips: ["leak"])
        #expect(sub.includes("tests::client_create_destroy"))
        #expect(!sub.includes("tests::leak_client_never_destroyed"), "a --skip match wins over a filter match")
        #expect(!sub.includes("pubsub"))
        let exact = TestSelection(filters: ["client_lifecycle"], exact: true)
        #expect(exact.includes("client_lifecycle"))
        #expect(!exact.includes("client_lifecycle_2"))
        #expect(TestSelection(skips: ["a"]).includes("b"), "skips alone keep everything else")
        #expect(TestSelection().includes("anything"))
        #expect(exact.libtestArguments == ["client_lifecycle", "--exact"])
        #expect(TestSelection(skips: ["x", "y"]).libtestArguments == ["--skip", "x", "--skip", "y"])
    }
}
