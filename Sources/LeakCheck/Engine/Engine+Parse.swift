import Foundation

/// What kind of log a file is, from its first bytes.
public enum LogFormatDetector {
    public static func detect(prefix: String) -> CheckerOutput.Format? {
        if prefix.contains("<valgrindoutput") || prefix.hasPrefix("<?xml") { return .valgrindXML }
        if prefix.contains("Sanitizer") || prefix.contains("ERROR: AddressSanitizer") { return .sanitizer }
        if prefix.contains("Memcheck, a memory error detector") || prefix.contains("LEAK SUMMARY")
            || prefix.contains("HEAP SUMMARY") || prefix.contains("ERROR SUMMARY")
            || prefix.range(of: "are definitely lost in loss record") != nil
            || prefix.range(of: "Invalid read of size") != nil || prefix.range(of: "Invalid write of size") != nil
        {
            return .valgrindText
        }
        return nil
    }
}

extension Engine {
    /// `moq-leakcheck parse FILE…`: the same findings, reports and exit codes
    /// from logs written earlier.
    public func parseFiles(_ paths: [String]) -> Report {
        var runs: [RunResult] = []
        for path in paths {
            runs.append(parseOne(path))
        }
        return assemble(runs: runs, skipped: [], policy: options.policy)
    }

    func parseOne(_ path: String) -> RunResult {
        func incomplete(_ checker: Checker, _ reason: String) -> RunResult {
            RunResult(
                checker: checker, executable: path, arguments: [], status: .incomplete, incompleteReason: reason,
                logFiles: [path])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return incomplete(.valgrind, "cannot read \(path)")
        }
        let head = (try? handle.read(upToCount: 256 << 10)) ?? Data()
        try? handle.close()
        let prefix = String(decoding: head, as: UTF8.self)
        if prefix.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return incomplete(.valgrind, "\(path) is empty: no checker output to trust")
        }
        guard let format = LogFormatDetector.detect(prefix: prefix) else {
            return incomplete(.valgrind, "\(path) is neither a valgrind (XML or text) nor a sanitizer log")
        }
        let output: CheckerOutput
        let checker: Checker
        switch format {
        case .valgrindXML:
            checker = .valgrind
            do { output = try ValgrindXMLParser.parse(fileAt: path) } catch { return incomplete(.valgrind, "\(error)") }
        case .valgrindText:
            checker = .valgrind
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return incomplete(.valgrind, "cannot read \(path) as UTF-8 text")
            }
            output = ValgrindTextParser.parse(text: text)
        case .sanitizer:
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return incomplete(.asan, "cannot read \(path) as UTF-8 text")
            }
            checker = text.contains("AddressSanitizer") ? .asan : .lsan
            output = SanitizerLogParser.parse(text: text)
        }
        var run = RunInterpreter.interpret(
            RunEvidence(
                checker: checker, executable: output.command?.first ?? path,
                arguments: Array((output.command ?? []).dropFirst()),
                outcome: ProcessOutcome(exitCode: nil, signal: nil, timedOut: false, interrupted: false, durationSeconds: 0),
                outputs: [output], logFiles: [path]))
        run.durationSeconds = nil
        for w in output.warnings { note("\((path as NSString).lastPathComponent): \(w)") }
        checkerCounts.withLock { counts in
            for (name, n) in output.checkerSuppressionCounts { counts[name, default: 0] += n }
        }
        applySuppressions(to: &run)
        return run
    }

    /// `--gen-suppressions FILE`: valgrind entries for valgrind findings; LSan
    /// entries for sanitizer leaks (in FILE, or FILE.lsan when both ran).
    func writeGeneratedSuppressions(_ report: Report, to path: String) throws {
        let own = ownCode()
        let live = { (c: Set<Checker>) in
            report.runs.filter { c.contains($0.checker) }.flatMap { $0.findings.filter { $0.suppressedBy == nil } }
        }
        let vg = live([.valgrind])
        let san = live([.asan, .lsan]).filter(\.kind.isLeak)
        let ranValgrind = report.runs.contains { $0.checker == .valgrind }
        let ranSanitizer = report.runs.contains { $0.checker != .valgrind }
        if ranValgrind || !ranSanitizer {
            try AtomicFile.write(SuppressionGenerator.valgrind(for: vg, ownCode: own), to: path)
        }
        if ranSanitizer {
            let lsanPath = ranValgrind ? path + ".lsan" : path
            try AtomicFile.write(SuppressionGenerator.lsan(for: san, ownCode: own), to: lsanPath)
        }
    }
}
