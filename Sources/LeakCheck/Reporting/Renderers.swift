import Foundation

/// `valgrind-report.txt` / `sanitizer-report.txt`: the full text report of
/// some checkers.
public struct TextReportRenderer: ReportRenderer {
    public let path: String
    let checkers: [Checker]
    let title: String
    public var name: String { (path as NSString).lastPathComponent }
    public var label: String { "full stacks" }

    public init(path: String, checkers: [Checker], title: String) {
        self.path = path
        self.checkers = checkers
        self.title = title
    }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let text = TextReport.full(
            report, checkers: checkers, policy: context.policy, title: title, selector: context.selector,
            listing: context.listing(for: report), poll: poll)
        try poll.check()
        // Names are data: a name cannot start a line of its own or carry a control sequence.
        return Data(Console.neutralise(text, keepStyles: false).utf8)
    }

    /// The text reports for the checkers that ran, in the report dir.
    public static func forRuns(of report: Report, reportDir: String) -> [TextReportRenderer] {
        let ran = Set(report.runs.map(\.checker))
        // One file per report name the checkers declare; checkers that share a name share the file.
        var all: [(checkers: [Checker], file: String, title: String)] = []
        for d in CheckerRegistry.all {
            if let i = all.firstIndex(where: { $0.file == d.reportFile.name }) {
                all[i].checkers.append(d.checker)
            } else {
                all.append(([d.checker], d.reportFile.name, d.reportFile.title))
            }
        }
        return all.filter { !ran.isDisjoint(with: $0.checkers) }.map {
            TextReportRenderer(
                path: (reportDir as NSString).appendingPathComponent($0.file), checkers: $0.checkers, title: $0.title)
        }
    }
}

/// `--json PATH`: the schemaVersion 1 report.
public struct JSONReportRenderer: ReportRenderer {
    public let path: String
    public var name: String { "JSON report \(path)" }
    public var label: String { "JSON" }
    public init(path: String) { self.path = path }
    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let data = try JSONReport.encode(report, listing: context.listing(for: report), poll: poll)
        try poll.check()
        return data
    }
}

/// `--gen-suppressions FILE`: valgrind entries for valgrind findings, LSan
/// entries for sanitizer leaks (FILE, or FILE.lsan when both ran).
public struct GeneratedSuppressionsRenderer: ReportRenderer {
    /// The syntax written: the one the checkers whose findings it covers read.
    public typealias Format = SuppressionFormat
    public let path: String
    let format: Format
    let ownCode: OwnCode
    public var name: String { "generated suppressions \(path)" }
    public var label: String { "generated suppressions" }

    /// An interrupted report gets entries for its listed findings only
    /// (`context.listing(for:)`), after a comment saying so (both formats read `#` lines as comments).
    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let listing = context.listing(for: report)
        let shown = listing?.listed ?? report
        let checkers = Set(CheckerRegistry.all.filter { $0.suppressionFormat == format }.map(\.checker))
        let poll = RenderPoll(rendering: report)
        var live: [Finding] = []
        for run in shown.runs where checkers.contains(run.checker) {
            for f in run.findings where f.suppressedBy == nil {
                try poll.tick(f.stack.count)
                live.append(f)
            }
        }
        let header = listing.map { "# moq-leakcheck: \($0.sentence)\n" } ?? ""
        switch format {
        case .valgrind:
            let text = header + SuppressionGenerator.valgrind(for: live, ownCode: ownCode, poll: poll)
            try poll.check()
            return Data(text.utf8)
        case .lsan:
            var text = header + SuppressionGenerator.lsan(for: live.filter(\.kind.isLeak), ownCode: ownCode, poll: poll)
            try poll.check()
            // Kinds of a checker's own (tsan's race:, deadlock: …), written by the checker.
            for definition in CheckerRegistry.all where checkers.contains(definition.checker) {
                let own = shown.runs.filter { $0.checker == definition.checker }.flatMap {
                    $0.findings.filter { $0.suppressedBy == nil }
                }
                text += definition.generatedSuppressions(for: own, ownCode: ownCode)
            }
            return Data(text.utf8)
        }
    }

    public static func forRuns(of report: Report, path: String, ownCode: OwnCode) -> [GeneratedSuppressionsRenderer] {
        let formats = Set(report.runs.map { CheckerRegistry.definition($0.checker).suppressionFormat })
        let ranValgrind = formats.contains(.valgrind)
        let ranSanitizer = formats.contains(.lsan)
        var out: [GeneratedSuppressionsRenderer] = []
        if ranValgrind || !ranSanitizer { out.append(.init(path: path, format: .valgrind, ownCode: ownCode)) }
        if ranSanitizer {
            out.append(.init(path: ranValgrind ? path + ".lsan" : path, format: .lsan, ownCode: ownCode))
        }
        return out
    }
}
