import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// The crate and its C suite (Tests/Fixtures/moq_ffi/c_tests, CMake/CTest) in
/// one call, with the real cmake, ctest, cargo, valgrind and ASan. Figures
/// come from c_tests/EXPECTED.tsv. Serialized: the cmake trees live under the
/// suite's own cargo target dir, one per checker. Its own, not the fixture's
/// shared one: another suite building the crate with other features rewrites
/// the cdylib (its file name has no hash) while the C tests load it.
@Suite(.serialized) struct CTestIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cmake", install: "apt-get install cmake (scripts/install-deps.sh does)")
        try Tool.require("ctest", install: "apt-get install cmake (scripts/install-deps.sh does)")
    }

    static let cTests = Tool.fixtures.appendingPathComponent("moq_ffi/c_tests").path
    static let cSuite = ["--cmake-source", cTests, "--cmake-arg", "-DMOQFFI_LIB_DIR={crate_lib_dir}"]

    /// The suite's own cargo target dir (see the type's doc), removed with the scratch dir.
    static let environment: [String: String] = {
        var env = ProcessInfo.processInfo.environment
        env["CARGO_TARGET_DIR"] = Scratch.directory + "ctest-target"
        return env
    }()

    /// (test, kind, bytes, blocks) of the leaks EXPECTED.tsv lists for tests ctest runs.
    static func expectedLeaks(_ checker: String) throws -> [String] {
        try Tool.expectedRows("moq_ffi/c_tests/EXPECTED.tsv").filter {
            $0["checker"] == checker && $0["kind"] != "none" && $0["test"] != "test_disabled"
        }.map { "\($0["test"]!) \($0["kind"]!) \($0["bytes"]!) \($0["blocks"]!)" }.sorted()
    }

    struct CFinding: Equatable, CustomStringConvertible {
        var test: String
        var kind: String
        var bytes: Int?
        var blocks: Int?
        var boundary: [String: String]
        var description: String {
            "\(test) \(kind) \(bytes.map(String.init) ?? "-") \(blocks.map(String.init) ?? "-") \(boundary)"
        }
    }

    static func cFindings(_ r: Tool.Result) -> [CFinding] {
        r.runs.filter { $0["source"] as? String == "ctest" }.flatMap { run in
            (run["findings"] as? [[String: Any]] ?? []).filter { $0["suppressedBy"] is NSNull }.map { f in
                var b: [String: String] = [:]
                if let obj = f["boundary"] as? [String: Any] {
                    b["function"] = obj["function"] as? String
                    b["file"] = (obj["file"] as? String).map { Fingerprint.baseName($0) }
                    b["line"] = (obj["line"] as? Int).map(String.init)
                    b["release"] = obj["release"] as? String
                    let caller = obj["caller"] as? [String: Any] ?? [:]
                    b["caller"] =
                        "\(caller["function"] as? String ?? "?") \((caller["file"] as? String).map { Fingerprint.baseName($0) } ?? "?"):\(caller["line"] as? Int ?? -1)"
                }
                return CFinding(
                    test: f["test"] as? String ?? "?", kind: f["kind"] as! String, bytes: f["bytes"] as? Int,
                    blocks: f["blocks"] as? Int, boundary: b)
            }
        }.sorted { ($0.test, $0.kind) < ($1.test, $1.kind) }
    }

    static let messageBoundary = [
        "function": "moq_connect", "file": "lib.rs", "line": "132", "release": "moq_free_str",
        "caller": "check_connect test_leak_message.c:6",
    ]
    static let clientBoundary = [
        "function": "moq_client_create", "file": "lib.rs", "line": "103", "release": "moq_client_destroy",
        "caller": "check_client_lifecycle test_leak_client.c:6",
    ]

    @Test func oneValgrindCallChecksTheCrateAndItsCSuite() throws {
        let r = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest] + Self.cSuite, tag: "ctest-vg",
            environment: Self.environment)
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.json?["exitCode"] as? Int == 1)
        // Both suites in one report: the crate's four test binaries and the five ctest tests ctest runs.
        let sources = r.runs.map { "\($0["source"] as? String ?? "?") \($0["test"] as? String ?? "*")" }
        #expect(sources.filter { $0.hasPrefix("cargo") }.count == 4, "\(sources)")
        #expect(
            sources.filter { $0.hasPrefix("ctest") }.sorted()
                == [
                    "ctest test_clean", "ctest test_failing", "ctest test_leak_client", "ctest test_leak_message",
                    "ctest test_will_fail",
                ])
        // DISABLED is not run; WILL_FAIL's exit 1 is its pass.
        let statuses = Dictionary(
            uniqueKeysWithValues: r.runs.filter { $0["source"] as? String == "ctest" }.map {
                ($0["test"] as! String, $0["status"] as! String)
            })
        #expect(
            statuses == [
                "test_clean": "clean", "test_failing": "findings", "test_leak_client": "findings",
                "test_leak_message": "findings", "test_will_fail": "clean",
            ])
        let found = Self.cFindings(r)
        #expect(
            found.filter { $0.kind != "testFailure" }.map { "\($0.test) \($0.kind) \($0.bytes!) \($0.blocks!)" }
                == (try Self.expectedLeaks("valgrind")))
        #expect(
            found == [
                CFinding(test: "test_failing", kind: "testFailure", bytes: nil, blocks: nil, boundary: [:]),
                CFinding(
                    test: "test_leak_client", kind: "definitelyLost", bytes: 24, blocks: 1,
                    boundary: Self.clientBoundary),
                CFinding(
                    test: "test_leak_message", kind: "definitelyLost", bytes: 37, blocks: 1,
                    boundary: Self.messageBoundary),
            ])
        // The crate's own tests are clean without leak_demo: the leaks are the C suite's.
        #expect(r.tally("definitelyLost") == (61, 2))
        // The console leads with the causes: the failing test, then each leak's release to call,
        // each followed by the C caller's line.
        #expect(r.stdout.contains("  ✗ test failure: "), "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "  ✗ 37 bytes in 1 block definitely lost from moq_ffi::MoqResult::error (lib.rs:58), returned by moq_connect(), never released: call moq_free_str() — 1 call site in 1 test"
            ),
            "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "  ✗ 24 bytes in 1 block definitely lost, returned by moq_client_create() (lib.rs:103), never released: call moq_client_destroy() — 1 call site in 1 test"
            ))
        #expect(
            r.stdout.contains("      at check_connect (src/test_leak_message.c:6) — in test test_leak_message, 37 bytes"),
            "the caller's line")
        #expect(r.stdout.contains("note: ctest test_disabled: DISABLED, not run"))
    }

    @Test func asanBuildsTheCSuiteInstrumentedAndNamesEachBoundary() throws {
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest] + Self.cSuite, tag: "ctest-asan",
            environment: Self.environment)
        #expect(r.exitCode == 1, "\(r.combined)")
        let found = Self.cFindings(r)
        #expect(
            found.filter { $0.kind != "testFailure" }.map { "\($0.test) \($0.kind) \($0.bytes!) \($0.blocks!)" }
                == (try Self.expectedLeaks("asan")))
        #expect(found.first { $0.test == "test_leak_message" }?.boundary == Self.messageBoundary)
        #expect(found.first { $0.test == "test_leak_client" }?.boundary == Self.clientBoundary)
        #expect(found.filter { $0.kind == "testFailure" }.map(\.test) == ["test_failing"])
    }

    @Test func anUninstrumentedCTestExecutableUnderAsanSaysWhyAndWhatToAdd() throws {
        // A plain build tree of the C suite (what a user's own `cmake` gives), against a plain cdylib.
        let dir = Tool.tempDir("ctest-plain")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sup = Supervisor()
        let cargo = try sup.run(
            ProcessSpec(
                executable: "cargo", arguments: ["build", "--manifest-path", Tool.crateManifest],
                environment: Self.environment, stdoutPath: dir + "/cargo.log", stderrPath: dir + "/cargo.log"))
        #expect(cargo.exitCode == 0)
        let build = dir + "/build"
        for argv in [
            [
                "cmake", "-S", Self.cTests, "-B", build,
                "-DMOQFFI_LIB_DIR=\(Self.environment["CARGO_TARGET_DIR"]!)/debug",
            ],
            ["cmake", "--build", build],
        ] {
            let o = try sup.run(
                ProcessSpec(
                    executable: argv[0], arguments: Array(argv.dropFirst()), stdoutPath: dir + "/cmake.log",
                    stderrPath: dir + "/cmake.log"))
            #expect(o.exitCode == 0, "\((try? String(contentsOfFile: dir + "/cmake.log", encoding: .utf8)) ?? "")")
        }
        let r = try Tool.run(["asan", "--ctest", build, "--ctest-args", "-R test_leak"], tag: "ctest-uninstrumented")
        #expect(r.exitCode == 3, "never a silent pass: \(r.combined)")
        let reasons = r.runs.compactMap { $0["incompleteReason"] as? String }.sorted()
        #expect(reasons.count == 2, "ctest's -R selection passed through: \(reasons)")
        for (reason, test) in zip(reasons, ["test_leak_client", "test_leak_message"]) {
            #expect(reason.hasPrefix("ctest test \(test): "), "\(reason)")
            #expect(reason.contains("is not built with AddressSanitizer"), "\(reason)")
            #expect(reason.contains("-fsanitize=address"), "the flag to add: \(reason)")
        }
    }
}
