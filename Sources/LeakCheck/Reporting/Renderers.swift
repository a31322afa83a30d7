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
        // Names are data: a name cannot start a line of its own or carry a control sequence.
        Data(
            Console.neutralise(
                TextReport.full(
                    report, checkers: checkers, policy: context.policy, title: title, selector: context.selector),
                keepStyles: false
            )
            .utf8)
    }

    /// The text reports for the checkers that ran, in the report dir.
    public static func forRuns(of report: Report, reportDir: String) -> [TextReportRenderer] {
        let ran = Set(report.runs.map(\.checker))
        let all: [(checkers: [Checker], file: String, title: String)] = [
            ([.valgrind], "valgrind-report.txt", "Valgrind memcheck report"),
            ([.asan, .lsan], "sanitizer-report.txt", "Sanitizer report"),
        ]
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
    public func render(_ report: Report, context: RenderContext) throws -> Data { try JSONReport.encode(report) }
}

/// `--gen-suppressions FILE`: valgrind entries for valgrind findings, LSan
/// entries for sanitizer leaks (FILE, or FILE.lsan when both ran).
public struct GeneratedSuppressionsRenderer: ReportRenderer {
    public enum Format: Sendable { case valgrind, lsan }
    public let path: String
    let format: Format
    let ownCode: OwnCode
    public var name: String { "generated suppressions \(path)" }
    public var label: String { "generated suppressions" }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let checkers: Set<Checker> = format == .valgrind ? [.valgrind] : [.asan, .lsan]
        let live = report.runs.filter { checkers.contains($0.checker) }.flatMap {
            $0.findings.filter { $0.suppressedBy == nil }
        }
        switch format {
        case .valgrind: return Data(SuppressionGenerator.valgrind(for: live, ownCode: ownCode).utf8)
        case .lsan: return Data(SuppressionGenerator.lsan(for: live.filter(\.kind.isLeak), ownCode: ownCode).utf8)
        }
    }

    public static func forRuns(of report: Report, path: String, ownCode: OwnCode) -> [GeneratedSuppressionsRenderer] {
        let ranValgrind = report.runs.contains { $0.checker == .valgrind }
        let ranSanitizer = report.runs.contains { $0.checker != .valgrind }
        var out: [GeneratedSuppressionsRenderer] = []
        if ranValgrind || !ranSanitizer { out.append(.init(path: path, format: .valgrind, ownCode: ownCode)) }
        if ranSanitizer {
            out.append(.init(path: ranValgrind ? path + ".lsan" : path, format: .lsan, ownCode: ownCode))
        }
        return out
    }
}
