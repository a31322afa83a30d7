import Foundation

/// Runs a short helper command (cargo --version, rustc -vV) and captures its
/// output through a temporary file.
public enum Capture {
    public struct Result: Sendable {
        public var outcome: ProcessOutcome
        public var output: String
    }

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        workingDirectory: String? = nil, supervisor: Supervisor = .shared, timeout: Double? = 120
    ) -> Result? {
        let path = NSTemporaryDirectory() + "moq-leakcheck-capture-\(getpid())-\(UUID().uuidString)"
        defer { unlink(path) }
        var spec = ProcessSpec(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory, stdoutPath: path, stderrPath: path, timeout: timeout)
        spec.gracePeriod = 1
        guard let outcome = try? supervisor.run(spec) else { return nil }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Result(outcome: outcome, output: text)
    }
}
