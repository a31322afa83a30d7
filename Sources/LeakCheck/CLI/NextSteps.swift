/// The lines a run that did not pass ends with: where its reports are and what to do
/// next (issue 10: "a failing run never says where its reports were written").
public enum NextSteps {
    /// One written report: what it holds and where it is.
    public struct ReportFile: Sendable, Equatable {
        /// "full stacks", "JSON", "JUnit", "SARIF", "HTML", "suppressions".
        public var label: String
        public var path: String
        public init(_ label: String, _ path: String) {
            self.label = label
            self.path = path
        }
    }

    /// Nothing for exit 0 (or 2, which never gets this far). Otherwise the reports
    /// line, then one `next:` line for the situation: findings (how to hide a known leak
    /// precisely), an over-broad suppression (how to narrow it), an incomplete run
    /// (doctor) or an interrupted one.
    public static func lines(
        exitCode: Int32, reports: [ReportFile], overBroadSuppressions: Bool = false,
        generatedSuppressions: String? = nil, leaksGate: Bool = true,
        console: Console
    ) -> [String] {
        // A run that fails on races or test failures alone is not told to fix leaks.
        let what = leaksGate ? ("leaks", "leak") : ("findings", "finding")
        guard exitCode != ExitCode.clean, exitCode != ExitCode.usage else { return [] }
        var lines: [String] = []
        if !reports.isEmpty {
            lines.append(
                console.bold("reports:") + " "
                    + reports.map { "\($0.label): \(display($0.path))" }.joined(separator: ", "))
        }
        let next = console.bold("next:") + " "
        switch exitCode {
        case ExitCode.findings:
            if overBroadSuppressions {
                lines.append(
                    next + "a suppression hides a leak in the crate's own code: narrow it "
                        + "(--gen-suppressions FILE writes a precise entry), or pass --allow-broad-suppressions")
            }
            if let generatedSuppressions {
                lines.append(
                    next + "fix the \(what.0), or review \(display(generatedSuppressions)) and pass it with "
                        + "--suppressions \(display(generatedSuppressions)) to hide the known ones")
            } else {
                lines.append(
                    next + "fix the \(what.0) shown above, or hide a known \(what.1) precisely: --gen-suppressions FILE")
            }
        case ExitCode.interrupted:
            lines.append(next + "the run was interrupted: run it again for a verdict")
        default:
            lines.append(next + "the run is incomplete (reasons above); moq-leakcheck doctor shows what is missing")
        }
        return lines
    }

    /// A bare relative path gets `./` so it reads as a file a user can open.
    static func display(_ path: String) -> String {
        path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") ? path : "./" + path
    }
}
