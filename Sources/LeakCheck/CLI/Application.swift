import Foundation

/// The whole program behind the thin executable: argv in, exit code out.
public enum Application {
    public static func main(arguments: [String], console: Console? = nil) -> Int32 {
        let options: Options
        do {
            options = try Options.parse(arguments)
        } catch {
            (console ?? Console()).error("\(error)")
            return ExitCode.usage
        }
        let console = console ?? Console(verbosity: options.quiet ? .quiet : options.verbose ? .verbose : .normal)
        if options.showHelp {
            console.out(Options.helpText)
            return ExitCode.clean
        }
        if options.showVersion {
            console.out("moq-leakcheck \(LeakCheckVersion.string)")
            return ExitCode.clean
        }
        switch options.subcommand {
        case .doctor:
            return Doctor.run(console: console, toolRoot: ToolRoot.locate())
        case .suppressions:
            let result = SuppressionParser.checkResult(files: Array(options.positional.dropFirst()))
            for e in result.errors { console.error(e) }
            for w in result.warnings { console.out(w) }
            if result.errors.isEmpty { console.out("ok: \(options.positional.count - 1) file(s) valid") }
            return result.errors.isEmpty ? ExitCode.clean : ExitCode.usage
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
        let suppressions: [Suppression]
        let target: Target?
        do {
            try AtomicFile.prepareDirectory(options.reportDir)
            for (flag, path) in [
                ("--json", options.jsonPath), ("--junit", options.junitPath),
                ("--gen-suppressions", options.genSuppressionsPath),
            ] {
                guard let path else { continue }
                let dir = (path as NSString).deletingLastPathComponent
                do { try AtomicFile.prepareDirectory(dir.isEmpty ? "." : dir) } catch {
                    throw UsageError("\(flag) \(path): cannot write there")
                }
            }
            target = options.subcommand == .parse ? nil : try resolveTarget(options)
            suppressions = try loadSuppressions(options, target: target)
        } catch {
            console.error("\(error)")
            return ExitCode.usage
        }
        let engine = Engine(
            options: options, console: console, toolRoot: ToolRoot.locate(), suppressions: suppressions)
        let report: Report
        if options.subcommand == .parse {
            report = engine.parseFiles(options.positional)
        } else {
            report = engine.runCheckers(target: target!)
        }
        return finish(report, engine: engine)
    }

    /// Writes every report, prints the summary and returns the exit code. A
    /// report that cannot be written makes the run incomplete (exit 3).
    static func finish(_ report: Report, engine: Engine) -> Int32 {
        var report = report
        let options = engine.options
        let console = engine.console
        let policy = options.policy
        var writeErrors: [String] = []
        let checkersRun = Set(report.runs.map(\.checker))
        let own = engine.ownCode()
        let selector = FrameSelector(isOwnCode: { own.contains($0) })
        if let path = options.genSuppressionsPath {
            do { try engine.writeGeneratedSuppressions(report, to: path) } catch { writeErrors.append("\(error)") }
        }
        let textReports: [(checkers: [Checker], file: String, title: String)] = [
            ([.valgrind], "valgrind-report.txt", "Valgrind memcheck report"),
            ([.asan, .lsan], "sanitizer-report.txt", "Sanitizer report"),
        ]
        for t in textReports where !checkersRun.isDisjoint(with: t.checkers) {
            let path = (options.reportDir as NSString).appendingPathComponent(t.file)
            let text = TextReport.full(report, checkers: t.checkers, policy: policy, title: t.title, selector: selector)
            do { try AtomicFile.write(text, to: path) } catch { writeErrors.append("\(error)") }
        }
        if !writeErrors.isEmpty && report.exitCode < ExitCode.incomplete {
            report.status = .incomplete
            report.exitCode = ExitCode.incomplete
            report.notes += writeErrors
        }
        if let junit = options.junitPath {
            do { try AtomicFile.write(JUnitReport.render(report, policy: policy, selector: selector), to: junit) } catch {
                writeErrors.append("\(error)")
                if report.exitCode < ExitCode.incomplete { report.exitCode = ExitCode.incomplete }
            }
        }
        if let json = options.jsonPath {
            do { try AtomicFile.write(try JSONReport.encode(report), to: json) } catch {
                writeErrors.append("\(error)")
                if report.exitCode < ExitCode.incomplete { report.exitCode = ExitCode.incomplete }
            }
        }
        for e in writeErrors { console.error(e) }
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            let root = ProcessInfo.processInfo.environment["GITHUB_WORKSPACE"]
            for line in GitHubAnnotations.render(report, policy: policy, selector: selector, root: root) {
                console.out(line)
            }
        }
        if console.verbosity > .quiet || report.exitCode != 0 {
            console.out(TextReport.summary(report, policy: policy, selector: selector))
        }
        return report.exitCode
    }

    /// `--` command, else the manifest: `--manifest-path`, `./Cargo.toml`, `./moq_ffi/Cargo.toml`.
    static func resolveTarget(_ options: Options) throws -> Target {
        if !options.command.isEmpty {
            if options.manifestPath != nil {
                throw UsageError("--manifest-path and a command after -- cannot be used together")
            }
            guard ExecutableLocator.resolve(options.command[0]) != nil else {
                throw UsageError("\(options.command[0]): no such executable")
            }
            return .command(options.command)
        }
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
            "no Cargo.toml here or in ./moq_ffi: pass --manifest-path PATH, or a program to run after --")
    }

    /// Default files (unless --no-default-suppressions), the guide's
    /// `tools/valgrind-suppressions.supp` beside the crate, then the user's.
    static func loadSuppressions(_ options: Options, target: Target?) throws -> [Suppression] {
        var files: [String] = []
        if !options.noDefaultSuppressions, let root = ToolRoot.locate() {
            files += DefaultSuppressions.files(toolRoot: root)
        }
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
        var all: [Suppression] = []
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
        var dir = URL(fileURLWithPath: (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
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
