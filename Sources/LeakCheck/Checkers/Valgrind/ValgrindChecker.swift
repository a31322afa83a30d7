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
        // Absolute: valgrind resolves --xml-file in the test's working directory
        // (a ctest WORKING_DIRECTORY), not in ours.
        let base = AbsolutePath.of(base)
        let xml = base + ".xml"
        let log = base + ".valgrind.log"
        let out = base + ".out"
        // valgrind opens its files itself, following links: whatever sits at these names
        // (a planted symlink, a stale log of an earlier run) goes first. unlink removes a
        // link, never what it points to.
        for path in [xml, log] { unlink(path) }
        var env = context.environment
        for (k, v) in job.environment { env[k] = v }
        if let opts = env["VALGRIND_OPTS"] {
            let scrubbed = ValgrindOptions.scrub(opts)
            env["VALGRIND_OPTS"] = scrubbed.kept
            if !scrubbed.dropped.isEmpty {
                context.diagnostics.note(
                    "VALGRIND_OPTS: dropped \(scrubbed.dropped.joined(separator: " ")): moq-leakcheck applies suppressions itself, with accounting (give a file with --suppressions FILE)"
                )
            }
        }
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
            var output = try ValgrindXMLParser.parse(fileAt: run.outputPath)
            // valgrind records every option it ran with (its rc files' and
            // VALGRIND_OPTS' too) in <vargv>: one the tool did not pass that hides
            // errors means valgrind decided behind the tool's matcher.
            let foreign = ValgrindOptions.foreign(ValgrindOptions.vargv(ofXMLAt: run.outputPath))
            if !foreign.isEmpty && output.complete {
                output.complete = false
                output.incompleteReason =
                    "valgrind ran with \(foreign.joined(separator: " ")), which moq-leakcheck did not pass (from ~/.valgrindrc or ./.valgrindrc in the test's working directory): it hides errors behind the tool's own suppression matching; remove it and give suppression files with --suppressions FILE"
            }
            return ([output], run.logFiles)
        } catch {
            var o = CheckerOutput(format: .valgrindXML)
            o.complete = false
            o.incompleteReason = "cannot read valgrind XML: \(error)"
            return ([o], run.logFiles)
        }
    }

    func listingEnvironment(_ context: RunContext) -> [String: String] { context.environment }
}

/// The options valgrind takes from outside the tool (`VALGRIND_OPTS`,
/// `~/.valgrindrc`, `./.valgrindrc`, read before the command line). Single-valued
/// options are overridden by the tool's command line; these accumulate or are
/// not set by the tool, so they could hide an error behind the tool's matcher.
enum ValgrindOptions {
    /// Option names (before `=`) that hide errors the tool would report.
    static let hiding: Set<String> = [
        "--suppressions", "--ignore-ranges", "--ignore-range-below-sp", "--ignore-fn",
    ]

    static func isHiding(_ option: String) -> Bool {
        let name = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? option
        if hiding.contains(name) { return true }
        return option == "--undef-value-errors=no"
    }

    /// `VALGRIND_OPTS` without the hiding options (valgrind splits it on whitespace).
    static func scrub(_ opts: String) -> (kept: String, dropped: [String]) {
        var kept: [String] = []
        var dropped: [String] = []
        for item in opts.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) {
            if isHiding(item) { dropped.append(item) } else { kept.append(item) }
        }
        return (kept.joined(separator: " "), dropped)
    }

    /// The hiding options among those valgrind ran with.
    static func foreign(_ vargv: [String]) -> [String] { vargv.filter(isHiding) }

    /// The `<arg>`s of `<vargv>` in a valgrind XML file's preamble (at most its
    /// first MiB is read; valgrind writes the preamble first).
    static func vargv(ofXMLAt path: String) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 1 << 20) else { return [] }
        return vargv(inXML: String(decoding: data, as: UTF8.self))
    }

    static func vargv(inXML text: String) -> [String] {
        guard let start = text.range(of: "<vargv>"),
            let end = text.range(of: "</vargv>", range: start.upperBound..<text.endIndex)
        else { return [] }
        var args: [String] = []
        var rest = text[start.upperBound..<end.lowerBound]
        while let open = rest.range(of: "<arg>"),
            let close = rest.range(of: "</arg>", range: open.upperBound..<rest.endIndex)
        {
            args.append(unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return args
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
