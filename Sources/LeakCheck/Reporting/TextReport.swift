import Foundation

/// Picks the frames worth showing a person: the crate's own frames when the
/// stack has any, otherwise the first frames past the allocator and runtime.
public struct FrameSelector: Sendable {
    public var isOwnCode: @Sendable (Frame) -> Bool
    /// The caller side: a test's own code (C test sources, the crate's tests).
    public var isCallerCode: @Sendable (Frame) -> Bool
    /// Directories paths are shown relative to (the crate, the working directory), longest first.
    public var roots: [String]

    public init(
        isOwnCode: @escaping @Sendable (Frame) -> Bool = { _ in false },
        isCallerCode: @escaping @Sendable (Frame) -> Bool = { _ in false }, roots: [String] = []
    ) {
        self.isOwnCode = isOwnCode
        self.isCallerCode = isCallerCode
        self.roots = roots.map { $0.hasSuffix("/") ? $0 : $0 + "/" }.sorted { $0.count > $1.count }
    }

    /// The frames a person reads first, caller before internals: with an FFI
    /// boundary, the caller's line then the boundary function's; otherwise the
    /// test's own frames (or the first frame outside std/alloc/libtest/panic
    /// machinery), then the crate's own frames. Paths relative to a root.
    public func leadFrames(_ f: Finding, limit: Int = 3) -> [Frame] {
        var picked: [Frame] = []
        func add(_ frame: Frame) {
            if !picked.contains(frame) && picked.count < limit { picked.append(frame) }
        }
        if let b = f.boundary {
            if let caller = f.stack.first(where: { $0.function == b.caller?.function && $0.line == b.caller?.line }) {
                add(caller)
            }
            if let inner = f.stack.first(where: { FFISurface.lastPathComponent($0.function ?? "") == b.function }) {
                add(inner)
            }
        } else {
            for frame in CallerFrames.select(from: f.stack, isCallerCode: isCallerCode, relativeTo: nil) { add(frame) }
        }
        for frame in topFrames(f.stack, limit: limit) { add(frame) }
        return picked.map(relative)
    }

    /// A frame with its file relative to the first root that holds it.
    public func relative(_ frame: Frame) -> Frame {
        guard let file = frame.file, let root = roots.first(where: { file.hasPrefix($0) }) else { return frame }
        var f = frame
        f.file = String(file.dropFirst(root.count))
        return f
    }

    static let runtimePrefixes = [
        "malloc", "calloc", "realloc", "free", "operator new", "operator delete", "__rust_", "__rdl_", "__rg_",
        "alloc::", "<alloc::", "std::", "<std::", "core::", "<core::", "__interceptor_", "__asan_", "posix_memalign",
        "aligned_alloc", "memalign", "strdup", "_Znw", "_Zna", "__libc_", "___interceptor_",
    ]

    public static func isRuntime(_ frame: Frame) -> Bool {
        guard let fn = frame.function else {
            return frame.object.map { $0.contains("vgpreload") || $0.contains("libasan") } ?? true
        }
        if let file = frame.file,
            file.contains("vg_replace_malloc") || file.contains("asan_") || file.hasPrefix("/rustc/")
                || file.contains("/.rustup/toolchains/")
        {
            return true
        }
        return runtimePrefixes.contains { fn.hasPrefix($0) }
    }

    public func topFrames(_ stack: [Frame], limit: Int = 3) -> [Frame] {
        let own = stack.filter(isOwnCode)
        if !own.isEmpty { return Array(own.prefix(limit)) }
        let past = stack.drop(while: Self.isRuntime)
        return Array((past.isEmpty ? stack[...] : past).prefix(limit))
    }
}

