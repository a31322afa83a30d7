import Foundation

/// JUnit XML (`--junit PATH`): one testcase per run, a failure per gating
/// finding, an error for an incomplete run. CI systems (GitLab, Jenkins,
/// Buildkite, GitHub test reporters) read it.
public enum JUnitReport {
    public static func render(_ report: Report, policy: Policy, selector: FrameSelector) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = report.runs.filter { $0.status == .findings }.count
        let errors = report.runs.filter { $0.status == .incomplete }.count
        out += "<testsuites name=\"moq-leakcheck\" tests=\"\(report.runs.count)\" failures=\(quote(failures)) errors=\(quote(errors))>\n"
        for checker in Checker.allCases {
            let runs = report.runs.filter { $0.checker == checker }
            if runs.isEmpty { continue }
            out += "  <testsuite name=\(quote(checker.rawValue)) tests=\"\(runs.count)\""
            out += " failures=\(quote(runs.filter { $0.status == .findings }.count))"
            out += " errors=\(quote(runs.filter { $0.status == .incomplete }.count))>\n"
            for r in runs {
                let binary = (r.executable as NSString).lastPathComponent
                let classname = [checker.rawValue, r.featureSet, binary].compactMap { $0 }.joined(separator: ".")
                out += "    <testcase classname=\(quote(classname)) name=\(quote(r.test ?? "(whole binary)"))"
                out += " time=\(quote(String(format: "%.3f", r.durationSeconds ?? 0)))>\n"
                if r.status == .incomplete {
                    out += "      <error message=\(quote(r.incompleteReason ?? "incomplete"))/>\n"
                }
                for f in r.findings where policy.gates(f) {
                    var body = f.message + "\n"
                    for frame in f.stack.prefix(16) { body += "  at \(frame.display)\n" }
                    out += "      <failure type=\(quote(f.kind.rawValue)) message=\(quote(TextReport.headline(f)))>"
                    out += escape(body) + "</failure>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    static func quote(_ n: Int) -> String { "\"\(n)\"" }
    static func quote(_ s: String) -> String { "\"" + escape(s) + "\"" }

    /// XML 1.0 escaping; C0 controls other than tab/newline/CR are invalid even
    /// as character references (ANSI colour escapes!), so they are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// GitHub Actions workflow commands: an `::error` annotation per gating
/// finding at its first frame in the crate's own code (printed when
/// GITHUB_ACTIONS=true), so the leak shows on the pull request's diff.
public enum GitHubAnnotations {
    public static func render(_ report: Report, policy: Policy, selector: FrameSelector, root: String?) -> [String] {
        var lines: [String] = []
        var seen = Set<String>()
        for r in report.runs {
            for f in r.findings where policy.gates(f) {
                let frame = selector.topFrames(f.stack, limit: 1).first
                var props: [String] = []
                if let file = frame?.file {
                    var path = file
                    if let root, path.hasPrefix(root) { path = String(path.dropFirst(root.count)).trimmingPrefix("/") }
                    props.append("file=\(property(path))")
                    if let line = frame?.line { props.append("line=\(line)") }
                }
                props.append("title=\(property("\(r.checker.displayName): \(f.kind.phrase)"))")
                let line = "::error \(props.joined(separator: ","))::\(data(TextReport.headline(f)))"
                if seen.insert(line).inserted { lines.append(line) }
            }
            if r.status == .incomplete {
                lines.append("::error title=\(property("\(r.checker.displayName): incomplete"))::\(data(TextReport.runLabel(r) + ": " + (r.incompleteReason ?? "incomplete")))")
            }
        }
        return lines
    }

    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

extension String {
    fileprivate func trimmingPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
}
