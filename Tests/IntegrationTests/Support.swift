import Foundation
import TestSupport
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the real `moq-leakcheck` binary (built beside this test bundle) on the
/// real fixture crate with the real checkers. A missing checker fails the
/// test with what to install: nothing is skipped silently.
enum Tool {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")
    static let crateManifest = fixtures.appendingPathComponent("moq_ffi/Cargo.toml").path

    static var binary: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // swift test runs `…/debug/moq-leakcheckPackageTests.xctest`: the tool is beside it.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("moq-leakcheck").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repoRoot.appendingPathComponent(".build/debug/moq-leakcheck").path
    }

    struct Result {
        var exitCode: Int32?
        var signal: Int32?
        var stdout: String
        var stderr: String
        var dir: String
        var json: [String: Any]?
        var combined: String { stdout + stderr }

        func file(_ name: String) -> String? {
            try? String(contentsOfFile: (dir as NSString).appendingPathComponent(name), encoding: .utf8)
        }
        var runs: [[String: Any]] { json?["runs"] as? [[String: Any]] ?? [] }
        var totals: [String: Any] { json?["totals"] as? [String: Any] ?? [:] }
        func tally(_ kind: String) -> (Int, Int) {
            let t = totals[kind] as? [String: Int] ?? [:]
            return (t["bytes"] ?? -1, t["blocks"] ?? -1)
        }
        /// Unsuppressed findings as (test, kind, bytes, blocks).
        var findings: [(test: String?, kind: String, bytes: Int?, blocks: Int?)] {
            runs.flatMap { run in
                (run["findings"] as? [[String: Any]] ?? []).filter { $0["suppressedBy"] is NSNull }.map {
                    ($0["test"] as? String, $0["kind"] as! String, $0["bytes"] as? Int, $0["blocks"] as? Int)
                }
            }
        }
    }

    static func tempDir(_ tag: String) -> String {
        let dir = Scratch.directory + "leakcheck-it-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs the tool in a fresh report dir with `--json report.json`.
    static func run(
        _ args: [String], tag: String, environment: [String: String]? = nil, timeout: Double = 900,
        json: Bool = true, in existingDir: String? = nil, executable: String? = nil
    ) throws -> Result {
        let dir = existingDir ?? tempDir(tag)
        var argv = args
        if json {
            // Options go before `--`: everything after it is the command to run.
            let at = args.firstIndex(of: "--") ?? args.count
            argv.insert(contentsOf: ["--report-dir", dir, "--json", dir + "/report.json"], at: at)
        }
        let spec = ProcessSpec(
            executable: executable ?? binary, arguments: argv, environment: environment, workingDirectory: dir,
            stdoutPath: dir + "/stdout.txt", stderrPath: dir + "/stderr.txt", timeout: timeout)
        let outcome = try Supervisor().run(spec)
        let stdout = (try? String(contentsOfFile: dir + "/stdout.txt", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: dir + "/stderr.txt", encoding: .utf8)) ?? ""
        var obj: [String: Any]?
        if let data = FileManager.default.contents(atPath: dir + "/report.json") {
            obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return Result(
            exitCode: outcome.exitCode, signal: outcome.signal, stdout: stdout, stderr: stderr, dir: dir, json: obj)
    }

    /// Fails (never skips) when a tool the integration tests need is missing.
    static func require(_ program: String, install: String) throws {
        if ExecutableLocator.resolve(program) == nil {
            Issue.record("\(program) is not installed: \(install) (integration tests run the real checkers)")
            throw MissingTool(program: program)
        }
    }

    /// Compiles one of Tests/Fixtures/c/*.c into a temp dir.
    static func compileC(_ name: String, flags: [String] = [], compiler: String = "cc") throws -> String {
        try require(compiler, install: "apt-get install gcc")
        let out = tempDir("cc") + "/" + name + (flags.isEmpty ? "" : "-san")
        let src = fixtures.appendingPathComponent("c/\(name).c").path
        let r = try Supervisor().run(
            ProcessSpec(
                executable: compiler, arguments: ["-g", "-O0"] + flags + ["-o", out, src], stdoutPath: out + ".log",
                stderrPath: out + ".log"))
        guard r.exitCode == 0 else {
            throw CompileFailed(log: (try? String(contentsOfFile: out + ".log", encoding: .utf8)) ?? "")
        }
        return out
    }

    /// Rows of an EXPECTED.tsv (header → value dictionaries).
    static func expectedRows(_ relative: String) throws -> [[String: String]] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(relative), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let header = lines.removeFirst().split(separator: "\t").map(String.init)
        return lines.map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    /// PATH on which only `program` is missing: each directory that holds it is
    /// replaced by a shim directory of links to everything else in it. (Dropping
    /// the directory would also hide `cc` on a merged-/usr Debian, where valgrind
    /// and the linker both live in /usr/bin.)
    static func environment(hiding program: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        let shimRoot = tempDir("path-shim-\(program)")
        var dirs: [String] = []
        for (i, dir) in (env["PATH"] ?? "").split(separator: ":").map(String.init).enumerated() {
            guard fm.isExecutableFile(atPath: "\(dir)/\(program)") else {
                dirs.append(dir)
                continue
            }
            let shim = "\(shimRoot)/\(i)"
            try! fm.createDirectory(atPath: shim, withIntermediateDirectories: true)
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where name != program {
                try? fm.createSymbolicLink(atPath: "\(shim)/\(name)", withDestinationPath: "\(dir)/\(name)")
            }
            dirs.append(shim)
        }
        env["PATH"] = dirs.joined(separator: ":")
        return env
    }
}

struct MissingTool: Error { var program: String }
struct CompileFailed: Error, CustomStringConvertible {
    var log: String
    var description: String { "compiling a C fixture failed:\n\(log)" }
}
