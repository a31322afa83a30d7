import Foundation

/// The whole program behind the thin executable: argv in, exit code out.
public enum Application {
    public static func main(
        arguments: [String], console: Console? = nil, supervisor: Supervisor = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Int32 {
        let options: Options
        do {
            options = try Options.parse(ArgvNormalizer.arguments(arguments, program: CommandLine.arguments.first ?? ""))
        } catch {
            (console ?? Console()).error("\(error)")
            return ExitCode.usage
        }
        let console = console ?? Console(verbosity: options.quiet ? .quiet : options.verbose ? .verbose : .normal)
        if let code = FrontEnd.respond(to: options, console: console) { return code }
        switch options.subcommand {
        case .doctor:
            return Doctor.run(
                console: console, toolRoot: ToolRoot.locate(), environment: environment,
                requiring: options.requiredCheckers)
        case .suppressions:
            let result = SuppressionParser.checkResult(
                files: Array(options.positional.dropFirst()), strict: options.strictCheck)
            for e in result.errors { console.error(e) }
            for w in result.warnings { console.out(w) }
            if result.errors.isEmpty { console.out("ok: \(options.positional.count - 1) file(s) valid") }
            return result.errors.isEmpty ? ExitCode.clean : ExitCode.usage
        case .merge:
            return MergeCommand.run(options, console: console, supervisor: supervisor, environment: environment)
        default:
            break
        }

        if options.subcommand == .parse {
            for f in options.positional where !FileManager.default.isReadableFile(atPath: f) {
                console.error("parse: cannot read \(f)")
                return ExitCode.usage
            }
        }
        // Suppressions are read before anything runs: a malformed file is exit 2, never a silent skip.
        let diagnostics = Diagnostics()
        let suppressions: [Suppression]
        let target: Target?
        let sources: [any TestSource]
        let boundaries: BoundaryFinder?
        let baseline: Report?
        do {
            try AtomicFile.prepareDirectory(options.reportDir)
            try options.validatePaths()
            try prepareOutputPaths(options)
            target = options.subcommand == .parse ? nil : try resolveTarget(options)
            sources =
                options.subcommand == .parse ? [] : try Self.sources(options, target: target, environment: environment)
            suppressions = try loadSuppressions(options, target: target, diagnostics: diagnostics)
            boundaries = try boundaryFinder(options, target: target, sources: sources)
            baseline = try options.baselinePath.map(BaselineComparison.load)
        } catch {
            console.error("\(error)")
            return ExitCode.usage
        }
        let context = RunContext(
            options: options, console: console, supervisor: supervisor, environment: environment,
            diagnostics: diagnostics, suppressions: suppressions, boundaries: boundaries, baseline: baseline)
        let engine = Engine(context: context)
        let report: Report
        if options.subcommand == .parse {
            report = engine.parseFiles(options.positional)
        } else {
            report = engine.runCheckers(sources: sources)
        }
        return finish(report, context: context)
    }

    /// The output files the flags ask for, checked before anything runs.
    /// Every output path asked for can be written (its directory made), and is not a
    /// directory: a typo'd path is exit 2 with its flag before anything runs.
    static func prepareOutputPaths(_ options: Options) throws {
        for (flag, path) in outputFlags(options) {
            let dir = (path as NSString).deletingLastPathComponent
            do { try AtomicFile.prepareDirectory(dir.isEmpty ? "." : dir) } catch {
                throw UsageError("\(flag) \(path): cannot write there")
            }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw UsageError("\(flag) \(path): is a directory (give a file path)")
            }
        }
    }

    static func outputFlags(_ options: Options) -> [(String, String)] {
        let asked = ReportFormat.all.map { ($0.flag, options[keyPath: $0.path]) }
        return (asked + [("--gen-suppressions", options.genSuppressionsPath)]).compactMap { flag, path in
            path.map { (flag, $0) }
        }
    }

