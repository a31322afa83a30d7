import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// The repository stands alone: a clone of the committed HEAD, in a directory with
/// nothing beside it, passes the suites that read the corpus and the SARIF schema.
/// (Slow: it builds the clone from scratch, so only those suites run there.)
@Suite struct FreshCloneTests {
    /// Type name (for `--filter`) and the name Swift Testing prints.
    static let suites = [
        ("ValgrindCorpusTests", "ValgrindCorpusTests"),
        ("SanitizerCorpusTests", "\"Sanitizer corpus: ClusterFuzz and CMake\""),
        ("SummaryReconciliationTests", "SummaryReconciliationTests"), ("SARIFReportTests", "SARIFReportTests"),
    ]

    @Test(.timeLimit(.minutes(60)))
    func aCloneWithNothingBesideItPassesTheCorpusAndSchemaSuites() throws {
        try Tool.require("git", install: "apt-get install git")
        try Tool.require("swift", install: "a Swift 6 toolchain on PATH")
        try Tool.require("python3", install: "apt-get install python3 python3-jsonschema (scripts/install-deps.sh)")
        // An empty directory holding only the clone: nothing beside it to read.
        let lonely = Tool.tempDir("fresh-clone")
        defer { try? FileManager.default.removeItem(atPath: lonely) }
        let clone = lonely + "/moq-leakcheck"
        let git = try run(
            "git", ["clone", "-q", "--no-hardlinks", Tool.repoRoot.path, clone], in: lonely, timeout: 300)
        try #require(git.status == 0, "git clone failed: \(git.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: lonely) == ["moq-leakcheck"])
        let filter = Self.suites.map(\.0).joined(separator: "|")
        let test = try run("swift", ["test", "--filter", filter], in: clone, timeout: 3300)
        #expect(test.status == 0, "swift test in the fresh clone failed:\n\(test.output.suffix(4000))")
        for (type, shown) in Self.suites {
            #expect(test.output.contains("Suite \(shown) passed"), "\(type) did not pass in the clone")
        }
    }

    func run(
        _ program: String, _ args: [String], in dir: String, environment: [String: String]? = nil, timeout: Double
    ) throws -> (status: Int32?, output: String) {
        let logs = Tool.tempDir("fresh-clone-log")
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let outcome = try Supervisor().run(
            ProcessSpec(
                executable: program, arguments: args, environment: environment, workingDirectory: dir,
                stdoutPath: logs + "/out", stderrPath: logs + "/err", timeout: timeout))
        let output = ["out", "err"].map { (try? String(contentsOfFile: logs + "/" + $0, encoding: .utf8)) ?? "" }
        return (outcome.exitCode, output.joined(separator: "\n"))
    }
}
