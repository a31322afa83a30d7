import Testing

@testable import LeakCheck

/// Colour decisions and styling helpers of `Console` (issue 10's console conventions).
@Suite struct ConsoleColourTests {
    @Test(arguments: [
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
