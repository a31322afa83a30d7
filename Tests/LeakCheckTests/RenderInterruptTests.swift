import Foundation
import Testing

@testable import LeakCheck

/// Issue 21, rendering: a signal while a large report is rendered stops the
/// renderer at work (`RenderInterrupted`), and an interrupted report is rendered
/// in a bounded form (`RenderContext.interruptedListing`) that states what it
/// left out, with the totals, verdict and exit code whole. The stop is simulated
/// with `Cancellation.$requestedInTask`, which no other test sees.
@Suite struct RenderInterruptTests {
    static let findingCount = 1500
    static let frameCount = 48

    /// 1,500 definitely-lost leaks of 8 bytes, 48 distinct frames each, in two runs.
    static func bigReport(interrupted: Bool = false) -> Report {
        func finding(_ k: Int) -> Finding {
            let stack = (0..<frameCount).map { j in
                Frame(function: "f\(k)_\(j)", file: "/src/a.c", line: j + 1, object: "/bin/prog")
            }
            return Finding(
                kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1,
                message: "8 bytes in 1 blocks are definitely lost", stack: stack)
        }
        let half = findingCount / 2
        let runs = [0, 1].map { r in
            RunResult(
                checker: .valgrind, executable: "/bin/prog\(r)", arguments: [], status: .findings, exitCode: 0,
                findings: (r * half..<(r + 1) * half).map(finding))
        }
        return Report(runs: runs, failOn: Policy.defaultLeakKinds.sorted(), interrupted: interrupted)
    }

    static let context = RenderContext(policy: Policy(), reportDir: "/tmp/out")

    static func renderers(in dir: String) -> [any ReportRenderer] {
        [
            TextReportRenderer(path: dir + "/valgrind-report.txt", checkers: [.valgrind], title: "Valgrind"),
            JSONReportRenderer(path: dir + "/report.json"),
            JUnitRenderer(path: dir + "/junit.xml"),
            SARIFRenderer(path: dir + "/report.sarif"),
            HTMLRenderer(path: dir + "/report.html"),
            StepSummaryRenderer(path: dir + "/summary.md"),
            GeneratedSuppressionsRenderer(
                path: dir + "/gen.supp", format: .valgrind, ownCode: OwnCode(crateNames: [], sourceRoots: [])),
        ]
    }

    static let sentence =
        "interrupted: 200 of 1,500 findings listed, stacks cut at 16 frames; the totals count them all"