/// Number formatting as valgrind prints it (`1,040`).
enum Figures {
    static func grouped(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    static func tally(_ t: Tally) -> String { "\(grouped(t.bytes)) bytes in \(grouped(t.blocks)) blocks" }

    /// The LEAK SUMMARY block in valgrind's own layout.
    static func leakSummary(_ t: Totals, indent: String) -> [String] {
        [
            "\(indent)LEAK SUMMARY:",
            "\(indent)   definitely lost: \(tally(t.definitelyLost))",
            "\(indent)   indirectly lost: \(tally(t.indirectlyLost))",
            "\(indent)     possibly lost: \(tally(t.possiblyLost))",
            "\(indent)   still reachable: \(tally(t.stillReachable))",
            "\(indent)        suppressed: \(tally(t.suppressed))",
        ]
    }
}

public enum TextReport {
    /// One line naming a finding: "definitely lost: 29 bytes in 1 blocks (+16 indirect)".
    public static func headline(_ f: Finding) -> String {
        var s = f.kind.phrase
        if f.kind.isLeak, let bytes = f.bytes {
            s += ": \(Figures.grouped(bytes)) bytes in \(Figures.grouped(f.blocks ?? 0)) blocks"
            if let ind = f.indirectBytes, ind > 0 { s += " (+\(Figures.grouped(ind)) indirect)" }
        } else if !f.message.isEmpty {
            s += ": \(f.message)"
        }
        if let test = f.test { s += " — in test \(test)" }
        return s
    }

    /// What a finding's first line says: the FFI boundary sentence when the
    /// allocation came back through the crate's C ABI (`37 bytes definitely
    /// lost: returned by moq_connect() to check_connect (t.c:6), never
    /// released: call moq_free_str()`), else the headline.
    public static func lead(_ f: Finding) -> String {
        var s = headline(f)
        if let b = f.boundary {
            s = BoundarySentence.sentence(for: f, boundary: b)
            if let test = f.test { s += " — in test \(test)" }
        }
        // An over-broad entry matched but did not hide it: say which entry would have.
        if let broad = f.overBroadSuppression {
            s += " (not hidden by the over-broad suppression '\(broad.name)' (\(broad.source)))"
        }
        return s
    }

    /// One finding as a person reads it once: the same site seen in several runs
    /// (per test, per checker) with every checker and test that saw it.
    public struct Occurrences: Sendable {
        /// The first occurrence, in report order.
        public var finding: Finding
        /// Every checker that saw it, in `Checker` order (the runs' and `seenBy`).
        public var checkers: [Checker]
        /// The tests it was attributed to, in report order.
        public var tests: [String]
        /// The runs that reported it, in report order.
        public var runs: [RunResult]
    }

    /// `findings` grouped by `CrossChecker.siteKey` in first-occurrence order; a
    /// finding without a site (a test failure, a fatal signal) stays on its own.
    public static func occurrences(
        _ findings: [(run: RunResult, finding: Finding)], poll: RenderPoll? = nil
    ) -> [Occurrences] {
        var groups: [Occurrences] = []
        var index: [String: Int] = [:]
        for (run, f) in findings {
            if poll?.shouldStop(f.stack.count) == true { break }
            let key = CrossChecker.siteKey(f)
            if let key, let i = index[key] {
                for c in [run.checker] + (f.seenBy ?? []) where !groups[i].checkers.contains(c) {
                    groups[i].checkers.append(c)
                }
                if let t = f.test ?? run.test, !groups[i].tests.contains(t) { groups[i].tests.append(t) }
                groups[i].runs.append(run)
                continue
            }
            var checkers = [run.checker]
            for c in f.seenBy ?? [] where !checkers.contains(c) { checkers.append(c) }
            if let key { index[key] = groups.count }
            groups.append(
                Occurrences(finding: f, checkers: checkers, tests: (f.test ?? run.test).map { [$0] } ?? [], runs: [run])
            )
        }
        for i in groups.indices {
            groups[i].checkers.sort { Checker.allCases.firstIndex(of: $0)! < Checker.allCases.firstIndex(of: $1)! }
        }
        return groups
    }