    /// Writes every output from the one verdict, then prints the summary and
    /// returns the verdict's exit code. An output that cannot be written makes
    /// the verdict incomplete before any output is written, so all of them say so.
    static func finish(_ decided: Report, context: RunContext) -> Int32 {
        let options = context.options
        let console = context.console
        let own = context.ownCode
        let ownFrame: @Sendable (Frame) -> Bool = { own.contains($0) }
        let caller = context.boundaries?.isCallerCode ?? ownFrame
        let selector = FrameSelector(
            isOwnCode: { own.contains($0) }, isCallerCode: caller,
            roots: context.sourceRoots + [FileManager.default.currentDirectoryPath])
        let renderContext = RenderContext(
            policy: context.policy, selector: selector,
            reportDir: options.reportDir, sourceRoots: context.sourceRoots,
            workspaceRoot: context.environment["GITHUB_WORKSPACE"], environment: context.environment)
        var renderers: [any ReportRenderer] = TextReportRenderer.forRuns(of: decided, reportDir: options.reportDir)
        if let path = options.genSuppressionsPath {
            renderers += GeneratedSuppressionsRenderer.forRuns(of: decided, path: path, ownCode: own)
        }
        for format in ReportFormat.inWriteOrder {
            if let name = format.defaultFileName {
                let path = (options.reportDir as NSString).appendingPathComponent(name)
                renderers.append(format.makeRenderer(path, context))
            }
            if let path = options[keyPath: format.path] { renderers.append(format.makeRenderer(path, context)) }
        }
        if let path = options.baselineOutputPath { renderers.append(JSONReportRenderer(path: path)) }
        if let summary = context.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            renderers.append(StepSummaryRenderer(path: summary, reportFiles: renderers.map(\.path)))
        }
        let written = OutputPipeline.write(
            renderers,
            decide: { errors in
                var r = decided
                r.incompleteReasons += errors.filter { !r.incompleteReasons.contains($0) }
                // A signal that came after the verdict (while rendering) still makes it interrupted.
                if context.isInterrupted { r.interrupted = true }
                return r
            }, context: renderContext)
        let report = written.report
        for e in written.errors { console.error(e) }
        // An interrupted report is shown as its outputs list it: bounded (`interruptedListing`).
        let listing = renderContext.listing(for: report)
        if context.environment["GITHUB_ACTIONS"] == "true" {
            let annotations = GitHubAnnotations.annotations(listing?.listed ?? report, context: renderContext)
            for line in annotations.lines { console.annotation(line) }
            if annotations.notAnnotated > 0 {
                console.progress(
                    "note: \(annotations.notAnnotated) more findings were not annotated (GitHub shows 10 per step): see the reports"
                )
            }
        }
        if console.verbosity > .quiet || report.exitCode != 0 {
            // A signal after the reports were committed (their verdict stands) still
            // stops the summary's grouping: it is then made from a bounded listing.
            let poll = RenderPoll(rendering: report)
            var summary = TextReport.summary(
                report, policy: context.policy, selector: renderContext.selector, colour: console.useColour,
                listing: listing, poll: poll)
            if poll.stopped {
                summary = TextReport.summary(
                    report, policy: context.policy, selector: renderContext.selector, colour: console.useColour,
                    listing: InterruptedListing(report, limit: renderContext.interruptedListing))
            }
            console.out(summary)
            let failed = Set(written.errors.map { $0 })
            let files = renderers.filter { r in !failed.contains { $0.hasPrefix(r.name + ":") } }.map {
                NextSteps.ReportFile($0.label, $0.path)
            }
            for line in NextSteps.lines(
                exitCode: report.exitCode, reports: files,
                overBroadSuppressions: report.suppressions.contains { $0.overBroad },
                generatedSuppressions: options.genSuppressionsPath,
                leaksGate: Self.leaksGate(report), console: console)
            {
                console.out(line)
            }
        }
        if options.subcommand == .baseline && report.exitCode == ExitCode.findings && written.errors.isEmpty {
            console.out("baseline written to \(options.baselineOutputPath ?? "?"): its findings are known from now on")
            return ExitCode.clean
        }
        return report.exitCode
    }

    /// No cause, or a leak among them (`report.causes` are the gating findings
    /// grouped): read from the findings, without grouping a huge report twice more.
    static func leaksGate(_ report: Report) -> Bool {
        let policy = report.derivedPolicy
        var gates = false
        for run in report.runs {
            for f in run.findings where policy.gates(f) {
                if f.kind.isLeak { return true }
                gates = true
            }
        }
        return !gates
    }

    /// `--` command, else the manifest: `--manifest-path`, `./Cargo.toml`, `./moq_ffi/Cargo.toml`.
    static func resolveTarget(_ options: Options) throws -> Target? {
        if !options.command.isEmpty {
            if options.manifestPath != nil || !options.ctestDirs.isEmpty || options.cmakeSource != nil {
                throw UsageError(
                    "a command after -- cannot be combined with --manifest-path, --ctest or --cmake-source")
            }
            guard ExecutableLocator.resolve(options.command[0]) != nil else {
                throw UsageError("\(options.command[0]): no such executable")
            }
            return .command(options.command)
        }
        // A C suite alone (--ctest / --cmake-source) checks no crate unless --manifest-path names one.
        let cSuite = !options.ctestDirs.isEmpty || options.cmakeSource != nil
        if cSuite && options.manifestPath == nil { return nil }
        let fm = FileManager.default
        let candidates = options.manifestPath.map { [$0] } ?? ["Cargo.toml", "moq_ffi/Cargo.toml"]
        for c in candidates {
            var isDir: ObjCBool = false
            let path = c.hasSuffix(".toml") ? c : (c as NSString).appendingPathComponent("Cargo.toml")
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                let abs = URL(fileURLWithPath: path).standardizedFileURL.path
                return .cargo(manifest: abs, crateDir: (abs as NSString).deletingLastPathComponent)
            }
        }
        if let m = options.manifestPath { throw UsageError("--manifest-path \(m): no such Cargo.toml") }
        throw UsageError(
            "no Cargo.toml here or in ./moq_ffi: pass --manifest-path PATH, --ctest BUILD_DIR, or a program to run after --"
        )
    }

    /// The sources of one run: the crate (or the command), then every CTest tree.
    static func sources(_ options: Options, target: Target?, environment: [String: String]) throws -> [any TestSource] {
        var sources: [any TestSource] = []
        var buildRoot = (options.reportDir as NSString).appendingPathComponent("leakcheck-build")
        switch target {
        case .command(let argv): sources.append(CommandSource(argv: argv))
        case .cargo(let manifest, let crateDir):
            sources.append(CargoSource(manifest: manifest, crateDir: crateDir))
            let targetDir = environment["CARGO_TARGET_DIR"] ?? (crateDir as NSString).appendingPathComponent("target")
            buildRoot = (targetDir as NSString).appendingPathComponent("moq-leakcheck")
        case nil: break
        }
        for dir in options.ctestDirs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw UsageError("--ctest \(dir): no such build directory")
            }
            sources.append(CTestSource(tree: .existing(absolute(dir)), selection: options.ctestArgs))
        }
        if let dir = options.cmakeSource {
            guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("CMakeLists.txt"))
            else {
                throw UsageError("--cmake-source \(dir): no CMakeLists.txt there")
            }
            var buildsCrate = false
            if case .cargo = target { buildsCrate = true }
            if !buildsCrate,
                let arg = options.cmakeArgs.first(where: { $0.contains(CMakeInvocation.crateLibDirPlaceholder) })
            {
                throw UsageError(CMakeArgumentError.noCrateLibrary(argument: arg).description)
            }
            sources.append(
                CTestSource(
                    tree: .source(dir: absolute(dir), buildRoot: absolute(buildRoot), cmakeArgs: options.cmakeArgs),
                    selection: options.ctestArgs))
        }
        return sources
    }

    /// The crate's C ABI, to name the boundary a leak crossed: its exported
    /// functions and header (`include/*.h` beside Cargo.toml, or `--ffi-header`).
    /// Caller code is the crate's tests and the C suites' sources.
    static func boundaryFinder(_ options: Options, target: Target?, sources: [any TestSource]) throws -> BoundaryFinder?
    {
        guard case .cargo(_, let crateDir) = target else { return nil }
        for h in options.ffiHeaders where !FileManager.default.isReadableFile(atPath: h) {
            throw UsageError("--ffi-header \(h): cannot read the file")
        }
        let surface: FFISurface
        do { surface = try FFISurface.load(crateDirectory: crateDir, headerPath: options.ffiHeaders.first) } catch {
            throw UsageError("\(error)")
        }
        var roots = [crateDir + "/tests/", crateDir + "/src/tests.rs", crateDir + "/examples/"]
        var buildTrees: [String] = []
        for case let s as CTestSource in sources {
            if case .source(let dir, let buildRoot, _) = s.tree {
                roots.append(dir + "/")
                buildTrees.append(absolute(buildRoot))
            }
            if case .existing(let dir) = s.tree {
                buildTrees.append(absolute(dir))
                if let home = CTestSource.cmakeHomeDirectory(buildDir: dir) { roots.append(home + "/") }
            }
        }
        let files = CallerCode.files(under: roots)
        return BoundaryFinder(
            surface: surface,
            isCallerCode: { frame in files(frame) || (frame.function?.contains("::tests::") ?? false) },
            isCallerWithoutLine: buildTrees.isEmpty ? nil : CallerCode.withoutDebugInfo(under: buildTrees))
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Default files (unless --no-default-suppressions), the guide's
    /// `tools/valgrind-suppressions.supp` beside the crate, then the user's.
    static func loadSuppressions(_ options: Options, target: Target?, diagnostics: Diagnostics) throws -> [Suppression]
    {
        var files: [String] = []

        if case .cargo(_, let crateDir) = target {
            for dir in [crateDir, (crateDir as NSString).deletingLastPathComponent] {
                let guide = (dir as NSString).appendingPathComponent("tools/valgrind-suppressions.supp")
                if FileManager.default.fileExists(atPath: guide) && !files.contains(guide) { files.append(guide) }
            }
        }
        for f in options.suppressionFiles {
            guard FileManager.default.isReadableFile(atPath: f) else {
                throw UsageError("--suppressions \(f): cannot read the file")
            }
            files.append(f)
        }
        // The defaults are embedded in the binary (MOQ_LEAKCHECK_HOME overrides them from disk).
        var all: [Suppression] = options.noDefaultSuppressions ? [] : try DefaultSuppressions.load()
        for f in files { all += try SuppressionParser.parseFile(f) }
        return all
    }
}

/// Where the tool's own files (`suppressions/`) are: beside the built binary's
/// checkout, an install prefix's share/, or $MOQ_LEAKCHECK_HOME.
public enum ToolRoot {
    public static func locate() -> String? {
        let fm = FileManager.default
        if let home = ProcessInfo.processInfo.environment["MOQ_LEAKCHECK_HOME"], !home.isEmpty { return home }
        var dir = URL(
            fileURLWithPath: (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        )
        .deletingLastPathComponent()
        for _ in 0..<6 {
            if fm.fileExists(atPath: dir.appendingPathComponent("suppressions").path),
                fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
            {
                return dir.path
            }
            let share = dir.appendingPathComponent("share/moq-leakcheck")
            if fm.fileExists(atPath: share.appendingPathComponent("suppressions").path) { return share.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
