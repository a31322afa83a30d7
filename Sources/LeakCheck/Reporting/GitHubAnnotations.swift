import Foundation

/// GitHub Actions workflow commands (printed when `GITHUB_ACTIONS=true`), so a
/// leak shows on the pull request's diff.
///
/// One `::error` per call site of a cause (`report.causes`, most severe first;
/// a site two checkers, several tests or partitions reached is one
/// annotation), placed where the fix goes: the boundary
/// caller, else the test's own frame, else the top own frame. The message
/// carries the first own frames (`%0A`-separated). Paths are made relative to
/// the workspace on a path boundary only; a file outside it gets no `file=`
/// (GitHub could not place it anyway). GitHub shows at most 10 error
/// annotations per step: past that nothing is printed and `notAnnotated`
/// says how many were left for the step summary to mention. Possibly-lost
/// warnings go out as `::warning` under the same limit of their own.
public enum GitHubAnnotations {
    /// GitHub shows this many annotations of each level per step.
    public static let maxPerLevel = 10

    public struct Output: Sendable, Equatable {
        /// The workflow command lines to print, errors first.
        public var lines: [String]
        /// Error annotations (gating findings, incomplete runs) past the limit.
        public var notAnnotated: Int
        /// Warning annotations past the limit.
        public var warningsNotAnnotated: Int
    }

    /// `poll`: a renderer's (the step summary's); when it says stop, the lists are cut short.
    public static func annotations(
        _ report: Report, context: RenderContext, limit: Int = maxPerLevel, poll: RenderPoll? = nil
    ) -> Output {
        let policy = context.policy
        let root = context.workspaceRoot ?? context.environment["GITHUB_WORKSPACE"]
        var errors: [String] = []
        for e in CauseSites.of(report, causes: report.causes(poll: poll), poll: poll, where: policy.gates) {
            errors.append(command("error", e.finding, root: root, context: context))
        }
        for r in report.runs where r.status == .incomplete {
            let title = "\(r.checker.displayName): incomplete"
            errors.append(
                "::error title=\(property(title))::\(data(TextReport.runLabel(r) + ": " + (r.incompleteReason ?? "incomplete")))"
            )
        }
        var warnings: [String] = []
        for d in DistinctFindings.of(report, poll: poll, where: policy.warns) {
            warnings.append(command("warning", d, root: root, context: context))
        }
        return Output(
            lines: Array(errors.prefix(limit)) + Array(warnings.prefix(limit)),
            notAnnotated: max(0, errors.count - limit), warningsNotAnnotated: max(0, warnings.count - limit))
    }

    /// The lines only, for callers that print them (`Application.finish`).
    public static func render(_ report: Report, policy: Policy, selector: FrameSelector, root: String?) -> [String] {
        annotations(report, context: RenderContext(policy: policy, selector: selector, workspaceRoot: root)).lines
    }

    static func command(_ level: String, _ d: DistinctFinding, root: String?, context: RenderContext) -> String {
        let f = d.finding
        var props: [String] = []
        if let place = FindingPlacement.place(f, test: d.tests.first, selector: context.selector) {
            let file: String? = root.map { RelativePath.relative(place.file, to: $0) } ?? place.file
            if let file {
                props.append("file=\(property(file))")
                if let line = place.line { props.append("line=\(line)") }
            }
        }
        props.append("title=\(property("\(d.checkers.map(\.displayName).joined(separator: " + ")): \(f.kind.phrase)"))")
        let roots = (root.map { [$0] } ?? []) + context.sourceRoots
        var message = FindingPlacement.boundarySentence(f, roots: roots) ?? SARIFRenderer.message(headlineOnly: f)
        if !d.tests.isEmpty {
            message += d.tests.count == 1 ? " in test \(d.tests[0])" : " in tests \(d.tests.joined(separator: ", "))"
        }
        var lines = [message]
        for frame in context.selector.topFrames(f.stack) { lines.append("  at " + frame.display(roots: roots)) }
        return "::\(level) \(props.joined(separator: ","))::\(data(lines.joined(separator: "\n")))"
    }

    /// Workflow-command message escaping: `%`, CR and LF.
    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Property escaping: also `:` and `,`, which end a property.
    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

extension SARIFRenderer {
    /// The headline of a finding without its "— in test" part (outputs name the tests themselves).
    static func message(headlineOnly f: Finding) -> String { TextReport.headline(withoutTest(f)) }
}
