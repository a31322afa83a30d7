import Foundation
import Testing

@testable import LeakCheck

/// Every sum saturates in every renderer too: a hostile log whose record says
/// `<leakedbytes>9223372036854775807</leakedbytes>` (twice, in two checkers'
/// runs, each counted `Int.max` times, at line `Int.max`) renders everywhere
/// instead of trapping, and the figures it shows are clamped at `Int.max`.
@Suite struct RendererSaturationTests {
    static func hostile() -> Report {
        func leak(_ i: Int) -> Finding {
            var f = Finding(
                kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: .max, blocks: .max, indirectBytes: .max,
                message: "",
                stack: [
                    Frame(function: "malloc", file: "vg_replace_malloc.c", line: .max),
                    Frame(function: "moq_ffi::make\(i)", file: "/ws/moq_ffi/src/lib.rs", line: .max),
                    Frame(function: "tests::t", file: "/ws/moq_ffi/src/tests.rs", line: .max),
                ], test: "tests::t")
            f.count = .max
            f.boundary = Boundary(
                function: "moq_connect", file: "/ws/moq_ffi/src/lib.rs", line: .max,
                caller: CodeLocation(function: "tests::t", file: "/ws/moq_ffi/src/tests.rs", line: .max),
                release: "moq_free_str")
            return f
        }
        var runs: [RunResult] = []
        for checker in [Checker.valgrind, .asan] {
            var r = RunResult(
                checker: checker, executable: "/ws/target/debug/deps/moq_ffi-0123456789abcdef", arguments: [],
                findings: [leak(1), leak(1), leak(2)])
            r.durationSeconds = Double(Int.max)
            runs.append(r)
        }
        return Verdict.decide(
            runs: runs, suppressions: [SuppressionUsage(name: "s", source: "s.supp:1", count: .max, bytes: .max)],
            policy: Policy(), diagnostics: Diagnostics(), interrupted: false,
            ownCode: OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/ws/moq_ffi/"]))
    }

    static let context = RenderContext(
        policy: Policy(), selector: FrameSelector(roots: ["/ws/"]), reportDir: "out", sourceRoots: ["/ws/moq_ffi/"],
        workspaceRoot: "/ws")

    static let renderers: [any ReportRenderer] = [
        TextReportRenderer(path: "valgrind-report.txt", checkers: [.valgrind, .asan], title: "t"),
        JSONReportRenderer(path: "r.json"), JUnitRenderer(path: "j.xml"), SARIFRenderer(path: "r.sarif"),
        HTMLRenderer(path: "r.html"), StepSummaryRenderer(path: "s.md"),
    ]

    @Test(arguments: 0..<renderers.count)
    func rendersAtIntMax(index: Int) throws {
        let report = Self.hostile()
        let data = try Self.renderers[index].render(report, context: Self.context)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.isEmpty)
        // The clamped figure is what is shown, never a wrapped negative one.
        #expect(text.contains(Figures.grouped(Int.max)) || text.contains(String(Int.max)), "\(Self.renderers[index].name)")
        #expect(!text.contains("-9,223,372,036,854,775") && !text.contains("-9223372036854775"))
    }

    @Test func consoleAndAnnotationsAtIntMax() {
        let report = Self.hostile()
        let summary = TextReport.summary(report, policy: Policy(), selector: FrameSelector())
        #expect(summary.contains("\(Figures.grouped(Int.max)) bytes in \(Figures.grouped(Int.max)) blocks definitely lost"))
        let annotations = GitHubAnnotations.annotations(report, context: Self.context)
        #expect(!annotations.lines.isEmpty)
        #expect(report.causes.allSatisfy { $0.bytes == .max && $0.sites.allSatisfy { $0.bytes == .max } })
    }
}
