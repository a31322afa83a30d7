import Foundation
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21, "Names are data": a function name, a path or a test name holding a
/// newline or ESC cannot start a GitHub workflow command or reach the terminal raw.
@Suite struct NamesAreDataTests {
    static let hostile = "leaky\n::error title=injected::x\r\u{1B}]0;pwned\u{07}\u{2028}::warning::y"

    static var report: Report {
        let leak = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 40, blocks: 1,
            message: "40 bytes in 1 blocks are definitely lost",
            stack: [
                Frame(function: "malloc"),
                Frame(function: "leak_forty" + hostile, file: "/ws/src/\(hostile).c", line: 7),
            ],
            test: "suite::" + hostile)
        var run = RunResult(
            checker: .valgrind, executable: "/ws/build/t" + hostile, arguments: [], test: "suite::" + hostile,
            findings: [leak])
        run.status = .findings
        return Verdict.decide(
            runs: [run], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
    }

    /// Lines where GitHub would see a workflow command (after blanks, as the runner trims them).
    static func commandLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter {
            let t = $0.drop(while: { $0 == " " || $0 == "\t" })
            return t.hasPrefix("::") || t.hasPrefix("##[")
        }
    }

    @Test func theConsoleSummaryProgressAndAnnotationsStartNoForeignCommand() throws {
        let dir = try ScratchDir()
        let outFD = open(dir.file("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let errFD = open(dir.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer {
            close(outFD)
            close(errFD)
        }
        let console = Console(
            verbosity: .normal, environment: ["GITHUB_ACTIONS": "true", "CLICOLOR_FORCE": "1"], output: outFD,
            errors: errFD)
        let report = Self.report
        let context = RenderContext(policy: Policy(), selector: FrameSelector(), workspaceRoot: "/ws")
        let annotations = GitHubAnnotations.annotations(report, context: context).lines
        #expect(!annotations.isEmpty)
        for line in annotations { console.annotation(line) }
        console.out(TextReport.summary(report, policy: Policy(), selector: FrameSelector(), colour: true))
        console.progress("valgrind: running \(report.runs[0].executable)")
        console.error("cmake build failed: \(Self.hostile)")
        let out = try String(contentsOfFile: dir.file("stdout"), encoding: .utf8)
        let err = try String(contentsOfFile: dir.file("stderr"), encoding: .utf8)
        // The annotations' own controls (ESC, BEL) are escaped too.
        #expect(Self.commandLines(out) == annotations.map(Console.field))
        #expect(Self.commandLines(err) == [])
        // The tool's own colours stay; no other ESC, BEL, CR or separator reaches the terminal.
        #expect(out.contains("\u{1B}["))
        for text in [out, err] {
            #expect(!text.contains("\u{1B}]") && !text.contains("\u{07}") && !text.contains("\r"))
            #expect(!text.unicodeScalars.contains { $0.value == 0x2028 })
        }
    }

    @Test func theTextReportStartsNoCommandAndCarriesNoControl() throws {
        let data = try TextReportRenderer(path: "/dev/null", checkers: [.valgrind], title: "Valgrind memcheck report")
            .render(Self.report, context: RenderContext(policy: Policy()))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("leak_forty"))
        #expect(Self.commandLines(text) == [])
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    @Test func aFieldIsOnePrintableLine() {
        #expect(Console.field("a\nb\r\u{1B}[2J\u{85}\u{2029}c") == "a\\nb\\r\\e[2J\\u{85}\\u{2029}c")
        #expect(Console.field("moq_ffi::tests::café") == "moq_ffi::tests::café")
        #expect(
            Console.neutralise("ok\n  ::error::x\n##[error]y\n\u{1B}[31mred\u{1B}[0m", keepStyles: true)
                == "ok\n\\  ::error::x\n\\##[error]y\n\u{1B}[31mred\u{1B}[0m")
    }

    /// The live build line: cargo's colours (CARGO_TERM_COLOR=always) dropped, any other escape shown.
    @Test func aBuildLogLineLosesItsColoursAndShowsOtherEscapes() {
        #expect(
            Console.withoutStyles("\u{1B}[1m\u{1B}[32m   Compiling\u{1B}[0m moq_ffi\u{1B}]0;t\u{07}")
                == "   Compiling moq_ffi\u{1B}]0;t\u{07}")
        #expect(Console.field(Console.withoutStyles("\u{1B}[32mok\u{1B}]0;t")) == "ok\\e]0;t")
    }

    /// The byte-level fast path never lets through what the slow path would change.
    @Test(arguments: [
        ("plain text\n  moq_ffi::tests::x at a::b (src/lib.rs:1)\n", true), ("café ✓ 漢字\n", true),
        ("x\u{85}y", false), ("x\u{9B}31m", false), ("x\u{2028}y", false), ("x\u{2029}y", false), ("a\rb", false),
        ("a\u{7F}", false), ("\t::error::x", false), ("a\n##[error]b", false), ("\u{1B}[2J", false),
    ])
    func theFastPathAgreesWithTheSlowOne(text: String, neutral: Bool) {
        #expect(Console.isNeutral(text) == neutral)
        #expect((Console.neutralise(text, keepStyles: false) == text) == neutral)
    }
}
