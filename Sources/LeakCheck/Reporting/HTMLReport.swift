import Foundation

/// One self-contained HTML page (`--html PATH`, and `leakcheck-report.html` in
/// the report dir): no network, no external script, style or font, so it works
/// from a downloaded CI artifact.
///
/// It holds the gate and totals, an icicle chart of leaked bytes by stack per
/// checker, the runs, every distinct finding with its stack and a few lines of
/// source around own-code frames (read from disk when the file is there;
/// `/rustc/` frames are shown without source), and the suppressions. Every
/// figure sits in an element with `data-figure="NAME"` (e.g.
/// `total-definitely-lost-bytes`, `valgrind-definitely-lost-bytes`,
/// `distinct-findings`) so a test can read it back from the browser's DOM.
public struct HTMLRenderer: ReportRenderer {
    public var name: String { "HTML report" }
    public var path: String
    /// Source lines shown on each side of an own-code frame's line.
    public var contextLines: Int

    /// The name written in the report dir whatever `--html` says.
    public static let defaultFileName = "leakcheck-report.html"

    public init(path: String, contextLines: Int = 3) {
        self.path = path
        self.contextLines = contextLines
    }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let page = html(report, context: context, poll: poll)
        try poll.check()
        return Data(page.utf8)
    }

    /// The page. An interrupted report lists only `context.listing(for:)`'s findings
    /// (the totals and runs stay whole) and leaves the chart out; `poll` cuts the
    /// page short when a signal comes (`render` then throws `RenderInterrupted`).
    public func html(_ report: Report, context: RenderContext, poll: RenderPoll = .never) -> String {
        let listing = context.listing(for: report)
        let shown = listing?.listed ?? report
        let policy = context.policy
        let roots = context.displayRoots
        var sources = SourceCache()
        var h = ""
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h +=
            "<title>moq-leakcheck: \(Escape.html(report.status.rawValue))</title>\n<style>\n\(Self.css)</style>\n</head>\n"
        h += "<body data-status=\"\(report.status.rawValue)\" data-exit-code=\"\(report.exitCode)\">\n"
        h += "<header><h1>moq-leakcheck report</h1>"
        h +=
            "<p id=\"gate\" class=\"gate \(report.status.rawValue)\">\(Escape.html(StepSummaryRenderer.gate(report)))</p>"
        h +=
            "<p class=\"meta\">moq-leakcheck \(Escape.html(report.toolVersion)) · gating: \(Escape.html(policy.gatingLeakKinds.sorted().map(\.phrase).joined(separator: ", "))), every memory error, crash and failing test</p>"
        if let listing {
            h +=
                "<p id=\"interrupted\" class=\"gate incomplete\" data-listed-findings=\"\(listing.listedFindings)\" data-findings=\"\(listing.findings)\">\(Escape.html(listing.sentence))</p>"
        }
        h += "</header>\n"

        // Totals per checker, each as that checker counted: never summed across
        // checkers (valgrind's and ASan's copies of one leak are one leak). The
        // `total` row is there only when one checker ran, where it is that checker's.
        h +=
            "<section id=\"totals\"><h2>Totals</h2>\n<table class=\"figures\"><thead><tr><th></th><th>definitely lost</th><th>indirectly lost</th><th>possibly lost</th><th>still reachable</th><th>suppressed</th><th>errors</th><th>runs</th></tr></thead><tbody>\n"
        let checkers = Checker.allCases.filter { c in report.runs.contains { $0.checker == c } }
        var rows: [(String, String, Totals, Int)] = []
        if checkers.count <= 1 { rows.append(("total", "All checkers", report.totals, report.runs.count)) }
        for c in checkers {
            let runs = report.runs.filter { $0.checker == c }
            rows.append((c.rawValue, c.displayName, runs.reduce(Totals()) { $0 + $1.totals }, runs.count))
        }
        for (key, label, t, n) in rows {
            h += "<tr><th>\(Escape.html(label))</th>"
            for (kind, tally) in [
                ("definitely-lost", t.definitelyLost), ("indirectly-lost", t.indirectlyLost),
                ("possibly-lost", t.possiblyLost),
                ("still-reachable", t.stillReachable), ("suppressed", t.suppressed),
            ] {
                h +=
                    "<td>\(Self.figure("\(key)-\(kind)-bytes", tally.bytes)) bytes in \(Self.figure("\(key)-\(kind)-blocks", tally.blocks)) blocks</td>"
            }
            h += "<td>\(Self.figure("\(key)-errors", t.errors))</td><td>\(Self.figure("\(key)-runs", n))</td></tr>\n"
        }
        h += "</tbody></table></section>\n"

        // Causes: what to fix, most severe first, each with its call sites.
        let causes = shown.causes(poll: poll)
        h += "<section id=\"causes\"><h2>Causes (\(Self.figure("causes", causes.count)))</h2>\n"
        if causes.isEmpty { h += "<p class=\"clean\">Nothing fails the gate.</p>\n" }
        for (i, c) in causes.enumerated() {
            if poll.shouldStop(1 + c.sites.count) { break }
            h += "<section class=\"cause\" id=\"cause-\(Escape.html(c.id))\" data-kind=\"\(c.kind.rawValue)\">"
            h += "<h3>✗ \(Escape.html(c.sentence))</h3>\n"
            h += "<p class=\"meta\">seen by \(Escape.html(c.checkers.map(\.displayName).joined(separator: ", ")))"
            if c.kind.isLeak {
                h +=
                    " · \(Self.figure("cause-\(i)-bytes", c.bytes)) bytes in \(Self.figure("cause-\(i)-blocks", c.blocks)) blocks (one checker's figure)"
            }
            h += " · \(Self.figure("cause-\(i)-sites", c.sites.count)) call sites</p>\n"
            if c.severity != 1 {
                h += "<table class=\"sites\"><thead><tr><th>caller</th><th>test</th><th>bytes</th><th>blocks</th></tr></thead><tbody>\n"
                for s in c.sites {
                    var caller = ""
                    if let l = s.caller {
                        caller = l.function ?? "?"
                        if let file = l.file {
                            caller += " (\(RelativePath.display(file, roots: roots))\(l.line.map { ":\($0)" } ?? ""))"
                        }
                    }
                    h +=
                        "<tr><td><code>\(Escape.html(caller))</code></td><td><code>\(Escape.html(s.test ?? ""))</code></td><td class=\"num\">\(Figures.grouped(s.bytes))</td><td class=\"num\">\(Figures.grouped(s.blocks))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            h += "</section>\n"
        }
        h += "</section>\n"

        if poll.stopped { return "" }  // `render` throws RenderInterrupted
        // Where the bytes leak.
        h += "<section id=\"icicles\"><h2>Where the bytes leak</h2>\n"
        h +=
            "<p class=\"hint\">Outermost call at the top; each frame is as wide as the bytes leaked below it. <span class=\"swatch own\"></span> the crate's own code. Hover for bytes and blocks, click a frame to zoom, click the top bar to zoom out.</p>\n"
        var drew = false
        if listing != nil {
            drew = true
            h += "<p class=\"hint\">interrupted: the chart is left out (it would show only the listed findings)</p>\n"
        }
        for c in checkers where listing == nil {
            let leaks = report.runs.filter { $0.checker == c }.flatMap { r in
                r.findings.filter { $0.suppressedBy == nil && $0.kind.isLeak && $0.kind != .stillReachable }
            }
            guard !leaks.isEmpty else { continue }
            drew = true
            let chart = IcicleChart(
                findings: leaks, selector: context.selector, rootName: "\(c.displayName): all lost bytes", poll: poll)
            h +=
                "<h3>\(Escape.html(c.displayName)): \(Self.figure("\(c.rawValue)-chart-bytes", chart.root.bytes)) bytes lost</h3>\n"
            h += chart.svg(id: "icicle-\(c.rawValue)", poll: poll)
        }
        if !drew { h += "<p class=\"clean\">No lost bytes.</p>\n" }
        h += "</section>\n"

        if poll.stopped { return "" }  // `render` throws RenderInterrupted
        // Findings.
        let distinct = DistinctFindings.of(shown, poll: poll) { $0.suppressedBy == nil }
        h +=
            "<section id=\"findings\"><h2>Findings (\(Self.figure("distinct-findings", distinct.count)) distinct)</h2>\n"
        for d in distinct {
            if poll.shouldStop(d.finding.stack.count) { break }
            h += finding(d, policy: policy, selector: context.selector, roots: roots, sources: &sources)
        }
        if distinct.isEmpty { h += "<p class=\"clean\">No findings.</p>\n" }
        h += "</section>\n"

        if poll.stopped { return "" }  // `render` throws RenderInterrupted
        // Runs.
        h +=
            "<section id=\"runs\"><h2>Runs</h2>\n<table class=\"runs\"><thead><tr><th>checker</th><th>run</th><th>status</th><th>ended</th><th>definitely</th><th>indirectly</th><th>possibly</th><th>reachable</th><th>suppressed</th><th>errors</th><th>time</th></tr></thead><tbody>\n"
        for r in report.runs {
            if poll.shouldStop() { break }
            var ending = r.exitCode.map { "exit \($0)" } ?? "no exit status"
            if let s = r.signal { ending = "killed by \(s)" }
            if r.timedOut { ending += ", timed out" }
            let t = r.totals
            h +=
                "<tr class=\"run \(r.status.rawValue)\"><td>\(r.checker.rawValue)</td><td><code>\(Escape.html(TextReport.runLabel(r)))</code>"
            if let why = r.incompleteReason { h += "<div class=\"why\">\(Escape.html(why))</div>" }
            h += "</td><td>\(r.status.rawValue)</td><td>\(Escape.html(ending))</td>"
            for tally in [t.definitelyLost, t.indirectlyLost, t.possiblyLost, t.stillReachable, t.suppressed] {
                h += "<td class=\"num\">\(Figures.grouped(tally.bytes))</td>"
            }
            h +=
                "<td class=\"num\">\(t.errors)</td><td class=\"num\">\(String(format: "%.2f s", r.durationSeconds ?? 0))</td></tr>\n"
        }
        h += "</tbody></table></section>\n"

        // Suppressions.
        h += "<section id=\"suppressions\"><h2>Suppressions</h2>\n"
        if report.suppressions.isEmpty {
            h += "<p>No suppression entries were loaded.</p>\n"
        } else {
            h +=
                "<table class=\"suppressions\"><thead><tr><th>entry</th><th>file</th><th>findings matched</th><th>bytes</th><th></th></tr></thead><tbody>\n"
            for u in report.suppressions.sorted(by: { ($0.count, $1.source) > ($1.count, $0.source) }) {
                let note =
                    u.overBroad
                    ? (context.policy.gateOverBroadSuppressions
                        ? "over-broad: matches the crate's own code, so it hides nothing"
                        : "over-broad: hid findings in the crate's own code")
                    : u.count == 0 && u.checkerCount == nil ? "matched nothing" : ""
                h +=
                    "<tr class=\"\(u.overBroad ? "overbroad" : "")\"><td><code>\(Escape.html(u.name))</code></td><td>\(Escape.html(RelativePath.display(u.source, roots: roots)))</td>"
                h +=
                    "<td class=\"num\" data-suppression=\"\(Escape.html(u.name))\">\(u.count)</td><td class=\"num\">\(Figures.grouped(u.bytes))</td><td>\(Escape.html(note))</td></tr>\n"
            }
            h += "</tbody></table>\n"
        }
        h += "</section>\n"

        if !report.skipped.isEmpty || !report.notes.isEmpty || listing != nil {
            h += "<section id=\"notes\"><h2>Notes</h2><ul>\n"
            if let listing { h += "<li>\(Escape.html(listing.sentence))</li>\n" }
            for s in report.skipped {
                h += "<li>\(Escape.html(s.checker.displayName)) skipped: \(Escape.html(s.reason))</li>\n"
            }
            for n in report.notes { h += "<li>\(Escape.html(n))</li>\n" }
            h += "</ul></section>\n"
        }
        h += "<script>\n\(IcicleChart.script)\n</script>\n</body>\n</html>\n"
        return h
    }

    static func figure(_ name: String, _ value: Int) -> String {
        "<span class=\"figure\" data-figure=\"\(name)\" data-value=\"\(value)\">\(Figures.grouped(value))</span>"
    }

    func finding(
        _ d: DistinctFinding, policy: Policy, selector: FrameSelector, roots: [String], sources: inout SourceCache
    ) -> String {
        let f = d.finding
        let cls = policy.gates(f) ? "gating" : policy.warns(f) ? "warning" : "info"
        var h =
            "<details class=\"finding \(cls)\" data-kind=\"\(f.kind.rawValue)\" data-site=\"\(d.key)\"\(cls == "gating" ? " open" : "")>"
        h += "<summary><span class=\"badge\">\(cls == "gating" ? "fails" : cls == "warning" ? "warns" : "info")</span> "
        h += "<b>\(Escape.html(SARIFRenderer.message(headlineOnly: f)))</b>"
        if !d.tests.isEmpty { h += " in \(d.tests.map { "<code>\(Escape.html($0))</code>" }.joined(separator: ", "))" }
        h += " <span class=\"seen\">\(Escape.html(d.checkers.map(\.displayName).joined(separator: ", ")))</span>"
        if let b = f.baseline { h += " <span class=\"baseline \(b.rawValue)\">\(b.rawValue)</span>" }
        h += "</summary>\n"
        if let sentence = FindingPlacement.boundarySentence(f, roots: roots) {
            h += "<p class=\"boundary\">\(Escape.html(sentence))</p>\n"
        }
        if !f.message.isEmpty { h += "<p class=\"message\">\(Escape.html(f.message))</p>\n" }
        h += stack(f.stack, selector: selector, roots: roots, sources: &sources)
        for aux in f.auxiliary {
            h += "<p class=\"aux\">\(Escape.html(aux.what))</p>\n"
            h += stack(aux.stack, selector: selector, roots: roots, sources: &sources)
        }
        h += "</details>\n"
        return h
    }

    func stack(_ frames: [Frame], selector: FrameSelector, roots: [String], sources: inout SourceCache) -> String {
        var h = "<ol class=\"stack\">\n"
        for frame in frames {
            let own = selector.isOwnCode(frame)
            h += "<li class=\"\(own ? "own" : "")\"><code>\(Escape.html(frame.display(roots: roots)))</code>"
            if own, let file = frame.file, let line = frame.line, !file.hasPrefix("/rustc/"),
                let snippet = sources.lines(file, around: line, context: contextLines)
            {
                h += "<pre class=\"source\">"
                for (n, text) in snippet {
                    h += "<span class=\"\(n == line ? "hit" : "")\"><i>\(n)</i>\(Escape.html(String(text)))</span>"
                }
                h += "</pre>"
            }
            h += "</li>\n"
        }
        h += "</ol>\n"
        return h
    }

    /// Source files read once per page.
    struct SourceCache {
        var files: [String: [Substring]?] = [:]
        mutating func lines(_ path: String, around line: Int, context: Int) -> [(Int, Substring)]? {
            if files[path] == nil {
                let text = (try? String(contentsOfFile: path, encoding: .utf8))
                files[path] = .some(text.map { $0.split(separator: "\n", omittingEmptySubsequences: false) })
            }
            guard let lines = files[path] ?? nil, line >= 1, line <= lines.count else { return nil }
            let lo = max(1, line - context)
            let hi = min(lines.count, line + context)
            return (lo...hi).map { ($0, lines[$0 - 1]) }
        }
    }

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:0 16px 48px;color:#1f2328;background:#fff}
        h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
        code,pre,svg text{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
        .gate{font-size:17px;font-weight:600;padding:8px 12px;border-radius:6px;display:inline-block;margin:6px 0}
        .gate.clean{background:#dafbe1;color:#116329}.gate.findings{background:#ffebe9;color:#a40e26}.gate.incomplete{background:#fff8c5;color:#7d4e00}
        .meta,.hint{color:#59636e;font-size:13px}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
        thead th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
        tr.findings td{background:#fff5f5}tr.incomplete td{background:#fffbe6}tr.overbroad td{background:#ffebe9}.why{color:#7d4e00}
        svg.icicle{display:block;border:1px solid #d0d7de;border-radius:4px;cursor:pointer;margin-bottom:12px}
        svg.icicle rect{fill:#b6c3d1}svg.icicle g.own rect{fill:#f0883e}svg.icicle g.root rect{fill:#8c959f}
        svg.icicle g:hover rect{stroke:#1f2328;stroke-width:1}svg.icicle text{font-size:12px;fill:#1f2328;pointer-events:none}
        .swatch{display:inline-block;width:12px;height:12px;background:#f0883e;vertical-align:middle}
        details.finding{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 10px}details.finding.gating{border-left:4px solid #cf222e}
        details.finding.warning{border-left:4px solid #bf8700}summary{cursor:pointer}
        .badge{font-size:11px;text-transform:uppercase;border-radius:10px;padding:1px 7px;background:#eaeef2}.gating .badge{background:#cf222e;color:#fff}.warning .badge{background:#bf8700;color:#fff}
        .seen{color:#59636e;font-size:12px}.baseline{font-size:11px;border-radius:10px;padding:1px 7px;background:#ddf4ff}.baseline.new{background:#cf222e;color:#fff}
        .boundary{font-weight:600;color:#a40e26}
        ol.stack{margin:6px 0;padding-left:28px;font-size:12.5px}ol.stack li{margin:1px 0;color:#59636e}ol.stack li.own{color:#1f2328;font-weight:600}
        pre.source{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:4px 0;margin:4px 0 8px;font-weight:400;overflow-x:auto}
        pre.source span{display:block;padding:0 8px}pre.source span.hit{background:#fff1b8}pre.source i{display:inline-block;width:40px;color:#8c959f;font-style:normal;text-align:right;margin-right:12px}
        .clean{color:#116329}
        """
}
