import Foundation

/// The directory a sanitizer writes its `log_path` files into for one process
/// tree, and how they are read back: every sanitizer checker (asan, lsan, quick,
/// tsan) prepares, reads and publishes its logs the same way.
struct SanitizerLogDirectory {
    /// Absolute: the runtime resolves `log_path` in the test's working directory.
    let path: String
    /// What the logs are called in reports: "sanitizer", "TSan".
    let what: String

    init(base: String, what: String) {
        self.init(path: AbsolutePath.of(base) + ".logs", what: what)
    }

    /// The directory a prepared run recorded (`PreparedRun.outputPath`).
    init(path: String, what: String) {
        self.path = path
        self.what = what
    }

    /// A fresh, empty directory: an earlier run's logs are never read as this one's.
    func prepare() throws {
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CollectError(
                description: "cannot prepare the \(what) log directory \(path): \(error.localizedDescription)")
        }
    }

    /// The job's process with the checker's environment (`forced`, whose option
    /// variables the job's own environment may not replace), its output beside the logs.
    func run(
        _ job: Job, base: String, environment forced: [String: String], optionKeys: Set<String>,
        context: RunContext
    ) -> PreparedRun {
        var env = forced
        for (k, v) in job.environment where !optionKeys.contains(k) { env[k] = v }
        let out = AbsolutePath.of(base) + ".out"
        let spec = ProcessSpec(
            executable: job.program, arguments: job.arguments, environment: env,
            workingDirectory: job.workingDirectory, stdoutPath: out, stderrPath: out,
            timeout: job.timeout ?? context.options.timeout)
        return PreparedRun(spec: spec, outputPath: path, programOutput: out, logFiles: [out])
    }

    /// Every log whose name starts with `prefix`, parsed, and published in the
    /// report dir as `<publishedPrefix>.<pid>` (the names the guide's CI uploads),
    /// staged exclusively and renamed over, so nothing planted at the name is
    /// written through. A log that cannot be listed or read is an incomplete output.
    func collect(
        prefix: String, publishedPrefix: String, format: CheckerOutput.Format, logFiles: [String],
        context: RunContext, parse: (String) -> CheckerOutput
    ) -> (outputs: [CheckerOutput], logFiles: [String]) {
        var outputs: [CheckerOutput] = []
        var logFiles = logFiles
        func unreadable(_ reason: String) -> CheckerOutput {
            var o = CheckerOutput(format: format)
            o.complete = false
            o.incompleteReason = reason
            return o
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            return ([unreadable("cannot list the \(what) logs in \(path): \(error.localizedDescription)")], logFiles)
        }
        for name in names where name.hasPrefix(prefix) {
            let log = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: log) else {
                outputs.append(unreadable("cannot read the \(what) log \(log)"))
                continue
            }
            outputs.append(parse(String(decoding: data, as: UTF8.self)))
            let pid = name.split(separator: ".").last.map(String.init) ?? name
            let published = (context.reportDir as NSString).appendingPathComponent("\(publishedPrefix).\(pid)")
            do {
                try AtomicFile.write(data, to: published)
                logFiles.append(published)
            } catch {
                context.diagnostics.incomplete("cannot write \(published): \(error.localizedDescription)")
                logFiles.append(log)
            }
        }
        return (outputs, logFiles)
    }
}
