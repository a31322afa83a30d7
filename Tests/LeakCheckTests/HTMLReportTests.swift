import Foundation
import Testing

@testable import LeakCheck

@Suite(.serialized) struct HTMLReportTests {
    /// The captured leaking run with its paths moved onto the checked-in fixture
    /// crate (the run was made on a copy of it), so the source snippets come
    /// from files every checkout has.
    static func report() throws -> Report {
        let to = Paths.fixture("moq_ffi").path + "/"
        var report = try ReportFixtures.leak()
        for r in report.runs.indices {
            for i in report.runs[r].findings.indices {
                for j in report.runs[r].findings[i].stack.indices {
                    if let file = report.runs[r].findings[i].stack[j].file,
                        file.hasPrefix(ReportFixtures.leakRoot + "/moq_ffi/")
                    {
                        report.runs[r].findings[i].stack[j].file =
                            to + file.dropFirst((ReportFixtures.leakRoot + "/moq_ffi/").count)
                    }
                }
            }
        }
        return report
    }

    static func context() -> RenderContext {
        let root = Paths.fixture("moq_ffi").path + "/"
        let own = OwnCode(crateNames: ["moq_ffi", "errors", "lifecycle", "pubsub"], sourceRoots: [root])
        return RenderContext(
            policy: Policy(), selector: FrameSelector(isOwnCode: { own.contains($0) }), sourceRoots: [root],
            workspaceRoot: Paths.repoRoot.path)
    }

