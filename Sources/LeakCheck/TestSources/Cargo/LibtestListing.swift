import Foundation

/// Reading test names from a libtest binary (`--list --format terse`).
public enum LibtestListing {
    /// `name: test` lines → names; benches and other kinds are dropped.
    public static func parseTerse(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasSuffix(": test") else { return nil }
            return String(line.dropLast(": test".count))
        }
    }

    /// Names of tests the harness reported as FAILED, from its stdout
    /// (`test name ... FAILED`), in order, without duplicates.
    public static func failedTests(in output: String) -> [String] {
        var names: [String] = []
        for line in output.split(separator: "\n") {
            guard line.hasPrefix("test "), line.hasSuffix(" ... FAILED") else { continue }
            let name = String(line.dropFirst(5).dropLast(" ... FAILED".count))
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The seconds libtest says its tests took (`…; finished in 0.45s` at the
    /// end of its verdict line): the process's work without its start-up.
    public static func finishedSeconds(in output: String) -> Double? {
        guard let line = resultLine(in: output), let at = line.range(of: "finished in ", options: .backwards),
            line.hasSuffix("s")
        else { return nil }
        return Double(line[at.upperBound...].dropLast())
    }

    /// The harness's own verdict line (`test result: ok. 3 passed; …`), if it printed one.
    public static func resultLine(in output: String) -> String? {
        output.split(separator: "\n").last(where: { $0.hasPrefix("test result: ") }).map(String.init)
    }
}
