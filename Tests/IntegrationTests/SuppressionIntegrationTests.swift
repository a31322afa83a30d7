import Foundation
import Testing

@testable import LeakCheck

/// Suppressions on real runs: the guide's file must be caught hiding real leaks,
/// and generated files must suppress exactly what they were generated from.
@Suite(.serialized) struct SuppressionIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
    }

    var guideFile: String { Tool.fixtures.appendingPathComponent("suppressions/guide-broken.supp").path }

    @Test func guideFileGatesByDefaultAndPassesOnlyWithAllowBroadSuppressions() throws {
        let r = try Tool.run(
            [
                "valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--suppressions",
                guideFile,
            ],
            tag: "sup-guide")
        // The guide's file hid every leak of the crate's tests: that fails the gate now.
        #expect(r.exitCode == 1, "\(r.combined)")
        let usage = r.json?["suppressions"] as? [[String: Any]] ?? []
        let overBroad = usage.filter { $0["overBroad"] as? Bool == true }.map { $0["name"] as? String ?? "?" }
        #expect(overBroad == ["std_thread"])
        // Over-broad means not suppressed: the totals count what the entry would hide.
        #expect(r.tally("definitelyLost") == (77, 3), "\(r.stdout)")
        let named = r.runs.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.filter {
            $0["overBroadSuppression"] != nil
        }
        #expect(named.count == 5 && named.allSatisfy { $0["suppressedBy"] is NSNull }, "\(named)")
        #expect(r.stdout.contains("   definitely lost: 77 bytes in 3 blocks"), "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "  ✗ 37 bytes in 1 block definitely lost from moq_ffi::MoqResult::error (lib.rs:58), returned by moq_connect(), never released: call moq_free_str() — 1 call site in 1 test"
            ), "the leak the entry matched is a cause like any other: \(r.stdout)")
        #expect(
            r.stdout.contains(
                "‼ suppression 'std_thread' (\(guideFile):18) matches 5 findings in the crate's own code: it is too broad, so it hides none of them"
            ))
        #expect(r.stdout.contains("--gen-suppressions FILE writes a precise entry"), "says how to narrow it")
        // --allow-broad-suppressions is the user's explicit choice; --strict-suppressions is a no-op alias.
        let allowed = try Tool.run(
            [
                "valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--suppressions",
                guideFile,
                "--allow-broad-suppressions",
            ], tag: "sup-allow")
        #expect(allowed.exitCode == 0, "\(allowed.combined)")
        #expect(allowed.tally("definitelyLost") == (0, 0), "the old figures: the entry hides them")
        #expect(allowed.stdout.contains("‼ suppression 'std_thread'"), "still flagged loudly")
    }

    @Test func generatedValgrindSuppressionsSuppressExactlyWhatTheyCameFrom() throws {
        let first = try Tool.run(
            [
                "valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--gen-suppressions",
                "gen.supp",
            ],
            tag: "sup-gen")
        #expect(first.exitCode == 1)
        let gen = first.dir + "/gen.supp"
        #expect(FileManager.default.fileExists(atPath: gen))
        let before = first.findings.filter { ["definitelyLost", "indirectlyLost"].contains($0.kind) }
        let again = try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--suppressions", gen],
            tag: "sup-gen2")
        #expect(again.exitCode == 0, "\(again.combined)")
        #expect(again.tally("definitelyLost") == (0, 0))
        // Generated entries name the crate's own frames: never over-broad, no ‼ at all.
        #expect(!again.combined.contains("‼"), "\(again.combined)")
        #expect(
            (again.json?["suppressions"] as? [[String: Any]] ?? []).allSatisfy { $0["overBroad"] as? Bool == false })
        let suppressed = again.runs.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.filter {
            ($0["suppressionSource"] as? String ?? "").hasPrefix(gen)
        }
        #expect(suppressed.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) } == before.reduce(0) { $0 + ($1.bytes ?? 0) })
    }

    @Test func generatedLsanSuppressionsRoundTrip() throws {
        let first = try Tool.run(
            [
                "lsan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--gen-suppressions",
                "gen.lsan",
            ],
            tag: "sup-lgen")
        #expect(first.exitCode == 1)
        let again = try Tool.run(
            [
                "lsan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--suppressions",
                first.dir + "/gen.lsan",
            ],
            tag: "sup-lgen2")
        #expect(again.exitCode == 0, "\(again.combined)")
    }

    @Test func malformedSuppressionFileIsAUsageErrorWithFileAndLine() throws {
        let dir = Tool.tempDir("sup-bad")
        let bad = dir + "/bad.supp"
        try "{\n   unterminated\n   Memcheck:Leak\n   fun:foo\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try Tool.run(["valgrind", "--suppressions", bad, "--", "/bin/true"], tag: "sup-bad")
        #expect(r.exitCode == 2, "\(r.combined)")
        #expect(r.stderr.contains("bad.supp:"), "file:line in the message: \(r.stderr)")
        let check = try Tool.run(["suppressions", "check", bad], tag: "sup-check", json: false)
        #expect(check.exitCode == 2)
        let good = try Tool.run(["suppressions", "check", guideFile], tag: "sup-check-ok", json: false)
        #expect(good.exitCode == 0, "\(good.combined)")
    }
}
