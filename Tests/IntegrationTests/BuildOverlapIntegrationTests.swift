import Foundation
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// The checker starts on each test executable as soon as cargo reports it
/// linked, while the build goes on, and the report keeps its order whatever
/// order cargo linked in. cargo is a replay of the real fixture's messages
/// (recorded from a real build) on PATH: it prints the first executable, then
/// waits until valgrind has started on it (its XML file exists) before
/// printing the rest, in reverse. A tool that waited for the build to finish
/// would make the replay time out, which it records.
@Suite(.serialized) struct BuildOverlapIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cargo", install: "install Rust with rustup (https://rustup.rs)")
    }

    /// cargo's messages from a real build of the fixture (default features): all
    /// lines, and which of them announce a test executable.
    static func recordedBuild(in dir: String) throws -> (lines: [String], isExecutable: (String) -> Bool) {
        let recorded = dir + "/messages.json"
        let build = try Supervisor().run(
            ProcessSpec(
                executable: "cargo",
                arguments: [
                    "test", "--no-run", "--message-format=json-render-diagnostics", "--manifest-path",
                    Tool.crateManifest,
                ], stdoutPath: recorded, stderrPath: dir + "/build.stderr", timeout: 900))
        #expect(build.exitCode == 0)
        let lines = try String(contentsOfFile: recorded, encoding: .utf8).split(separator: "\n").map(String.init)
        let isExecutable = { (line: String) in line.contains(#""executable":"/"#) }
        try #require(lines.filter(isExecutable).count == 4, "the fixture builds 4 test executables")
        return (lines, isExecutable)
    }

    /// A `cargo` first on PATH running `script` for `cargo test`.
    static func fakeCargo(in dir: String, script: String) throws -> [String: String] {
        let shim = dir + "/bin"
        try FileManager.default.createDirectory(atPath: shim, withIntermediateDirectories: true)
        try ("#!/bin/sh\n[ \"$1\" = test ] || exit 0\n" + script).write(
            toFile: shim + "/cargo", atomically: true, encoding: .utf8)
        chmod(shim + "/cargo", 0o755)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = shim + ":" + (env["PATH"] ?? "")
        env["MOQ_LEAKCHECK_TIMINGS"] = dir + "/timings.json"
        return env
    }

    @Test func checkingStartsBeforeTheBuildEndsAndTheReportKeepsItsOrder() throws {
        let dir = Tool.tempDir("overlap")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (lines, isExecutable) = try Self.recordedBuild(in: dir)
        // First: everything up to the first executable; then the other executables reversed, then the rest.
        let firstExe = try #require(lines.firstIndex(where: isExecutable))
        let head = lines[...firstExe].joined(separator: "\n") + "\n"
        let tail =
            (lines[(firstExe + 1)...].filter(isExecutable).reversed()
            + lines[(firstExe + 1)...]
            .filter { !isExecutable($0) }).joined(separator: "\n") + "\n"
        try head.write(toFile: dir + "/head.json", atomically: true, encoding: .utf8)
        try tail.write(toFile: dir + "/tail.json", atomically: true, encoding: .utf8)

        let report = dir + "/report"
        let env = try Self.fakeCargo(
            in: dir,
            script: """
                # Replays the recorded build of the fixture (see BuildOverlapIntegrationTests).
                cat '\(dir)/head.json'
                i=0
                while ! ls '\(report)'/leakcheck-logs/valgrind/*.xml >/dev/null 2>&1; do
                    i=$((i + 1))
                    if [ $i -gt 600 ]; then echo timeout > '\(dir)/replay.result'; break; fi
                    sleep 0.05
                done
                [ -f '\(dir)/replay.result' ] || echo overlapped > '\(dir)/replay.result'
                cat '\(dir)/tail.json'

                """)
        try FileManager.default.createDirectory(atPath: report, withIntermediateDirectories: true)
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--no-split", "--jobs", "2"], tag: "overlap",
            environment: env, in: report)
        #expect(r.exitCode == 0, "\(r.combined)")
        let result = try String(contentsOfFile: dir + "/replay.result", encoding: .utf8)
        #expect(result == "overlapped\n", "valgrind did not start before the build ended")
        // cargo linked them first-then-reversed; the report is by target kind and name.
        let targets = r.runs.map { "\($0["target"] as? String ?? "-")" }
        #expect(targets == ["moq_ffi", "errors", "lifecycle", "pubsub"], "\(targets)")
        #expect(r.runs.allSatisfy { $0["status"] as? String == "clean" })
    }

    /// A build that fails after one test executable linked: that executable was
    /// already handed over and is checked; the failed build makes the verdict
    /// incomplete (exit 3), with cargo's error named.
    @Test func executablesThatLinkedBeforeABuildFailureAreStillChecked() throws {
        let dir = Tool.tempDir("overlap-fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (lines, isExecutable) = try Self.recordedBuild(in: dir)
        let firstExe = try #require(lines.firstIndex(where: isExecutable))
        try (lines[...firstExe].joined(separator: "\n") + "\n" + #"{"reason":"build-finished","success":false}"# + "\n")
            .write(toFile: dir + "/partial.json", atomically: true, encoding: .utf8)
        let env = try Self.fakeCargo(
            in: dir,
            script: """
                cat '\(dir)/partial.json'
                echo 'error[E0425]: cannot find value `x` in this scope' >&2
                exit 101

                """)
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--no-split", "--jobs", "2"], tag: "overlap-fail",
            environment: env)
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.json?["status"] as? String == "incomplete")
        let checked = r.runs.filter { $0["source"] as? String == "cargo" && $0["target"] != nil }
        #expect(checked.count == 1 && checked.first?["status"] as? String == "clean", "\(r.runs)")
        let failed = r.runs.filter { ($0["incompleteReason"] as? String)?.contains("cargo build failed") == true }
        #expect(failed.count == 1, "\(r.runs.map { $0["incompleteReason"] ?? "-" })")
        #expect(r.stderr.contains("E0425"))
    }
}
