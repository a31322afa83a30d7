import Foundation

/// valgrind memcheck: full leak check, every leak kind shown, XML with the
/// mangled frames `--gen-suppressions=all` carries (our matcher needs them).
struct ValgrindChecker: CheckerDriver {
    var checker: Checker { .valgrind }
    var sanitizer: SanitizerFlavor? { nil }
    var startupSeconds: Double { ShardPlanner.valgrindStartupSeconds }
    var leakCheckOnlyAtExit: Bool { false }
    var reportExitCode: Int32? { nil }

    func unavailability(_ context: RunContext) -> String? {
        ExecutableLocator.resolve("valgrind", environment: context.environment) == nil
            ? "valgrind not found on PATH (install it: apt-get install valgrind)" : nil
    }

    static func arguments(xml: String, log: String) -> [String] {
        [
            "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=all",
            "--errors-for-leak-kinds=definite,indirect", "--gen-suppressions=all", "--error-limit=no",
            "--child-silent-after-fork=yes", "--num-callers=40", "--xml=yes", "--xml-file=\(xml)",
            "--log-file=\(log)",
        ]
    }

    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun {
        let xml = base + ".xml"
        let log = base + ".valgrind.log"
        let out = base + ".out"
        var env = context.environment
        for (k, v) in job.environment { env[k] = v }
        // A panic backtrace under valgrind adds megabytes of "still reachable"
        // symbolication caches (RUST_BACKTRACE=1 is common in CI): keep it off.
        env["RUST_BACKTRACE"] = "0"
        let spec = ProcessSpec(
            executable: "valgrind", arguments: Self.arguments(xml: xml, log: log) + [job.program] + job.arguments,
            environment: env, workingDirectory: job.workingDirectory, stdoutPath: out, stderrPath: out,
            timeout: job.timeout ?? context.options.timeout)
        return PreparedRun(spec: spec, outputPath: xml, programOutput: out, logFiles: [xml, log, out])
    }

    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String]) {
        guard FileManager.default.fileExists(atPath: run.outputPath) else { return ([], run.logFiles) }
        do {
            return ([try ValgrindXMLParser.parse(fileAt: run.outputPath)], run.logFiles)
        } catch {
            var o = CheckerOutput(format: .valgrindXML)
            o.complete = false
            o.incompleteReason = "cannot read valgrind XML: \(error)"
            return ([o], run.logFiles)
        }
    }

    func listingEnvironment(_ context: RunContext) -> [String: String] { context.environment }
}
