import Foundation

/// valgrind helgrind: XML with the mangled frames `--gen-suppressions=all` carries (our
/// matcher needs them), read by memcheck's scanner and then `HelgrindFindings`.
struct HelgrindChecker: CheckerDriver {
    var checker: Checker { .helgrind }
    var sanitizer: SanitizerFlavor? { nil }
    var startupSeconds: Double { ShardPlanner.valgrindStartupSeconds }
    /// Like memcheck, what it saw before a fatal signal is kept.
    var leakCheckOnlyAtExit: Bool { false }
    var reportExitCode: Int32? { nil }

    /// valgrind's own: the same program runs both tools.
    func unavailability(_ context: RunContext) -> String? { ValgrindChecker().unavailability(context) }

    static func arguments(xml: String, log: String) -> [String] {
        [
            "--tool=helgrind", "--gen-suppressions=all", "--error-limit=no", "--child-silent-after-fork=yes",
            "--num-callers=40", "--xml=yes", "--xml-file=\(xml)", "--log-file=\(log)",
        ]
    }

    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun {
        // memcheck's, with helgrind's arguments (VALGRIND_OPTS scrubbed the same way).
        var run = try ValgrindChecker().prepare(job, base: base, context: context)
        let xml = run.outputPath
        let log = String(xml.dropLast(".xml".count)) + ".helgrind.log"
        unlink(log)  // as memcheck's names: valgrind follows a link it finds there
        let program = run.spec.arguments.count - (job.arguments.count + 1)
        run.spec.arguments = Self.arguments(xml: xml, log: log) + Array(run.spec.arguments[program...])
        run.logFiles = run.logFiles.map { $0.hasSuffix(".valgrind.log") ? log : $0 }
        run.source = job.source
        return run
    }

    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String]) {
        let (outputs, logs) = ValgrindChecker().collect(run, context: context)
        return (
            outputs.map { o in
                var o = o
                o.format = .helgrindXML
                HelgrindFindings.interpret(&o, cargo: run.source == .cargo)
                // helgrind reports a race once per access pair (read and write at one line): identical
                // findings are stored once with their count, as `parse` stores them.
                o.findings = FindingDeduplication.deduplicate(o.findings)
                // Said once per run, in the notes every output shows.
                if o.findings.contains(where: { $0.notGatingReason != nil }) {
                    context.diagnostics.note(HelgrindFindings.cargoReason)
                }
                return o
            }, logs
        )
    }

    func listingEnvironment(_ context: RunContext) -> [String: String] { context.environment }
}
