import Foundation

/// Picks the frames worth showing a person: the crate's own frames when the
/// stack has any, otherwise the first frames past the allocator and runtime.
public struct FrameSelector: Sendable {
    public var isOwnCode: @Sendable (Frame) -> Bool

    public init(isOwnCode: @escaping @Sendable (Frame) -> Bool = { _ in false }) {
        self.isOwnCode = isOwnCode
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
        if let file = frame.file, file.contains("vg_replace_malloc") || file.contains("asan_") { return true }
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

    /// The guide's voice: `✓ Valgrind: No memory leaks detected`, or `✗` with the
    /// figures and each gating finding with its top frames.
    public static func summary(
        _ report: Report, policy: Policy, selector: FrameSelector, maxFindings: Int = 20
    ) -> String {
        var lines: [String] = []
        let checkers = Checker.allCases.filter { c in report.runs.contains { $0.checker == c } }
        for checker in checkers {
            let runs = report.runs.filter { $0.checker == checker }
            let totals = runs.reduce(Totals()) { $0 + $1.totals }
            let gating = runs.flatMap { r in r.findings.filter(policy.gates) }
            let warnings = runs.flatMap { r in r.findings.filter(policy.warns) }
            let incomplete = runs.filter { $0.status == .incomplete }
            let name = checker.displayName
            if gating.isEmpty && incomplete.isEmpty {
                lines.append(
                    checker == .asan || checker == .lsan
                        ? "✓ \(name): No issues detected (\(count(runs.count, "run")))"
                        : "✓ \(name): No memory leaks detected (\(count(runs.count, "run")))")
            } else if !gating.isEmpty {
                let leaks = gating.filter(\.kind.isLeak).count
                let errors = gating.count - leaks
                var what: [String] = []
                if leaks > 0 { what.append("memory leaks detected") }
                if errors > 0 { what.append(count(errors, "memory error or failure", "memory errors or failures")) }
                lines.append("✗ \(name): \(what.joined(separator: ", "))")
            }
            for r in incomplete {
                lines.append("? \(name): incomplete: \(runLabel(r)): \(r.incompleteReason ?? "could not be trusted")")
            }
            if !gating.isEmpty || totals.possiblyLost.bytes > 0 {
                lines += Figures.leakSummary(totals, indent: "  ")
            }
            for f in gating.prefix(maxFindings) {
                lines.append("  ✗ " + headline(f))
                for frame in selector.topFrames(f.stack) { lines.append("      at \(frame.display)") }
            }
            if gating.count > maxFindings { lines.append("  … and \(gating.count - maxFindings) more (see the report files)") }
            for f in warnings.prefix(5) {
                lines.append("  ! " + headline(f) + " (warning: not gating; --fail-on possible to gate)")
            }
        }
        for s in report.skipped {
            lines.append("- \(s.checker.displayName): skipped: \(s.reason)")
        }
        for u in report.suppressions where u.overBroad {
            lines.append(
                "‼ suppression '\(u.name)' (\(u.source)) hid \(count(u.count, "finding")) in the crate's own code: it is too broad"
            )
        }
        for note in report.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `valgrind-report.txt`: everything found, run by run, with full stacks.
    public static func full(_ report: Report, checkers: [Checker], policy: Policy, title: String) -> String {
        var lines: [String] = []
        lines.append("\(title) — moq-leakcheck \(LeakCheckVersion.string)")
        lines.append("status: \(report.status.rawValue) (exit \(report.exitCode))")
        lines.append("gating leak kinds: \(policy.gatingLeakKinds.sorted().map(\.phrase).joined(separator: ", ")); memory errors and failures always gate")
        let runs = report.runs.filter { checkers.contains($0.checker) }
        let totals = runs.reduce(Totals()) { $0 + $1.totals }
        lines.append("")
        lines += Figures.leakSummary(totals, indent: "")
        lines.append("ERROR SUMMARY: \(totals.errors) errors (\(totals.suppressedErrors) suppressed)")
        for r in runs {
            lines.append("")
            lines.append(String(repeating: "=", count: 72))
            lines.append("\(r.checker.displayName): \(runLabel(r)) — \(r.status.rawValue)")
            lines.append("command: \(([r.executable] + r.arguments).joined(separator: " "))")
            if let fs = r.featureSet { lines.append("features: \(fs)") }
            var ending = r.exitCode.map { "exit status \($0)" } ?? "no exit status"
            if let sig = r.signal { ending = "killed by \(sig)" }
            if r.timedOut { ending += ", timed out" }
            lines.append("ended: \(ending)")
            if let reason = r.incompleteReason { lines.append("INCOMPLETE: \(reason)") }
            if let failed = r.failedTests, !failed.isEmpty { lines.append("failed tests: \(failed.joined(separator: ", "))") }
            lines += Figures.leakSummary(r.totals, indent: "")
            for f in r.findings {
                lines.append("")
                var head = headline(f)
                if policy.gates(f) { head = "[gating] " + head } else if let by = f.suppressedBy {
                    head = "[suppressed by \(by)\(f.suppressionSource.map { " at \($0)" } ?? "")] " + head
                    if f.suppressionOverBroad == true { head += " ‼ suppression hides the crate's own code" }
                }
                lines.append(head)
                if f.kind.isLeak && !f.message.isEmpty { lines.append("  \(f.message)") }
                for frame in f.stack { lines.append("    at \(frame.display)") }
                for aux in f.auxiliary {
                    lines.append("  \(aux.what)")
                    for frame in aux.stack { lines.append("    at \(frame.display)") }
                }
            }
            if !r.logFiles.isEmpty { lines.append("raw output: \(r.logFiles.joined(separator: ", "))") }
        }
        if !report.suppressions.isEmpty {
            lines.append("")
            lines.append("SUPPRESSIONS (used / unused):")
            for u in report.suppressions.sorted(by: { ($0.count, $0.source) > ($1.count, $1.source) }) {
                var s = "  \(u.count)× \(u.name) (\(u.source))"
                if u.bytes > 0 { s += ", \(Figures.grouped(u.bytes)) bytes" }
                if u.count == 0 { s += " — matched nothing" }
                if u.overBroad { s += " ‼ hid findings in the crate's own code" }
                lines.append(s)
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
