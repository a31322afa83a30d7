import Foundation
import FoundationXML
import Testing

@testable import LeakCheck

/// `all --features leak_demo` on the fixture crate with a guide-style broad
/// entry (`...` + `fun:*alloc*`, and LSan's `leak:alloc`), real valgrind and ASan:
/// over-broad means not suppressed, every output states the same per-checker
/// figures and the same causes, and `--allow-broad-suppressions` restores the
/// old figures.
@Suite(.serialized) struct CausesIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
    }

    static let broad = ["guide-alloc-broad.supp", "guide-alloc-broad.lsan"].flatMap {
        ["--suppressions", Tool.fixtures.appendingPathComponent("suppressions/" + $0).path]
    }
    static var lib: String { Tool.fixtures.appendingPathComponent("moq_ffi/src/lib.rs").path }
    static var tests: String { Tool.fixtures.appendingPathComponent("moq_ffi/tests").path }

    /// Per-checker totals of a JSON report: `[checker: [kind: (bytes, blocks)]]`.
    static func perChecker(_ r: Tool.Result) -> [String: [String: [Int]]] {
        var out: [String: [String: [Int]]] = [:]
        for run in r.runs {
            let c = run["checker"] as? String ?? "?"
            let t = run["totals"] as? [String: Any] ?? [:]
            for kind in ["definitelyLost", "indirectlyLost", "suppressed"] {
                let tally = t[kind] as? [String: Int] ?? [:]
                let old = out[c, default: [:]][kind] ?? [0, 0]
                out[c, default: [:]][kind] = [old[0] + (tally["bytes"] ?? 0), old[1] + (tally["blocks"] ?? 0)]
            }
        }
        return out
    }

    @Test func broadEntryHidesNothingAndEveryOutputStatesTheSameCauses() throws {
        let dir = Tool.tempDir("causes")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_ACTIONS"] = "true"
        env["GITHUB_STEP_SUMMARY"] = dir + "/summary.md"
        env["GITHUB_WORKSPACE"] = Tool.repoRoot.path
        let r = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"] + Self.broad + [
                "--sarif", dir + "/r.sarif", "--junit", dir + "/j.xml",
            ], tag: "causes", environment: env, in: dir)
        #expect(r.exitCode == 1, "\(r.combined)")

        // Per-checker totals count the leaks the entry would hide (EXPECTED.md: 77 + 88 bytes each).
        let totals = Self.perChecker(r)
        for c in ["valgrind", "asan"] {
            #expect(totals[c]?["definitelyLost"] == [77, 3], "\(c): \(totals)")
            #expect(totals[c]?["indirectlyLost"] == [88, 2], "\(c): \(totals)")
        }
        // Each gating finding carries the entry, is not suppressed, and both checkers saw it.
        let gating = r.runs.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.filter {
            ["definitelyLost", "indirectlyLost"].contains($0["kind"] as? String ?? "") && $0["suppressedBy"] is NSNull
        }
        #expect(gating.count == 10)
        #expect(gating.allSatisfy { ($0["overBroadSuppression"] as? [String: Any])?["name"] != nil })
        #expect(gating.allSatisfy { $0["seenBy"] as? [String] == ["valgrind", "asan"] }, "\(gating.map { $0["seenBy"] ?? "-" })")

        // The causes, exact.
        let causes = try #require(r.json?["causes"] as? [[String: Any]])
        func summary(_ c: [String: Any]) -> String {
            let a = c["allocation"] as? [String: Any] ?? [:]
            let sites = (c["sites"] as? [[String: Any]] ?? []).map { s -> String in
                let caller = s["caller"] as? [String: Any] ?? [:]
                let file = (caller["file"] as? String).map { ($0 as NSString).lastPathComponent } ?? "-"
                return "\(s["test"] ?? "-") \(caller["function"] ?? "-") \(file):\(caller["line"] ?? 0) \(s["bytes"]!)/\(s["blocks"]!)"
            }
            return
                "\(c["kind"]!) \(c["bytes"]!)/\(c["blocks"]!) \(a["function"] ?? "-"):\(a["line"] ?? 0) \((c["functions"] as? [String] ?? []).joined(separator: ",")) \(c["release"] ?? "-") \((c["checkers"] as? [String] ?? []).joined(separator: "+")) [\(sites.joined(separator: "; "))]"
        }
        #expect(
            causes.map(summary) == [
                "definitelyLost 104/3 moq_subscriber_create:223 moq_subscriber_create moq_subscriber_destroy valgrind+asan [leak_subscriber_with_child lifecycle::leak_subscriber_with_child lifecycle.rs:94 104/3]",
                "definitelyLost 37/1 moq_ffi::MoqResult::error:58 moq_connect moq_free_str valgrind+asan [leak_error_message errors::leak_error_message errors.rs:74 37/1]",
                "definitelyLost 24/1 moq_client_create:103 moq_client_create moq_client_destroy valgrind+asan [tests::leak_client_never_destroyed moq_ffi::tests::leak_client_never_destroyed tests.rs:125 24/1]",
            ])
        let sentences = causes.compactMap { $0["sentence"] as? String }
        #expect(
            sentences.first
                == "104 bytes in 3 blocks definitely lost, returned by moq_subscriber_create() (lib.rs:223), never released: call moq_subscriber_destroy() — 1 call site in 1 test"
        )
        // The console leads with the same sentences and the per-checker LEAK SUMMARY.
        for s in sentences { #expect(r.stdout.contains("  ✗ \(s) (valgrind, asan)"), "\(r.stdout)") }
        #expect(r.stdout.components(separatedBy: "     definitely lost: 77 bytes in 3 blocks").count - 1 == 2)

        // Annotations: one per call site, deduplicated across checkers.
        let annotations = r.stdout.split(separator: "\n").filter { $0.hasPrefix("::error") }
        #expect(annotations.count == 3, "\(annotations)")
        // SARIF: one error result per call site, each with the allocation as related location.
        let sarif = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.sarif")))
                as? [String: Any])
        let results = ((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let errors = results.filter { $0["level"] as? String == "error" }
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { ($0["relatedLocations"] as? [Any])?.count == 1 })
        // JUnit: each checker's suites fail the same three tests.
        let junit = try #require(try XMLDocument(contentsOf: URL(fileURLWithPath: dir + "/j.xml")).rootElement())
        #expect(junit.attribute(forName: "failures")?.stringValue == "6", "3 per checker")
        // Step summary: the same causes and figures.
        let md = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        #expect(md.contains("### Failing the gate: 3 causes"))
        for s in sentences { #expect(md.contains(Escape.markdown(s)), "\(md)") }
        #expect(md.components(separatedBy: "| 77 bytes in 3 blocks | 88 bytes in 2 blocks |").count - 1 == 2)
        // HTML, read in Chromium: one section per cause, per-checker figures, none summed.
        let page = URL(fileURLWithPath: dir + "/leakcheck-report.html").absoluteString
        let profile = Tool.tempDir("causes-chromium")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let dump = try Supervisor().run(
            ProcessSpec(
                executable: "chromium",
                arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--dump-dom", page],
                stdoutPath: dir + "/dom.html", stderrPath: dir + "/chromium.err", timeout: 120))
        #expect(dump.exitCode == 0)
        let dom = (try? String(contentsOfFile: dir + "/dom.html", encoding: .utf8)) ?? ""
        #expect(dom.components(separatedBy: "<section class=\"cause\"").count - 1 == 3)
        #expect(dom.contains("data-figure=\"causes\" data-value=\"3\""))
        for c in ["valgrind", "asan"] {
            #expect(dom.contains("data-figure=\"\(c)-definitely-lost-bytes\" data-value=\"77\""), "\(c)")
        }
        #expect(!dom.contains("data-figure=\"total-definitely-lost-bytes\""), "never summed across checkers")
        for (i, b) in [104, 37, 24].enumerated() {
            #expect(dom.contains("data-figure=\"cause-\(i)-bytes\" data-value=\"\(b)\""))
        }

        // --allow-broad-suppressions: the entry hides them again (valgrind and ASan alike).
        let allowed = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"] + Self.broad
                + ["--allow-broad-suppressions"], tag: "causes-allow")
        defer { try? FileManager.default.removeItem(atPath: allowed.dir) }
        #expect(allowed.exitCode == 0, "\(allowed.combined)")
        let old = Self.perChecker(allowed)
        for c in ["valgrind", "asan"] {
            #expect(old[c]?["definitelyLost"] == [0, 0] && old[c]?["indirectlyLost"] == [0, 0], "\(c): \(old)")
        }
        #expect((allowed.json?["causes"] as? [Any])?.isEmpty == true)
        // The 165 bytes the entry hides move back to "suppressed". libtest's 48-byte main-thread
        // handle is recorded or not at random in each process (suppressed runtime noise), so the
        // two runs may differ by that record in each of the crate's 4 test binaries.
        let moved = (old["valgrind"]?["suppressed"]?[0] ?? 0) - (totals["valgrind"]?["suppressed"]?[0] ?? 0) - 165
        #expect(moved % 48 == 0 && abs(moved) <= 4 * 48, "suppressed moved by 165 + \(moved) bytes")
    }

    /// The C suite built without `-g` (CMake's Release): each C leak keeps its
    /// boundary and release, its site is the caller's function in its executable,
    /// and the hint to build with -g is printed once.
    @Test func cSuiteWithoutDebugInfoKeepsBoundaryAndPrintsTheHintOnce() throws {
        try Tool.require("cmake", install: "apt-get install cmake")
        let r = try Tool.run(
            [
                "valgrind", "--manifest-path", Tool.crateManifest, "--cmake-source",
                Tool.fixtures.appendingPathComponent("moq_ffi/c_tests").path, "--cmake-arg",
                "-DMOQFFI_LIB_DIR={crate_lib_dir}", "--cmake-arg", "-DCMAKE_BUILD_TYPE=Release",
            ], tag: "causes-nog")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.exitCode == 1, "\(r.combined)")
        let causes = try #require(r.json?["causes"] as? [[String: Any]])
        let releases = causes.compactMap { $0["release"] as? String }
        #expect(releases == ["moq_free_str", "moq_client_destroy"], "\(causes)")
        let callers = causes.flatMap { ($0["sites"] as? [[String: Any]]) ?? [] }.compactMap {
            $0["caller"] as? [String: Any]
        }
        #expect(callers.count == 2)
        #expect(callers.allSatisfy { $0["file"] == nil && $0["function"] != nil && $0["object"] != nil }, "\(callers)")
        #expect(r.stdout.components(separatedBy: BoundaryFinder.debugInfoHint).count - 1 == 1, "\(r.stdout)")
        #expect(r.stdout.contains("never released: call moq_free_str()"))
    }

    /// The crate and its C suite in one `all` call with the broad entry: the same
    /// allocation reached from a Rust test and a C test is one cause with two
    /// sites; the failing C test leads; each checker's totals count every leak.
    @Test func crateAndCSuiteShareTheirCauses() throws {
        try Tool.require("cmake", install: "apt-get install cmake")
        let r = try Tool.run(
            ["all", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--cmake-source",
             Tool.fixtures.appendingPathComponent("moq_ffi/c_tests").path, "--cmake-arg",
             "-DMOQFFI_LIB_DIR={crate_lib_dir}"] + Self.broad, tag: "causes-c")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.exitCode == 1, "\(r.combined)")
        let totals = Self.perChecker(r)
        for c in ["valgrind", "asan"] {
            #expect(totals[c]?["definitelyLost"] == [138, 5] && totals[c]?["indirectlyLost"] == [88, 2], "\(c): \(totals)")
        }
        let causes = try #require(r.json?["causes"] as? [[String: Any]])
        let shape = causes.map { c -> String in
            let sites = (c["sites"] as? [[String: Any]] ?? []).map { s -> String in
                let caller = s["caller"] as? [String: Any] ?? [:]
                let file = (caller["file"] as? String).map { ($0 as NSString).lastPathComponent } ?? "-"
                return "\(s["test"] ?? "-")@\(file):\(caller["line"] ?? 0)"
            }
            return "\(c["kind"]!) \(c["bytes"]!) \(c["release"] as? String ?? "-") \((c["checkers"] as? [String] ?? []).joined(separator: "+")) \(sites.joined(separator: ","))"
        }
        #expect(
            shape == [
                "testFailure 0 - valgrind+asan test_failing@-:0",
                "definitelyLost 104 moq_subscriber_destroy valgrind+asan leak_subscriber_with_child@lifecycle.rs:94",
                "definitelyLost 74 moq_free_str valgrind+asan leak_error_message@errors.rs:74,test_leak_message@test_leak_message.c:6",
                "definitelyLost 48 moq_client_destroy valgrind+asan tests::leak_client_never_destroyed@tests.rs:125,test_leak_client@test_leak_client.c:6",
            ], "\(causes)")
        let first = r.stdout.split(separator: "\n").prefix(6).map(String.init)
        #expect(first.contains { $0.hasPrefix("  ✗ test failure: ") }, "\(r.stdout)")
    }
}
