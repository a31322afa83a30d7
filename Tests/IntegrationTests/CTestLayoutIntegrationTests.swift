import Foundation
import Testing

@testable import LeakCheck

/// Issue 21, "CTest layouts", on `Tests/Fixtures/ctest/env_project` built by the
/// real cmake (no build type: no debug info) and run by the real ctest and valgrind.
@Suite(.serialized) struct CTestLayoutIntegrationTests {
    static let project = Tool.fixtures.appendingPathComponent("ctest/env_project").path

    /// A fresh build of the project in a scratch dir; returns that dir (the build is `build/`).
    static func built(flags: String? = nil) throws -> String {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cmake", install: "apt-get install cmake (scripts/install-deps.sh does)")
        let dir = Tool.tempDir("ctest-layout")
        let configure = ["-S", project, "-B", dir + "/build"] + (flags.map { ["-DCMAKE_C_FLAGS=\($0)"] } ?? [])
        for argv in [configure, ["--build", dir + "/build"]] {
            let r = try Supervisor().run(
                ProcessSpec(
                    executable: "cmake", arguments: argv, stdoutPath: dir + "/cmake.log",
                    stderrPath: dir + "/cmake.log",
                    timeout: 300))
            #expect(
                r.exitCode == 0,
                "cmake \(argv): \((try? String(contentsOfFile: dir + "/cmake.log", encoding: .utf8)) ?? "")")
        }
        return dir
    }

    static func findings(_ r: Tool.Result) -> [String] {
        r.runs.flatMap { run in
            (run["findings"] as? [[String: Any]] ?? []).map {
                "\($0["test"] as? String ?? "?") \($0["kind"] as? String ?? "?") \($0["bytes"] as? Int ?? 0)"
            }
        }.sorted()
    }

    /// The README's own example: `--ctest build` with a relative report dir, a test
    /// with its own WORKING_DIRECTORY; and a WILL_FAIL test that exits 0 is a finding.
    @Test(arguments: ["build", "build/tests"])
    func aRelativeReportDirWorksWhateverTheTestsWorkingDirectory(ctestDir: String) throws {
        let dir = try Self.built()
        let r = try Tool.run(
            ["valgrind", "--ctest", ctestDir, "--report-dir", "reports", "--json", "reports/r.json"], tag: "ctest-rel",
            json: false, in: dir)
        let json = FileManager.default.contents(atPath: dir + "/reports/r.json").flatMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        var result = r
        result.json = json
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(
            Self.findings(result) == ["leak_in_main definitelyLost 40", "will_fail_but_passes testFailure 0"],
            "\(r.combined)")
        #expect(result.runs.allSatisfy { $0["incompleteReason"] == nil || $0["incompleteReason"] is NSNull })
    }

    /// The sanitizer's `log_path` too is absolute: ASan with a relative report dir.
    @Test func aRelativeReportDirWorksUnderASan() throws {
        let dir = try Self.built(flags: "-fsanitize=address -fno-omit-frame-pointer")
        let r = try Tool.run(
            ["asan", "--ctest", "build", "--report-dir", "reports", "--json", "reports/r.json"], tag: "ctest-rel-asan",
            json: false, in: dir)
        var result = r
        result.json = FileManager.default.contents(atPath: dir + "/reports/r.json").flatMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(
            Self.findings(result) == ["leak_in_main definitelyLost 40", "will_fail_but_passes testFailure 0"],
            "\(r.combined)")
    }

    /// A match-everything entry hides the leak in `main` of a tree built without
    /// debug info, from a `--ctest` subdirectory: over-broad, so it gates.
    @Test(arguments: ["build", "build/tests"])
    func aMatchEverythingSuppressionIsOverBroadInAnExistingTree(ctestDir: String) throws {
        let dir = try Self.built()
        let supp = Self.project + "/match-everything.supp"
        let r = try Tool.run(
            ["valgrind", "--ctest", dir + "/" + ctestDir, "--suppressions", supp], tag: "ctest-broad")
        #expect(r.exitCode == 1, "\(r.combined)")
        let leak = r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }.first {
            $0["kind"] as? String == "definitelyLost"
        }
        let broad =
            (leak?["overBroadSuppression"] as? [String: Any])?["name"] as? String
            ?? ((leak?["suppressionOverBroad"] as? Bool) == true ? leak?["suppressedBy"] as? String : nil)
        #expect(broad == "everything", "\(leak ?? [:])")
        #expect(r.combined.contains("too broad"))
    }
}