    /// The lead line of a group: the finding's lead, its tests, and, when
    /// `withCheckers`, the checkers that saw it (`(valgrind, asan)`), or the one
    /// that did with the known reason the other did not.
    static func lead(_ g: Occurrences, withCheckers: Bool) -> String {
        var f = g.finding
        f.test = nil
        var s = lead(f)
        if g.tests.count == 1 {
            s += " — in test \(g.tests[0])"
        } else if !g.tests.isEmpty {
            s += " — in tests \(g.tests.joined(separator: ", "))"
        }
        if withCheckers { s += " " + checkersNote(g) }
        return s
    }

    /// `(valgrind, asan)`, or `(valgrind only: <reason>)` for what one checker alone saw.
    static func checkersNote(_ g: Occurrences) -> String {
        let names = g.checkers.map(\.rawValue).joined(separator: ", ")
        if g.checkers.count == 1, let reason = g.finding.seenByReason { return "(\(names) only: \(reason))" }
        return "(\(names))"
    }

    /// The guide's voice: `✓ Valgrind: No memory leaks detected`, or `✗` with
    /// what failed, one line per checker; then the causes (`report.causes`):
    /// memory errors, crashes and failing tests (never behind a cap), then leak
    /// causes by bytes, each one sentence and its first call sites; then each
    /// checker's LEAK SUMMARY (its own totals) and the first warnings. `colour`
    /// paints the marks (✗ red, ✓ green, ! yellow) and the headlines bold: pass
    /// `console.useColour`. With `listing`, the causes and warnings are the
    /// listed findings' (the figures stay whole) and a note says so; `poll` cuts
    /// the grouping short when a signal comes (`poll.stopped`: make it again
    /// with a listing).
    public static func summary(
        _ report: Report, policy: Policy, selector: FrameSelector, maxFindings: Int = 20, colour: Bool = false,
        sitesPerCause: Int = 3, listing: InterruptedListing? = nil, poll: RenderPoll? = nil
    ) -> String {
        func paint(_ text: String, _ styles: Console.Style...) -> String {
            Console.paint(text, styles, enabled: colour)
        }
        let cross = paint("✗", .red, .bold)
        let check = paint("✓", .green, .bold)
        let bang = paint("!", .yellow, .bold)
        var lines: [String] = []
        let checkers = Checker.allCases.filter { c in report.runs.contains { $0.checker == c } }
        let several = checkers.count > 1
        var summaries: [String] = []
        var warningsAll: [(run: RunResult, finding: Finding)] = []
        for checker in checkers {
            let runs = report.runs.filter { $0.checker == checker }
            let totals = runs.reduce(Totals()) { $0 + $1.totals }
            // Counted, not gathered: a huge report's findings are not copied for two figures.
            var leaks = 0
            var errors = 0
            for r in runs {
                for f in r.findings where policy.gates(f) {
                    if f.kind.isLeak { leaks += 1 } else { errors += 1 }
                }
            }
            let gates = leaks + errors > 0
            if listing == nil {
                warningsAll += runs.flatMap { r in r.findings.filter(policy.warns).map { (run: r, finding: $0) } }
            }
            let incomplete = runs.filter { $0.status == .incomplete }
            let name = checker.displayName
            if !gates && incomplete.isEmpty {
                lines.append(
                    check + " "
                        + paint(
                            "\(name): \(CheckerRegistry.definition(checker).cleanHeadline)", .bold)
                        + " (\(count(runs.count, "run")))")
            } else if gates {
                var what: [String] = []
                if leaks > 0 { what.append("memory leaks detected") }
                let noun = CheckerRegistry.definition(checker).errorNoun
                if errors > 0 { what.append(count(errors, noun.one, noun.many)) }
                lines.append(cross + " " + paint("\(name): \(what.joined(separator: ", "))", .bold))
            }
            for r in incomplete {
                lines.append(
                    paint("?", .yellow, .bold)
                        + " \(name): incomplete: \(runLabel(r)): \(r.incompleteReason ?? "could not be trusted")")
            }
            if CheckerRegistry.definition(checker).checksLeaks && (gates || totals.possiblyLost.bytes > 0) {
                var block = Figures.leakSummary(totals, indent: "  ")
                if several { block[0] = "  \(name) LEAK SUMMARY:" }
                summaries += block
            }
        }
        if let listing {
            warningsAll = listing.listed.runs.flatMap { r in
                r.findings.filter(policy.warns).map { (run: r, finding: $0) }
            }
        }
        lines += causeLines(
            (listing?.listed ?? report).causes(poll: poll), cross: cross, several: several, roots: selector.roots,
            sitesPerCause: sitesPerCause, maxLeakCauses: maxFindings, poll: poll
        ) { paint($0, .bold) }
        lines += summaries
        for g in occurrences(warningsAll, poll: poll).prefix(5) {
            var f = g.finding
            f.test = g.tests.first
            lines.append(
                "  \(bang) " + headline(f) + (several ? " " + checkersNote(g) : "")
                    + " (warning: not gating; --fail-on possible to gate)")
        }
        for s in report.skipped {
            lines.append("- \(s.checker.displayName): skipped: \(s.reason)")
        }
        for u in report.suppressions where u.overBroad {
            lines.append(
                paint("‼", .red, .bold)
                    + " suppression '\(u.name)' (\(u.source)) matches \(count(u.count, "finding")) in the crate's own code: it is too broad"
                    + (policy.gateOverBroadSuppressions ? ", so it hides none of them" : "")
            )
        }
        // Problems that make the whole verdict incomplete (an output not written, a missing partition).
        for reason in report.incompleteReasons { lines.append("? incomplete: \(reason)") }
        for note in report.notes { lines.append("note: \(note)") }
        if let listing { lines.append("note: \(listing.sentence)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Failing the gate: N causes`, then each cause's sentence (with the
    /// checkers that saw it when several ran) and its first call sites. Memory
    /// errors, crashes and failing tests are never capped; leak causes past
    /// `maxLeakCauses` and sites past `sitesPerCause` are counted, not shown.
    static func causeLines(
        _ causes: [Cause], cross: String, several: Bool, roots: [String], sitesPerCause: Int, maxLeakCauses: Int,
        poll: RenderPoll? = nil, bold: (String) -> String
    ) -> [String] {
        guard !causes.isEmpty else { return [] }
        var lines = [bold("Failing the gate: \(count(causes.count, "cause")), most severe first")]
        var leaks = 0
        for c in causes {
            if poll?.shouldStop(1 + min(c.sites.count, sitesPerCause)) == true { break }
            if c.severity == 2 {
                leaks += 1
                if leaks > maxLeakCauses { continue }
            }
            lines.append("  \(cross) " + c.sentence + (several ? " " + checkersNote(c) : ""))
            if c.severity == 1 { continue }
            for site in c.sites.prefix(sitesPerCause) { lines.append("      " + siteLine(site, kind: c.kind, roots: roots)) }
            if c.sites.count > sitesPerCause {
                lines.append("      … and \(c.sites.count - sitesPerCause) more call sites (see the report files)")
            }
        }
        if leaks > maxLeakCauses {
            lines.append("  … and \(leaks - maxLeakCauses) more leak causes (see the report files)")
        }
        return lines
    }

    /// `(valgrind, asan)`, or `(asan only: <reason>)` for what one checker alone saw.
    static func checkersNote(_ c: Cause) -> String {
        let names = c.checkers.map(\.rawValue).joined(separator: ", ")
        if c.checkers.count == 1, let reason = c.seenByReason { return "(\(names) only: \(reason))" }
        return "(\(names))"
    }

    /// `at check_connect (test_leak_message.c:6) — test test_leak_message, 37 bytes`.
    static func siteLine(_ s: Cause.Site, kind: FindingKind, roots: [String]) -> String {
        var parts: [String] = []
        if let caller = s.caller {
            var at = "at \(caller.function ?? "?")"
            if let file = caller.file {
                at += " (\(RelativePath.display(file, roots: roots))\(caller.line.map { ":\($0)" } ?? ""))"
            } else if let object = caller.object {
                at += " (in \(Fingerprint.baseName(object)), no line)"
            }
            parts.append(at)
        }
        if let t = s.test { parts.append("in test \(t)") } else if s.caller == nil { parts.append("in the program") }
        var line = parts.joined(separator: " — ")
        if kind.isLeak { line += ", \(Figures.grouped(s.bytes)) bytes" }
        return line
    }

    /// `valgrind-report.txt`: the causes first (each with all its call sites),
    /// then the gate's verdict (every failing site once,
    /// with the runs that reported it, the checkers that saw it and its whole
    /// stack), then warnings, one block per run, suppression use, and
    /// each suppressed finding on one line (over-broad ones with their stacks).
    ///
    /// With `listing` (an interrupted report), the causes and findings are the
    /// listed ones and a line says how many of the whole report's; the totals and
    /// runs stay whole. `poll` cuts the text short when a signal comes.
    public static func full(
        _ report: Report, checkers: [Checker], policy: Policy, title: String, selector: FrameSelector = FrameSelector(),
        listing: InterruptedListing? = nil, poll: RenderPoll = .never
    ) -> String {
        var lines: [String] = []
        lines.append("\(title) — moq-leakcheck \(LeakCheckVersion.string)")
        lines.append("status: \(report.status.rawValue) (exit \(report.exitCode))")
        if let listing { lines.append(listing.sentence) }
        let shown = listing?.listed ?? report
        let listedRuns = shown.runs.filter { checkers.contains($0.checker) }
        lines.append(
            "gating leak kinds: \(policy.gatingLeakKinds.sorted().map(\.phrase).joined(separator: ", ")); memory errors, crashes and failing tests always gate"
        )
        let runs = report.runs.filter { checkers.contains($0.checker) }
        let totals = runs.reduce(Totals()) { $0 + $1.totals }
        // The causes lead: every one, with every call site.
        let causes = shown.causes(poll: poll).filter { !Set($0.checkers).isDisjoint(with: checkers) }
        if !causes.isEmpty {
            lines.append("")
            lines += causeLines(
                causes, cross: "✗", several: Set(report.runs.map(\.checker)).count > 1, roots: selector.roots,
                sitesPerCause: .max, maxLeakCauses: .max, poll: poll
            ) { $0 }
        }
        lines.append("")
        lines += Figures.leakSummary(totals, indent: "")
        lines.append("ERROR SUMMARY: \(totals.errors) errors (\(totals.suppressedErrors) suppressed)")

        func stackLines(_ f: Finding, limit: Int = .max) -> [String] {
            var out: [String] = []
            if !f.message.isEmpty { out.append("  \(f.message)") }
            for frame in f.stack.prefix(limit) { out.append("    at \(frame.display)") }
            if f.stack.count > limit { out.append("    … \(f.stack.count - limit) more frames") }
            for aux in f.auxiliary {
                out.append("  \(aux.what)")
                for frame in aux.stack.prefix(limit) { out.append("    at \(frame.display)") }
            }
            return out
        }

        if poll.stopped { return "" }  // the caller throws RenderInterrupted
        // Each site once: a leak in several runs (per test) is one entry naming them,
        // with every checker that saw it (`seenBy` brings in the other checker's).
        let gating = occurrences(
            listedRuns.flatMap { r in r.findings.filter(policy.gates).map { (run: r, finding: $0) } }, poll: poll)
        lines.append("")
        lines.append("FAILING THE GATE (\(gating.count)\(listing == nil ? "" : " listed")):")
        if gating.isEmpty { lines.append("  none") }
        for g in gating {
            if poll.shouldStop(g.finding.stack.count + g.runs.count) { break }
            lines.append("")
            lines.append("✗ \(lead(g, withCheckers: false))  [\(g.runs.map(runLabel).joined(separator: ", "))]")
            lines.append("  seen by: " + checkersNote(g).dropFirst().dropLast())
            lines += stackLines(g.finding)
        }
        if poll.stopped { return "" }  // the caller throws RenderInterrupted
        let warnings = listedRuns.flatMap { r in
            r.findings.filter { $0.suppressedBy == nil && !policy.gates($0) }.map { (r, $0) }
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("NOT GATING (\(warnings.count)): possibly lost warns; still reachable is informational")
            for reason in Set(warnings.compactMap(\.1.notGatingReason)).sorted() { lines.append("  \(reason)") }
            for (r, f) in warnings {
                if poll.shouldStop(min(f.stack.count, 12)) { break }
                lines.append("")
                lines.append("! \(headline(f))  [\(runLabel(r))]")
                lines += stackLines(f, limit: 12)
            }
        }

        lines.append("")
        lines.append("RUNS (\(runs.count)):")
        for r in runs {
            if poll.shouldStop() { break }
            var ending = r.exitCode.map { "exit status \($0)" } ?? "no exit status"
            if let sig = r.signal { ending = "killed by \(sig)" }
            if r.timedOut { ending += ", timed out" }
            let t = r.totals
            lines.append("")
            lines.append(
                "\(r.status == .clean ? "✓" : r.status == .findings ? "✗" : "?") \(runLabel(r)) — \(r.status.rawValue), \(ending)"
            )
            lines.append("  command: \(([r.executable] + r.arguments).joined(separator: " "))")
            if let reason = r.incompleteReason { lines.append("  INCOMPLETE: \(reason)") }
            if let failed = r.failedTests, !failed.isEmpty {
                lines.append("  failed tests: \(failed.joined(separator: ", "))")
            }
            lines.append(
                "  definitely \(Figures.tally(t.definitelyLost)), indirectly \(Figures.tally(t.indirectlyLost)), possibly \(Figures.tally(t.possiblyLost)), reachable \(Figures.tally(t.stillReachable)), suppressed \(Figures.tally(t.suppressed)); \(t.errors) errors"
            )
            if !r.logFiles.isEmpty { lines.append("  raw output: \(r.logFiles.joined(separator: ", "))") }
        }

        if !report.suppressions.isEmpty {
            lines.append("")
            lines.append("SUPPRESSIONS (used / unused):")
            for u in report.suppressions.sorted(by: { ($0.count, $1.source) > ($1.count, $0.source) }) {
                var s = "  \(u.count)× \(u.name) (\(u.source))"
                if u.bytes > 0 { s += ", \(Figures.grouped(u.bytes)) bytes" }
                if u.count == 0 && u.checkerCount == nil { s += " — matched nothing" }
                if let c = u.checkerCount { s += " (checker counted \(c))" }
                if u.overBroad { s += " ‼ hid findings in the crate's own code" }
                lines.append(s)
            }
        }
        if poll.stopped { return "" }  // the caller throws RenderInterrupted
        let suppressed = listedRuns.flatMap { r in r.findings.filter { $0.suppressedBy != nil }.map { (r, $0) } }
        if !suppressed.isEmpty {
            lines.append("")
            lines.append("SUPPRESSED FINDINGS (\(suppressed.count)):")
            for (r, f) in suppressed {
                if poll.shouldStop(f.stack.count) { break }
                let by = "\(f.suppressedBy ?? "?")\(f.suppressionSource.map { " at \($0)" } ?? "")"
                if f.suppressionOverBroad == true {
                    lines.append(
                        "‼ \(headline(f)) — suppressed by \(by), which hides the crate's own code  [\(runLabel(r))]")
                    lines += stackLines(f)
                } else {
                    let top = selector.topFrames(f.stack, limit: 1).first.map { " at \($0.display)" } ?? ""
                    lines.append("  \(headline(f)) — by \(f.suppressedBy ?? "?")\(top)  [\(runLabel(r))]")
                }
            }
        }
        for s in report.skipped { lines.append("skipped \(s.checker.displayName): \(s.reason)") }
        for n in report.notes { lines.append("note: \(n)") }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func runLabel(_ r: RunResult) -> String {
        let exe = (r.executable as NSString).lastPathComponent
        var s = exe
        if let test = r.test { s += " :: \(test)" }
        if let fs = r.featureSet, fs != "default" { s += " [\(fs)]" }
        return s
    }

    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}
