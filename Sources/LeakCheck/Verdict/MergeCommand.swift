import Foundation

/// `moq-leakcheck merge REPORT.json...`: reads the partition reports the CI
/// matrix jobs wrote (`--json`) and merges them with `ReportMerger`.
///
/// A file named on the command line that cannot be read or is not a
/// moq-leakcheck JSON report is a usage error (exit 2) naming it: the user
/// asked for that file, and nothing in it says which partition it would have
/// been. A partition for which no file is given (the CI job that failed before
/// uploading its report) is what `ReportMerger` calls missing: the merge is
/// incomplete (exit 3), never clean. `--baseline`, `--suppressions` and
/// `--fail-on` are usage errors: each partition's run applied them.
public enum MergeCommand {
    /// Decodes each file, in the order given, with the partition it states.
    /// Throws `UsageError` (one line naming the file) on the first that
    /// cannot be read or decoded.
    public static func load(_ paths: [String]) throws -> [PartitionReport] {
        try paths.map { path in
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else {
                throw UsageError("merge: cannot read \(path)")
            }
            let report: Report
            do { report = try JSONDecoder().decode(Report.self, from: data) } catch {
                throw UsageError(
                    "merge: \(path) is not a moq-leakcheck JSON report (\(BaselineComparison.reason(error)))")
            }
            return PartitionReport(report: report, partition: report.partition, source: path)
        }
    }

    /// `load` then `ReportMerger.merge`: the one merged report the outputs render.
    public static func merge(paths: [String]) throws -> Report {
        ReportMerger.merge(try load(paths))
    }
}

extension MergeCommand {
    /// The `merge` subcommand: the outputs the flags ask for, from the merged
    /// report, through the same `Application.finish` pipeline as a run, and
    /// its one exit code. The statuses were decided by each partition; the
    /// outputs render with the kinds the partitions gated on.
    static func run(
        _ options: Options, console: Console, supervisor: Supervisor, environment: [String: String]
    ) -> Int32 {
        let report: Report
        do {
            // Each partition's run applied these and decided its statuses: a merge
            // cannot apply them again, and ignoring them silently would mislead.
            if options.baselinePath != nil {
                throw UsageError("merge: --baseline is applied by each partition's run, not by merge")
            }
            if !options.suppressionFiles.isEmpty {
                throw UsageError("merge: --suppressions is applied by each partition's run, not by merge")
            }
            if options.failOn != Policy.defaultLeakKinds {
                throw UsageError("merge: --fail-on is applied by each partition's run, not by merge")
            }
            try options.validatePaths()
            try AtomicFile.prepareDirectory(options.reportDir)
            try Application.prepareOutputPaths(options)
            report = try merge(paths: options.positional)
        } catch {
            console.error("\(error)")
            return ExitCode.usage
        }
        var renderOptions = options
        if !report.failOn.isEmpty { renderOptions.failOn = Set(report.failOn) }
        let context = RunContext(
            options: renderOptions, console: console, supervisor: supervisor, environment: environment,
            suppressions: [])
        return Application.finish(report, context: context)
    }
}
