import Foundation

extension Engine {
    /// `moq-leakcheck parse FILE…`: the same findings, reports and exit codes
    /// from logs written earlier, through the same result builder and verdict.
    public func parseFiles(_ paths: [String]) -> Report {
        context.addOwnCode(root: FileManager.default.currentDirectoryPath)
        let runs = paths.map(parseOne)
        return decide(runs: runs, skipped: [])
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
        let head: Data
        do { head = try handle.read(upToCount: 256 << 10) ?? Data() } catch {
            return incomplete(.valgrind, "cannot read \(path): \(error.localizedDescription)")
        }
        try? handle.close()  // read-only handle: nothing is lost if close fails
        let prefix = String(decoding: head, as: UTF8.self)
        if prefix.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return incomplete(.valgrind, "\(path) is empty: no checker output to trust")
        }
        guard let format = LogRecognizer.recognize(prefix: head) else {
            return incomplete(.valgrind, "\(path) is not a checker log (no valgrind or sanitizer markers found)")
        }
        // The checker whose parser reads this format (its definition, in its folder).
        guard let parser = CheckerRegistry.parser(for: format) else {
            return incomplete(.valgrind, "\(path) is not a checker log (no valgrind or sanitizer markers found)")
        }
        let output: CheckerOutput
        let checker: Checker
        do { (checker, output) = try parser.parseLog(fileAt: path, format: format) } catch {
            return incomplete(parser.checker, "\(error)")
        }
        var run = ResultBuilder(context: context).build(
            RunEvidence(
                checker: checker, executable: output.command?.first ?? path,
                arguments: Array((output.command ?? []).dropFirst()),
                outcome: ProcessOutcome(
                    exitCode: nil, signal: nil, timedOut: false, interrupted: false, durationSeconds: 0),
                outputs: [output], logFiles: [path]),
            source: .command, target: (path as NSString).lastPathComponent, label: (path as NSString).lastPathComponent)
        run.durationSeconds = nil
        return run
    }
}
