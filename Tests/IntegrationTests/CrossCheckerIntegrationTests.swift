import Foundation
import Testing

@testable import LeakCheck

/// `all` on the fixture crate's leak feature: valgrind and ASan both run, and
/// every output shows each of the five leaks once, seen by both.
@Suite struct CrossCheckerIntegrationTests {
    @Test func allShowsEachLeakOnceSeenByBothCheckers() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let r = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"], tag: "xcheck-all")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.exitCode == 1, "\(r.combined)")
        // JSON: every unsuppressed leak copy (valgrind's and ASan's) names both checkers.
        var rows: [String] = []
        for run in r.runs {
            for f in run["findings"] as? [[String: Any]] ?? [] where f["suppressedBy"] is NSNull {
                guard let kind = f["kind"] as? String, kind != "stillReachable" else { continue }
                let by = (f["seenBy"] as? [String])?.joined(separator: "+") ?? "nil"
                rows.append(
                    "\(run["checker"] as? String ?? "?") \(kind) \(f["bytes"] as? Int ?? -1) \(f["test"] as? String ?? "-") \(by)"
                )
            }
        }
        #expect(
            rows.sorted() == [
                "asan definitelyLost 16 leak_subscriber_with_child valgrind+asan",
                "asan definitelyLost 24 tests::leak_client_never_destroyed valgrind+asan",
                "asan definitelyLost 37 leak_error_message valgrind+asan",
                "asan indirectlyLost 24 leak_subscriber_with_child valgrind+asan",
                "asan indirectlyLost 64 leak_subscriber_with_child valgrind+asan",
                "valgrind definitelyLost 16 leak_subscriber_with_child valgrind+asan",
                "valgrind definitelyLost 24 tests::leak_client_never_destroyed valgrind+asan",
                "valgrind definitelyLost 37 leak_error_message valgrind+asan",
                "valgrind indirectlyLost 24 leak_subscriber_with_child valgrind+asan",
                "valgrind indirectlyLost 64 leak_subscriber_with_child valgrind+asan",
            ], "\(r.combined)")
        // Console: the five leaks as three causes (the subscriber's two indirect blocks came back
        // with their parent), each once with both checkers; each checker's own headline.
        let lines = r.stdout.components(separatedBy: "\n")
        #expect(lines.filter { $0 == "✗ Valgrind: memory leaks detected" }.count == 1)
        #expect(lines.filter { $0 == "✗ AddressSanitizer: memory leaks detected" }.count == 1)
        #expect(lines.contains("Failing the gate: 3 causes, most severe first"))
        // Each cause's sentence names the crate's C ABI function and the release to call.
        let leads = lines.filter { $0.hasPrefix("  ✗ ") }
        #expect(
            leads == [
                "  ✗ 104 bytes in 3 blocks definitely lost, returned by moq_subscriber_create() (lib.rs:223), never released: call moq_subscriber_destroy() — 1 call site in 1 test (valgrind, asan)",
                "  ✗ 37 bytes in 1 block definitely lost from moq_ffi::MoqResult::error (lib.rs:58), returned by moq_connect(), never released: call moq_free_str() — 1 call site in 1 test (valgrind, asan)",
                "  ✗ 24 bytes in 1 block definitely lost, returned by moq_client_create() (lib.rs:103), never released: call moq_client_destroy() — 1 call site in 1 test (valgrind, asan)",
            ], "\(r.stdout)")
        // The text reports: each site once per file, both checkers named.
        for file in ["valgrind-report.txt", "sanitizer-report.txt"] {
            let text = try #require(r.file(file), "\(file) missing")
            let lines = text.components(separatedBy: "\n")
            #expect(lines.contains("FAILING THE GATE (5):"), "\(file)")
            #expect(lines.filter { $0 == "  seen by: valgrind, asan" }.count == 5, "\(file)")
        }
    }
}
