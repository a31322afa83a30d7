import Testing

@testable import LeakCheck

/// Colour decisions and styling helpers of `Console` (issue 10's console conventions).
@Suite struct ConsoleColourTests {
    @Test(
        arguments: [
            (true, [:], true),
            (false, [:], false),
            (true, ["NO_COLOR": "1"], false),
            // An empty NO_COLOR does not count (no-color.org).
            (true, ["NO_COLOR": ""], true),
            (false, ["CLICOLOR_FORCE": "1"], true),
            (false, ["CLICOLOR_FORCE": "0"], false),
            (false, ["CLICOLOR_FORCE": ""], false),
            (true, ["NO_COLOR": "1", "CLICOLOR_FORCE": "1"], false),
            (true, ["CLICOLOR": "0"], false),
            (false, ["CLICOLOR": "1"], false),
            (true, ["TERM": "dumb"], false),
            (false, ["TERM": "dumb", "CLICOLOR_FORCE": "1"], true),
        ] as [(Bool, [String: String], Bool)])
    func colourDecision(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(Console.colourEnabled(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test func stylingHelpers() {
        #expect(Console.paint("✗", [.red, .bold], enabled: true) == "\u{1B}[31;1m✗\u{1B}[0m")
        #expect(Console.paint("✗", [.red, .bold], enabled: false) == "✗")
        #expect(Console.paint("", [.red], enabled: true) == "")
        let forced = Console(environment: ["CLICOLOR_FORCE": "1"])
        #expect(forced.useColour && forced.useColourOnStderr)
        #expect(forced.cross == "\u{1B}[31;1m✗\u{1B}[0m")
        #expect(forced.check == "\u{1B}[32;1m✓\u{1B}[0m")
        #expect(forced.bang == "\u{1B}[33;1m!\u{1B}[0m")
        #expect(forced.bold("6 leaks") == "\u{1B}[1m6 leaks\u{1B}[0m")
        #expect(forced.paint("note", .dim) == "\u{1B}[2mnote\u{1B}[0m")
        let plain = Console(environment: ["NO_COLOR": "1", "CLICOLOR_FORCE": "1"])
        #expect(!plain.useColour && !plain.useColourOnStderr)
        #expect([plain.cross, plain.check, plain.bang, plain.bold("x")] == ["✗", "✓", "!", "x"])
    }
}

/// What a run that did not pass says last.
@Suite struct NextStepsTests {
    let console = Console(environment: ["NO_COLOR": "1"])
    let reports = [
        NextSteps.ReportFile("full stacks", "./valgrind-report.txt"), NextSteps.ReportFile("JSON", "out/leaks.json"),
        NextSteps.ReportFile("JUnit", "/tmp/leaks.xml"),
    ]

    @Test func cleanAndUsageSayNothing() {
        #expect(NextSteps.lines(exitCode: 0, reports: reports, console: console) == [])
        #expect(NextSteps.lines(exitCode: 2, reports: reports, console: console) == [])
    }

    @Test func findingsNameTheReportsAndTheNextStep() {
        #expect(
            NextSteps.lines(exitCode: 1, reports: reports, console: console) == [
                "reports: full stacks: ./valgrind-report.txt, JSON: ./out/leaks.json, JUnit: /tmp/leaks.xml",
                "next: fix the leaks shown above, or hide a known leak precisely: --gen-suppressions FILE",
            ])
        #expect(
            NextSteps.lines(
                exitCode: 1, reports: [], overBroadSuppressions: true, generatedSuppressions: "known.supp",
                console: console) == [
                    "next: a suppression hides a leak in the crate's own code: narrow it (--gen-suppressions FILE writes a precise entry), or pass --allow-broad-suppressions",
                    "next: fix the leaks, or review ./known.supp and pass it with --suppressions ./known.supp to hide the known ones",
                ])
    }

    /// A run failing on races or test failures alone is not told to fix leaks.
    @Test func findingsThatAreNotLeaksAreNotCalledLeaks() {
        #expect(
            NextSteps.lines(exitCode: 1, reports: [], leaksGate: false, console: console) == [
                "next: fix the findings shown above, or hide a known finding precisely: --gen-suppressions FILE"
            ])
    }

    @Test func incompleteAndInterrupted() {
        #expect(
            NextSteps.lines(exitCode: 3, reports: [reports[0]], console: console) == [
                "reports: full stacks: ./valgrind-report.txt",
                "next: the run is incomplete (reasons above); moq-leakcheck doctor shows what is missing",
            ])
        #expect(
            NextSteps.lines(exitCode: 130, reports: [], console: console) == [
                "next: the run was interrupted: run it again for a verdict"
            ])
        let coloured = NextSteps.lines(
            exitCode: 130, reports: [], console: Console(environment: ["CLICOLOR_FORCE": "1"]))
        #expect(coloured == ["\u{1B}[1mnext:\u{1B}[0m the run was interrupted: run it again for a verdict"])
    }
}
