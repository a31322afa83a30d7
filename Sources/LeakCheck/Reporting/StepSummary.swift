import Foundation

/// The GitHub step summary (appended to `$GITHUB_STEP_SUMMARY`): the gate, the
/// LEAK SUMMARY per checker, the top findings with their boundary sentence or
/// first own frames, baseline standing, suppression use (over-broad entries
/// flagged), incomplete runs, the report files to download, and how many
/// findings GitHub's 10-per-step limit left without an annotation.
public struct StepSummaryRenderer: ReportRenderer {
    public var name: String { "GitHub step summary" }
    public var path: String
    public var appends: Bool { true }
    /// The report files this run wrote (paths as written), listed for download.
    public var reportFiles: [String]
    /// Findings shown in full; the rest are counted.
    public var maxFindings: Int

    public init(path: String, reportFiles: [String] = [], maxFindings: Int = 10) {
        self.path = path
        self.reportFiles = reportFiles
        self.maxFindings = maxFindings
    }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let text = markdown(report, context: context, poll: poll)
        try poll.check()
        return Data(text.utf8)
    }

    /// The summary. An interrupted report shows the causes, warnings and
    /// annotations of its listed findings (`context.listing(for:)`), with a line
    /// saying so; the totals stay whole. `poll` cuts it short when a signal comes.
    public func markdown(_ report: Report, context: RenderContext, poll: RenderPoll = .never) -> String {
        let policy = context.policy
        let roots = context.displayRoots
        let listing = context.listing(for: report)
        let shown = listing?.listed ?? report
        var md: [String] = []
        md.append("## moq-leakcheck: \(Self.gate(report))")
        md.append("")
        if let listing {
            md.append("_\(Escape.markdown(listing.sentence))_")
            md.append("")
        }

        let checkers = Checker.allCases.filter { c in report.runs.contains { $0.checker == c } }
        if !checkers.isEmpty {
            md.append(
                "| checker | runs | definitely lost | indirectly lost | possibly lost | still reachable | suppressed | errors | result |"
            )
            md.append("|---|--:|--:|--:|--:|--:|--:|--:|---|")
            for c in checkers {
                let runs = report.runs.filter { $0.checker == c }
                let t = runs.reduce(Totals()) { $0 + $1.totals }
                let result =
                    runs.contains { $0.status == .incomplete }
                    ? "? incomplete"
                    : runs.contains { $0.status == .findings } ? "✗ fails" : "✓ clean"
                let cells = [t.definitelyLost, t.indirectlyLost, t.possiblyLost, t.stillReachable, t.suppressed].map(
                    Self.tally)
                md.append(
                    "| \(c.displayName) | \(runs.count) | \(cells.joined(separator: " | ")) | \(t.errors) | \(result) |"
                )
            }
            md.append("")
        }

        // The causes, most severe first; memory errors, crashes and failing tests are never capped.
        let causes = shown.causes(poll: poll)
        if !causes.isEmpty {
            md.append("### Failing the gate: \(Self.count(causes.count, "cause"))")
            md.append("")
            var leaks = 0
            for c in causes {
                if poll.shouldStop(1 + min(c.sites.count, 5)) { break }
                if c.severity == 2 {
                    leaks += 1
                    if leaks > maxFindings { continue }
                }
                md.append(
                    "- ✗ **\(Escape.markdown(c.sentence))** — \(c.checkers.map(\.displayName).joined(separator: ", "))")
                guard c.severity != 1 else { continue }
                for s in c.sites.prefix(5) {
                    md.append("  - " + Escape.markdown(TextReport.siteLine(s, kind: c.kind, roots: roots)))
                }
                if c.sites.count > 5 { md.append("  - … and \(c.sites.count - 5) more call sites") }
            }
            if leaks > maxFindings {
                md.append("- … and \(leaks - maxFindings) more leak causes in the report files")
            }
            md.append("")
        }
        let warnings = DistinctFindings.of(shown, poll: poll, where: policy.warns)
        if !warnings.isEmpty {
            md.append("### Warnings (not gating): \(Self.count(warnings.count, "distinct finding"))")
            md.append("")
            for d in warnings.prefix(5) { md += Self.item(d, context: context, roots: roots) }
            md.append("")
        }

        let marked = shown.runs.contains { $0.findings.contains { $0.baseline != nil } }
        if marked {
            let new = DistinctFindings.of(shown, poll: poll) { $0.baseline == .new }.count
            let known = DistinctFindings.of(shown, poll: poll) { $0.baseline == .known }.count
            md.append("### Baseline")
            md.append("")
            md.append(
                "\(Self.count(new, "new finding")), \(Self.count(known, "known finding")) (already in the baseline).")
            md.append("")
        }

        let incomplete = report.runs.filter { $0.status == .incomplete }
        if !incomplete.isEmpty || !report.skipped.isEmpty {
            md.append("### Not checked")
            md.append("")
            for r in incomplete {
                md.append(
                    "- ? \(r.checker.displayName) `\(Escape.codeSpan(TextReport.runLabel(r)))`: \(Escape.markdown(r.incompleteReason ?? "incomplete"))"
                )
            }
            for s in report.skipped {
                md.append("- \(s.checker.displayName) skipped: \(Escape.markdown(s.reason))")
            }
            md.append("")
        }

        if !report.suppressions.isEmpty {
            md.append("### Suppressions")
            md.append("")
            md.append("| entry | file | findings matched | bytes | |")
            md.append("|---|---|--:|--:|---|")
            for u in report.suppressions.sorted(by: { ($0.count, $1.source) > ($1.count, $0.source) }) {
                let note =
                    u.overBroad
                    ? (context.policy.gateOverBroadSuppressions
                        ? "‼ over-broad: matches the crate's own code, so it hides nothing"
                        : "‼ over-broad: hid findings in the crate's own code")
                    : u.count == 0 && u.checkerCount == nil ? "matched nothing" : ""
                md.append(
                    "| `\(Escape.codeSpan(u.name, inTable: true))` | \(Escape.markdown(RelativePath.display(u.source, roots: roots))) | \(u.count) | \(Figures.grouped(u.bytes)) | \(note) |"
                )
            }
            md.append("")
        }

        if !reportFiles.isEmpty {
            md.append("### Reports")
            md.append("")
            md.append("Full stacks are in the run's report files (upload them as an artifact to download them):")
            for f in reportFiles {
                md.append("- `\(Escape.codeSpan(RelativePath.display(f, roots: roots)))`")
            }
            md.append("")
        }

        let annotations = GitHubAnnotations.annotations(shown, context: context, poll: poll)
        if annotations.notAnnotated > 0 {
            md.append(
                "\(Self.count(annotations.notAnnotated, "finding was", "findings were")) not annotated (GitHub shows 10 per step): see the reports above."
            )
            md.append("")
        }
        for note in report.notes { md.append("> note: \(Escape.markdown(note))") }
        if !report.notes.isEmpty { md.append("") }
        return md.joined(separator: "\n") + "\n"
    }

    static func gate(_ report: Report) -> String {
        if report.interrupted { return "? interrupted (exit \(report.exitCode)): partial results" }
        switch report.status {
        case .clean: return "✓ nothing fails the gate (exit \(report.exitCode))"
        case .findings: return "✗ findings fail the gate (exit \(report.exitCode))"
        case .incomplete: return "? incomplete: the check could not be trusted (exit \(report.exitCode))"
        }
    }

    static func tally(_ t: Tally) -> String {
        t.isZero ? "0" : Figures.tally(t)
    }

    static func item(_ d: DistinctFinding, context: RenderContext, roots: [String]) -> [String] {
        let f = d.finding
        var head = "- **\(Escape.markdown(SARIFRenderer.message(headlineOnly: f)))**"
        if !d.tests.isEmpty {
            head +=
                (d.tests.count == 1 ? " in test " : " in tests ")
                + d.tests.map { "`\(Escape.codeSpan($0))`" }.joined(separator: ", ")
        }
        head += " — \(d.checkers.map(\.displayName).joined(separator: ", "))"
        if let b = f.baseline { head += b == .new ? " — **new**" : " — known" }
        var lines = [head]
        if let sentence = FindingPlacement.boundarySentence(f, roots: roots) {
            lines.append("  - \(Escape.markdown(sentence))")
        } else {
            for frame in context.selector.topFrames(f.stack) {
                lines.append("  - at `\(Escape.codeSpan(frame.display(roots: roots)))`")
            }
        }
        return lines
    }

    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}