    static func chromium(_ args: [String]) throws -> ToolRun {
        let profile = try ScratchDir()
        return try ExternalTool.run(
            "chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.url.path)"] + args,
            install: "apt-get install -y chromium")
    }

    /// `data-figure="NAME" data-value="N"` pairs of a DOM dump.
    static func figures(_ dom: String) -> [String: Int] {
        var out: [String: Int] = [:]
        var rest = Substring(dom)
        while let r = rest.range(of: "data-figure=\"") {
            rest = rest[r.upperBound...]
            guard let q = rest.firstIndex(of: "\"") else { break }
            let name = String(rest[..<q])
            guard let v = rest.range(of: "data-value=\"") else { break }
            let digits = rest[v.upperBound...].prefix(while: \.isNumber)
            out[name] = Int(digits)
            rest = rest[v.upperBound...]
        }
        return out
    }

    @Test func isSelfContained() throws {
        let html = HTMLRenderer(path: "r.html").html(try Self.report(), context: Self.context())
        for external in ["src=", "href=", "@import", "url(", "<link", "<img", "<iframe", "<object", "<embed"] {
            #expect(!html.contains(external), "the page refers to something outside itself: \(external)")
        }
        let clean = HTMLRenderer(path: "r.html").html(
            try ReportFixtures.report("clean-valgrind-asan"), context: Self.context())
        #expect(clean.contains("<p id=\"gate\" class=\"gate clean\">✓ nothing fails the gate (exit 0)</p>"))
        #expect(clean.contains("<p class=\"clean\">No lost bytes.</p>"))
        #expect(!clean.contains("<svg"))
    }

    @Test func chromiumRendersTheFiguresOfTheReport() throws {
        let report = try Self.report()
        let scratch = try ScratchDir()
        let file = scratch.file("leakcheck-report.html")
        try HTMLRenderer(path: file).render(report, context: Self.context()).write(to: URL(fileURLWithPath: file))
        let dump = try Self.chromium(["--dump-dom", URL(fileURLWithPath: file).absoluteString])
        #expect(dump.status == 0, "chromium: \(dump.stderr)")
        let dom = dump.stdout
        // The inline script ran in the browser: it marks the body with the number of charts it wired.
        #expect(dom.contains("data-chart-ready=\"2\""))
        let figures = Self.figures(dom)
        // Two checkers: no row adds valgrind's and ASan's figures (it said 154 B for 77 B leaked).
        #expect(!figures.keys.contains { $0.hasPrefix("total-") })
        for c in [Checker.valgrind, .asan] {
            let ct = report.runs.filter { $0.checker == c }.reduce(Totals()) { $0 + $1.totals }
            // The captured figures themselves (EXPECTED.md: 77 definite + 88 indirect per checker).
            #expect(figures["\(c.rawValue)-definitely-lost-bytes"] == 77 && ct.definitelyLost.bytes == 77)
            #expect(figures["\(c.rawValue)-indirectly-lost-bytes"] == 88 && ct.indirectlyLost.bytes == 88)
            #expect(figures["\(c.rawValue)-suppressed-bytes"] == ct.suppressed.bytes)
            #expect(figures["\(c.rawValue)-errors"] == ct.errors)
            #expect(figures["\(c.rawValue)-runs"] == report.runs.filter { $0.checker == c }.count)
            // The chart draws every lost byte of the checker: 77 + 88.
            #expect(figures["\(c.rawValue)-chart-bytes"] == 165)
        }
        #expect(figures["distinct-findings"] == 5)
        // One section per cause, the same causes as the JSON, with their one-checker figures.
        let causes = report.causes
        #expect(figures["causes"] == causes.count && causes.count == 5)
        for (i, c) in causes.enumerated() {
            #expect(figures["cause-\(i)-bytes"] == c.bytes)
            #expect(figures["cause-\(i)-sites"] == c.sites.count)
        }
        #expect(dom.components(separatedBy: "<section class=\"cause\"").count - 1 == 5)
        // Own frames carry their source: the test line that leaked the error message.
        #expect(dom.contains("<span class=\"hit\"><i>74</i>"))
        // Five findings, each opened, each with its stack.
        #expect(dom.components(separatedBy: "<details class=\"finding gating\"").count - 1 == 5)
    }

    /// Click-to-zoom in the browser: zoomed on the subscriber test's frame (104 of
    /// valgrind's 165 bytes), it spans the chart and the other tests' frames are hidden.
    @Test func chromiumZoomsOnAFrame() throws {
        let scratch = try ScratchDir()
        let file = scratch.file("leakcheck-report.html")
        try HTMLRenderer(path: file).render(try Self.report(), context: Self.context()).write(
            to: URL(fileURLWithPath: file))
        let dump = try Self.chromium([
            "--dump-dom", URL(fileURLWithPath: file).absoluteString + "#zoom=icicle-valgrind:1",
        ])
        #expect(dump.status == 0, "chromium: \(dump.stderr)")
        let svg = try #require(
            dump.stdout.components(separatedBy: "id=\"icicle-valgrind\"").dropFirst().first?.components(
                separatedBy: "</svg>"
            ).first)
        let frames = svg.components(separatedBy: "<g class=").dropFirst()
        let zoomed = try #require(
            frames.first { $0.contains("data-label=\"lifecycle::leak_subscriber_with_child::{{closure}} (104 B)\"") })
        #expect(zoomed.contains("<rect x=\"0\""))
        #expect(zoomed.contains("width=\"1199\""))
        let hidden = frames.filter { $0.contains("display: none") }.count
        let others = frames.filter {
            $0.contains("data-label=\"errors::") || $0.contains("data-label=\"moq_ffi::tests::")
        }.count
        #expect(others == 4)
        #expect(hidden >= others)
        #expect(
            frames.filter {
                $0.contains("data-label=\"errors::leak_error_message (37 B)\"") && $0.contains("display: none")
            }.count == 1)
    }

    @Test func chromiumScreenshot() throws {
        let scratch = try ScratchDir()
        let file = scratch.file("leakcheck-report.html")
        try HTMLRenderer(path: file).render(try Self.report(), context: Self.context()).write(
            to: URL(fileURLWithPath: file))
        // Kept for a person to look at: LEAKCHECK_SCREENSHOT=/path/shot.png.
        let shot = ProcessInfo.processInfo.environment["LEAKCHECK_SCREENSHOT"] ?? scratch.file("shot.png")
        let run = try Self.chromium([
            "--screenshot=\(shot)", "--window-size=1300,1800", "--hide-scrollbars",
            URL(fileURLWithPath: file).absoluteString,
        ])
        #expect(run.status == 0, "chromium: \(run.stderr)")
        let png = try #require(FileManager.default.contents(atPath: shot))
        #expect(Array(png.prefix(4)) == [UInt8]([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func icicleBytesAddUpAndOwnFramesAreMarked() throws {
        let report = try Self.report()
        let leaks = report.runs.filter { $0.checker == .valgrind }.flatMap {
            $0.findings.filter { $0.suppressedBy == nil && $0.kind.isLeak }
        }
        let chart = IcicleChart(findings: leaks, selector: Self.context().selector)
        #expect(chart.root.bytes == 165)
        #expect(chart.root.blocks == 5)
        // The outermost frame past the harness is each test's own frame.
        #expect(
            chart.root.children.map { "\($0.name) \($0.bytes) \($0.isOwn)" }.sorted() == [
                "errors::leak_error_message::{{closure}} 37 true",
                "lifecycle::leak_subscriber_with_child::{{closure}} 104 true",
                "moq_ffi::tests::leak_client_never_destroyed::{{closure}} 24 true",
            ])
        let svg = chart.svg(id: "x")
        #expect(
            svg.contains(
                "<title>lifecycle::leak_subscriber_with_child::{{closure}}\n104 bytes in 3 blocks (63.0%)</title>"))
    }
}