    @Test(arguments: 0..<7)
    func aRendererStopsWhenAStopIsRequested(index: Int) throws {
        let report = Self.bigReport()
        let renderer = Self.renderers(in: "/tmp/unused")[index]
        Cancellation.$requestedInTask.withValue(true) {
            #expect(throws: RenderInterrupted.self, "\(renderer.name)") {
                _ = try renderer.render(report, context: Self.context)
            }
        }
    }

    @Test(arguments: 0..<7)
    func anInterruptedReportIsRenderedBoundedAndSaysSo(index: Int) throws {
        let renderer = Self.renderers(in: "/tmp/unused")[index]
        let whole = try renderer.render(Self.bigReport(interrupted: false), context: Self.context)
        // Still requested: the bounded form is never polled, so it is written whatever the flag.
        let bounded = try Cancellation.$requestedInTask.withValue(true) {
            try renderer.render(Self.bigReport(interrupted: true), context: Self.context)
        }
        let text = String(decoding: bounded, as: UTF8.self)
        #expect(text.contains(Self.sentence), "\(renderer.name): \(text.prefix(600))")
        // The listing is cut: a fifth of the whole at most (200 of 1,500 findings, 16 of 48 frames);
        // the step summary lists ten causes whatever the report.
        if !(renderer is StepSummaryRenderer) {
            #expect(bounded.count * 5 < whole.count, "\(renderer.name): \(bounded.count) of \(whole.count) bytes")
        }
    }

    @Test func theJSONOfAnInterruptedReportListsTheFirstFindingsWithWholeTotals() throws {
        let report = Self.bigReport(interrupted: true)
        let data = try JSONReportRenderer(path: "/tmp/unused").render(report, context: Self.context)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["interrupted"] as? Bool == true)
        #expect(json["exitCode"] as? Int == 130)
        let totals = try #require(json["totals"] as? [String: Any])
        let lost = try #require(totals["definitelyLost"] as? [String: Int])
        #expect(lost["bytes"] == 8 * Self.findingCount && lost["blocks"] == Self.findingCount)
        let runs = try #require(json["runs"] as? [[String: Any]])
        let listed = runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
        #expect(listed.count == 200)
        #expect(listed.allSatisfy { ($0["stack"] as? [Any])?.count == 16 })
        // Each run states its own whole totals, listed or not.
        for run in runs {
            let t = (run["totals"] as? [String: Any])?["definitelyLost"] as? [String: Int]
            #expect(t?["blocks"] == Self.findingCount / 2)
        }
        let listing = try #require(json["listing"] as? [String: Int])
        #expect(listing["findings"] == Self.findingCount && listing["listedFindings"] == 200)
        #expect((json["notes"] as? [String])?.contains(Self.sentence) == true)
        // Still schemaVersion 1: it reads back, interrupted.
        let back = try JSONDecoder().decode(Report.self, from: data)
        #expect(back.interrupted && back.exitCode == 130)
    }

    @Test func theHTMLOfAnInterruptedReportKeepsItsTotalsWhole() throws {
        let page = HTMLRenderer(path: "/tmp/unused").html(Self.bigReport(interrupted: true), context: Self.context)
        #expect(page.contains("data-figure=\"total-definitely-lost-bytes\" data-value=\"\(8 * Self.findingCount)\""))
        #expect(page.contains("data-listed-findings=\"200\" data-findings=\"1500\""))
        #expect(page.components(separatedBy: "<details class=\"finding").count - 1 == 200)
    }

    @Test func theJUnitOfAnInterruptedReportKeepsEveryOutcomeAndCountsWhatItLeftOut() throws {
        let xml = JUnitRenderer.xml(
            Self.bigReport(interrupted: true), policy: Policy(), listings: [:],
            listing: InterruptedListing(Self.bigReport(interrupted: true), limit: ListingLimit()))
        // Each run is still one failing testcase, plus the verdict's error.
        #expect(xml.contains("<testsuites name=\"moq-leakcheck\" tests=\"3\" failures=\"2\" errors=\"1\""))
        #expect(xml.contains("… and 550 more findings, not listed (interrupted)"))
        #expect(xml.contains("… and 750 more findings, not listed (interrupted)"))
    }

    @Test func thePipelineRendersEveryOutputAgainBoundedAndInterruptedWhenAStopComes() throws {
        let dir = try ScratchDir()
        let renderers = Self.renderers(in: dir.url.path)
        let report = Self.bigReport()
        var decisions = 0
        let result = Cancellation.$requestedInTask.withValue(true) {
            OutputPipeline.write(
                renderers,
                decide: { _ in
                    decisions += 1
                    return report  // a stop without a signal: the pipeline marks it interrupted itself
                }, context: Self.context)
        }
        #expect(result.errors.isEmpty)
        #expect(result.report.interrupted && result.report.exitCode == 130)
        #expect(decisions >= 2)
        for r in renderers {
            let text = try String(contentsOfFile: r.path, encoding: .utf8)
            #expect(text.contains(Self.sentence), "\(r.name)")
            #expect(text.count < 2_500_000, "\(r.name): \(text.count) characters")
        }
        let json = try JSONDecoder().decode(
            Report.self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("report.json"))))
        #expect(json.interrupted && json.exitCode == 130)
        #expect(json.totals.definitelyLost.blocks == 200)  // read back: the listed findings
        // Nothing but the outputs: no staged temporary file is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    /// The bounded SARIF (stacks without code flows, a notification saying what is
    /// listed) is still SARIF 2.1.0.
    @Test func theSARIFOfAnInterruptedReportValidatesAgainstTheSchema() throws {
        var report = try ReportFixtures.leak()
        report.interrupted = true
        let data = try SARIFRenderer(path: "x.sarif").render(report, context: ReportFixtures.context())
        #expect(String(decoding: data, as: UTF8.self).contains("findings listed"))
        let v = try SARIFReportTests.validate(data)
        #expect(v.status == 0, "schema errors:\n\(v.stdout)\(v.stderr)")
    }

    /// A renderer that saw a signal while listing (it throws `RenderInterrupted`)
    /// once; an interrupted report it renders.
    struct StopsWhileListing: ReportRenderer {
        var path: String
        var name: String { "stops while listing" }
        func render(_ report: Report, context: RenderContext) throws -> Data {
            guard report.interrupted else { throw RenderInterrupted() }
            return Data("interrupted\n".utf8)
        }
    }

    @Test func aRendererThatStopsIsNotAWriteFailureAndEveryOutputIsRenderedAgainBounded() throws {
        let dir = try ScratchDir()
        let renderers = [StopsWhileListing(path: dir.file("first.txt"))] + Self.renderers(in: dir.url.path)
        let result = OutputPipeline.write(renderers, decide: { _ in Self.bigReport() }, context: Self.context)
        #expect(result.errors.isEmpty)
        #expect(result.report.interrupted && result.report.exitCode == 130)
        #expect(result.report.incompleteReasons.isEmpty)
        #expect(try String(contentsOfFile: dir.file("first.txt"), encoding: .utf8) == "interrupted\n")
        for r in renderers.dropFirst() {
            let text = try String(contentsOfFile: r.path, encoding: .utf8)
            #expect(text.contains(Self.sentence), "\(r.name)")
        }
    }

    /// SARIF is serialised result by result (so it can be polled): the bytes are
    /// the ones one `JSONSerialization` call gives.
    @Test func sarifSerialisedByResultIsTheWholeSerialisation() throws {
        for report in [try ReportFixtures.leak(), Self.bigReport()] {
            let log = SARIFRenderer.log(report, context: ReportFixtures.context())
            let whole = try JSONSerialization.data(withJSONObject: log, options: SARIFRenderer.writingOptions)
            #expect(try SARIFRenderer.serialize(log) == whole)
        }
    }

    @Test func aReportThatIsNotInterruptedIsListedWhole() throws {
        let page = HTMLRenderer(path: "/tmp/unused").html(Self.bigReport(), context: Self.context)
        #expect(!page.contains("id=\"interrupted\""))
        #expect(page.components(separatedBy: "<details class=\"finding").count - 1 == Self.findingCount)
    }

    /// JSON's long arrays (each run's findings, the causes) are serialised in polled
    /// chunks and put in place of markers: the same bytes as one-piece encoding, with
    /// empty runs, several chunks, an interrupted listing and suppressions among them.
    @Test func theSplicedJSONIsTheOnePieceJSON() throws {
        var report = Self.bigReport()
        report.runs.append(
            RunResult(checker: .asan, executable: "/bin/clean", arguments: [], status: .clean, exitCode: 0, findings: []))
        report.runs[0].findings[3].suppressedBy = "moq-leakcheck:hide"
        #expect(report.runs[0].findings.count > 2 * JSONSplice.chunk)
        let whole = try JSONReport.encode(report, splice: false)
        let spliced = try JSONReport.encode(report)
        #expect(spliced == whole)
        #expect(!String(decoding: spliced, as: UTF8.self).contains("moq-leakcheck-splice-"))
        let interrupted = Self.bigReport(interrupted: true)
        let listing = InterruptedListing(interrupted, limit: ListingLimit())
        #expect(
            try JSONReport.encode(interrupted, listing: listing)
                == JSONReport.encode(interrupted, listing: listing, splice: false))
        // An empty report has no arrays to splice.
        let empty = Report(runs: [], failOn: [])
        #expect(try JSONReport.encode(empty) == JSONReport.encode(empty, splice: false))
    }

    /// The chunks are where a signal stops the JSON once its one-piece pass is done.
    @Test func aStopWhileTheFindingsAreSerialisedEndsTheJSON() throws {
        let report = Self.bigReport()
        let splice = JSONSplice()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[.splice] = splice
        let skeleton = try encoder.encode(report)
        #expect(skeleton.count < 100_000, "the findings are not in the one-piece pass")
        try Cancellation.$requestedInTask.withValue(true) {
            #expect(throws: RenderInterrupted.self) {
                _ = try splice.fill(skeleton, runs: report.runs, format: encoder.outputFormatting, poll: RenderPoll(active: true))
            }
            _ = try splice.fill(skeleton, runs: report.runs, format: encoder.outputFormatting, poll: .never)
        }
    }
}
