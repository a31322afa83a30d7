import Foundation
import Testing

@testable import LeakCheck

/// moq_ffi's C suite under both thread checkers (issue 18): with `-DMOQFFI_THREAD_TESTS=ON`,
/// test_callback_race shares a counter with a callback the crate's own thread makes
/// (`moq_subscriber_listen`) without a lock, test_callback_locked with one. Real cargo,
/// cmake, ctest, valgrind's helgrind and gcc's ThreadSanitizer.
@Suite(.serialized) struct ThreadCallbackIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cmake", install: "apt-get install cmake (scripts/install-deps.sh does)")
        try Tool.require("ctest", install: "apt-get install cmake (scripts/install-deps.sh does)")
        try Tool.require("cargo", install: "install Rust with rustup")
        try Tool.require("gcc", install: "apt-get install gcc")
    }

    static let cTests = Tool.fixtures.appendingPathComponent("moq_ffi/c_tests").path
    /// The crate and the two thread tests of its C suite, in one call.
    static let arguments = [
        "--manifest-path", Tool.crateManifest, "--cmake-source", cTests,
        "--cmake-arg", "-DMOQFFI_LIB_DIR={crate_lib_dir}", "--cmake-arg", "-DMOQFFI_THREAD_TESTS=ON",
        "--ctest-args", "-L", "--ctest-args", "thread",
    ]
    static let cause =
        "data race on frames_seen: check_frames_arrive (test_callback_race.c:25) and on_frame (test_callback_race.c:15)"

    /// A cargo target dir of the test's own (the cdylib's file name has no hash), removed after.
    static func environment(_ tag: String) -> (env: [String: String], dir: String) {
        let dir = Tool.tempDir(tag)
        var env = ProcessInfo.processInfo.environment
        env["CARGO_TARGET_DIR"] = dir
        return (env, dir)
    }

    /// The C suite's runs by test, and its gating findings.
    static func cSuite(_ r: Tool.Result) -> (status: [String: String], gating: [[String: Any]]) {
        let runs = r.runs.filter { $0["source"] as? String == "ctest" }
        let status = Dictionary(uniqueKeysWithValues: runs.map { ($0["test"] as? String ?? "?", $0["status"] as? String ?? "?") })
        let gating = runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }.filter {
            $0["suppressedBy"] is NSNull && $0["notGatingReason"] == nil
        }
        return (status, gating)
    }

    /// The race's two C lines: its own stack's innermost frame and the other access's.
    static func lines(_ f: [String: Any]) -> [String] {
        let own = (f["stack"] as? [[String: Any]])?.first
        let other = ((f["auxiliary"] as? [[String: Any]])?.first?["stack"] as? [[String: Any]])?.first
        return [own, other].map { frame in
            "\(frame?["function"] as? String ?? "?") \(((frame?["file"] as? String) as NSString?)?.lastPathComponent ?? "?"):\(frame?["line"] as? Int ?? -1)"
        }
    }

    @Test func helgrindGatesTheCallbackRaceAtItsTwoCLinesAndPassesTheLockedTwin() throws {
        let (env, target) = Self.environment("thread-cb-hg-target")
        defer { try? FileManager.default.removeItem(atPath: target) }
        let r = try Tool.run(["helgrind"] + Self.arguments, tag: "thread-cb-hg", environment: env)
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.exitCode == 1, "\(r.combined)")
        let c = Self.cSuite(r)
        #expect(c.status == ["test_callback_race": "findings", "test_callback_locked": "clean"], "\(c.status)")
        #expect(c.gating.allSatisfy { $0["kind"] as? String == "dataRace" && $0["test"] as? String == "test_callback_race" })
        #expect(
            Set(c.gating.map { Self.lines($0).sorted() })
                == [["check_frames_arrive test_callback_race.c:25", "on_frame test_callback_race.c:15"]],
            "\(c.gating.map(Self.lines))")
        #expect(r.stdout.contains(Self.cause), "\(r.stdout)")
        // The crate's own tests ran under helgrind too, and none of their races gates.
        let cargo = r.runs.filter { $0["source"] as? String == "cargo" }
        #expect(!cargo.isEmpty)
        #expect(cargo.allSatisfy { $0["status"] as? String != "findings" })
    }

    /// No rust-src here: the crate's tests are an incomplete run naming the step, while the C
    /// suite is still checked against the library built without the sanitizer, and says so.
    @Test func tsanGatesTheCallbackRaceAndSaysTheLibraryIsNotInstrumented() throws {
        let (env, target) = Self.environment("thread-cb-tsan-target")
        defer { try? FileManager.default.removeItem(atPath: target) }
        let r = try Tool.run(["tsan"] + Self.arguments, tag: "thread-cb-tsan", environment: env)
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        // Whether this machine's nightly has rust-src (this one has not).
        let sysroot = Capture.run("rustc", ["+nightly", "--print", "sysroot"], environment: env, supervisor: Supervisor(), timeout: 60)?
            .output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let hasRustSource = !sysroot.isEmpty && FileManager.default.fileExists(atPath: TSanBuild.rustSourceDirectory(sysroot: sysroot))
        let c = Self.cSuite(r)
        #expect(c.status == ["test_callback_race": "findings", "test_callback_locked": "clean"], "\(c.status) \(r.combined)")
        #expect(c.gating.count == 1 && c.gating.first?["kind"] as? String == "dataRace")
        #expect(
            c.gating.first.map { Self.lines($0).sorted() }
                == ["check_frames_arrive test_callback_race.c:25", "on_frame test_callback_race.c:15"])
        #expect(r.stdout.contains(Self.cause), "\(r.stdout)")
        if !hasRustSource {
            #expect(r.exitCode == 3, "\(r.combined)")
            #expect(r.combined.contains(TSanBuild.rustSourceInstall))
            #expect(r.combined.contains(CargoSource.uninstrumentedLibraryNote(.tsan)))
        } else {
            #expect(r.exitCode == 1, "\(r.combined)")
        }
    }
}
