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
        (["--fail-on", "definite,sometimes"], "--fail-on: unknown kind 'sometimes' (use definite, indirect, possible, reachable or all)"),
        (["--json"], "--json needs a value"),
        (["parse"], "parse needs at least one log file"),
        (["frobnicate"], "unknown command 'frobnicate' (commands: all, valgrind, asan, lsan, parse, doctor, suppressions, merge, baseline, help)"),
        (["valgrind", "extra"], "unexpected argument 'extra' (put a command to run after --)"),
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

    @Test func suppressedFindingsGateOnlyWhenStrictAndOverBroad() {
        var f = leak(.definitelyLost)
        f.suppressedBy = "std_thread"
        f.suppressionOverBroad = true
        #expect(!Policy().gates(f))
        #expect(Policy(strictSuppressions: true).gates(f))
        f.suppressionOverBroad = false
        #expect(!Policy(strictSuppressions: true).gates(f))
    }

    @Test func exitCodes() {
        let p = Policy()
        let clean = RunResult(checker: .valgrind, executable: "a", arguments: [], findings: [leak(.possiblyLost)])
        let leaky = RunResult(checker: .valgrind, executable: "b", arguments: [], findings: [leak(.definitelyLost)])
        var cut = RunResult(checker: .valgrind, executable: "c", arguments: [])
        cut.incompleteReason = "valgrind XML ends before FINISHED status"
        #expect(p.outcome(of: p.evaluate([clean]), interrupted: false) == (.clean, 0))
        #expect(p.outcome(of: p.evaluate([clean, leaky]), interrupted: false) == (.findings, 1))
        #expect(p.outcome(of: p.evaluate([leaky, cut]), interrupted: false) == (.incomplete, 3))
        #expect(p.outcome(of: [], interrupted: false) == (.incomplete, 3))
        #expect(p.outcome(of: p.evaluate([clean]), interrupted: true) == (.incomplete, 130))
        #expect(Policy(gatingLeakKinds: [.possiblyLost]).outcome(of: Policy(gatingLeakKinds: [.possiblyLost]).evaluate([clean]), interrupted: false).1 == 1)
    }
}
