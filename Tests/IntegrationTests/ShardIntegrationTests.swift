import Foundation
import Testing

@testable import LeakCheck

/// The scheduler on real cargo builds under real valgrind and sanitizers:
/// shards give the whole binaries' figures, stack attribution needs no re-run,
/// a named thread function's leak is bisected, a halted ASan shard loses no
/// test, and partitions merge to the whole run. Processes are counted by the
/// `.out` file every run writes (program output) in the checker's log dir.
@Suite(.serialized) struct ShardIntegrationTests {
    static let threadManifest = Tool.fixtures.appendingPathComponent("shard_thread/Cargo.toml").path

    /// Tests each moq_ffi binary runs with `--features leak_demo` (ignored ones dropped, EXPECTED.md).
    static let moqFFITests = ["moq_ffi": 9, "lifecycle": 6, "errors": 5, "pubsub": 2]

    /// The processes a run started: one `.out` per run (builds write `.json`/`.stderr`).
    static func processes(_ r: Tool.Result, _ checker: String) -> [String] {
        let dir = r.dir + "/leakcheck-logs/" + checker
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".out") }.sorted()
    }

    /// The first run of a crate plans without timings (round-robin over the cores),
    /// so the number of shards is known exactly.
    static func forgetTimings(_ manifest: String) {
        let dir = (manifest as NSString).deletingLastPathComponent
        try? FileManager.default.removeItem(atPath: dir + "/target/moq-leakcheck/timings.json")
    }

    struct Row: Hashable, CustomStringConvertible {
        var target: String?
        var test: String?
        var kind: String
        var bytes: Int?
        var blocks: Int?
        var attributedBy: String?
        var description: String {
            "\(target ?? "-") \(test ?? "-") \(kind) \(bytes ?? -1)/\(blocks ?? -1) \(attributedBy ?? "-")"
        }
    }

    /// Unsuppressed findings of every run, sorted.
    static func rows(_ runs: [[String: Any]]) -> [Row] {
        runs.flatMap { run in
            (run["findings"] as? [[String: Any]] ?? []).filter {
                $0["suppressedBy"] is NSNull || $0["suppressedBy"] == nil
            }
            .map {
                Row(
                    target: run["target"] as? String, test: $0["test"] as? String, kind: $0["kind"] as! String,
                    bytes: $0["bytes"] as? Int, blocks: $0["blocks"] as? Int,
                    attributedBy: $0["attributedBy"] as? String)
            }
        }.sorted { $0.description < $1.description }
    }

    /// Totals without `suppressed` (libtest's own allocations, once per process).
    static func gatingTotals(_ totals: [String: Any]) -> NSDictionary {
        var t = totals
        t["suppressed"] = nil
        t["suppressedErrors"] = nil
        return t as NSDictionary
    }

    /// Runs without what differs between any two invocations (timings, log paths, addresses, loss record numbers)
    /// and without libtest's own allocations the suppressions remove (once per process).
    static func comparable(_ runs: [[String: Any]]) -> [NSDictionary] {
        runs.map { run in
            var r = run
            r["durationSeconds"] = nil
            r["logFiles"] = nil
            // Frame addresses move with ASLR (PIE sanitizer builds).
            r["findings"] = (run["findings"] as? [[String: Any]] ?? []).filter { $0["suppressedBy"] is NSNull }.map {
                var f = $0
                // valgrind's "in loss record 1 of N" counts the process's records,
                // libtest's own (suppressed) ones included: N differs per process.
                if let m = f["message"] as? String, let at = m.range(of: " in loss record ") {
                    f["message"] = String(m[..<at.lowerBound])
                }
                f["stack"] = ($0["stack"] as? [[String: Any]] ?? []).map { frame -> [String: Any] in
                    var fr = frame
                    fr["address"] = nil
                    return fr
                }
                return f
            }
            r["totals"] = gatingTotals(run["totals"] as? [String: Any] ?? [:])
            return r as NSDictionary
        }
    }

    /// Tests each target's runs executed, in the order reported.
    static func testsRun(_ runs: [[String: Any]]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for run in runs { out[run["target"] as? String ?? "-", default: []] += run["tests"] as? [String] ?? [] }
        return out
    }

    func shardsEqualWholeBinaries(_ checker: String) throws {
        // A timing cache of its own: other suites run the same crate at the same time and
        // write the shared one, which would change how many shards this run plans.
        var env = ProcessInfo.processInfo.environment
        env["MOQ_LEAKCHECK_TIMINGS"] = Tool.tempDir("timings-\(checker)") + "/timings.json"
        let sharded = try Tool.run(
            [checker, "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "2"],
            tag: "shard-\(checker)", environment: env)
        let whole = try Tool.run(
            [checker, "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--no-split", "--jobs", "2"],
            tag: "whole-\(checker)")
        #expect(sharded.exitCode == 1 && whole.exitCode == 1, "\(sharded.combined)\n\(whole.combined)")
        #expect(Self.gatingTotals(sharded.totals) == Self.gatingTotals(whole.totals))
        #expect(sharded.tally("definitelyLost") == (77, 3))
        #expect(sharded.tally("indirectlyLost") == (88, 2))
        #expect(Self.rows(sharded.runs) == Self.rows(whole.runs))
        // Every leak named by its stack: no bisection, one process per shard.
        let attributed = Set(Self.rows(sharded.runs).map { "\($0.test ?? "-") \($0.attributedBy ?? "-")" })
        #expect(
            attributed == [
                "tests::leak_client_never_destroyed stack", "leak_error_message stack",
                "leak_subscriber_with_child stack",
            ])
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let shards = Self.moqFFITests.values.map { min($0, cores) }.reduce(0, +)
        #expect(Self.processes(sharded, checker).count == shards)
        // Reported as one run per binary, the same as the --no-split report.
        #expect(sharded.runs.count == 4)
        #expect(Self.comparable(sharded.runs) == Self.comparable(whole.runs))
        #expect(Self.processes(sharded, checker).allSatisfy { !$0.contains("-b") })
        // Each test ran exactly once, in some shard.
        let ran = Self.testsRun(sharded.runs)
        #expect(ran.mapValues { $0.count } == Self.moqFFITests)
        #expect(ran.mapValues { Set($0).count } == Self.moqFFITests)
        // --no-split: one process per binary, given no test names.
        #expect(Self.processes(whole, checker).count == 4)
        #expect(whole.runs.count == 4)
        #expect(whole.runs.allSatisfy { !($0["arguments"] as? [String] ?? []).contains("--exact") })
    }

    @Test func valgrindShardsGiveTheWholeBinariesFiguresWithNoReRun() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try shardsEqualWholeBinaries("valgrind")
    }

    @Test(arguments: ["asan", "lsan"])
    func sanitizerShardsGiveTheWholeBinariesFiguresWithNoReRun(_ checker: String) throws {
        try shardsEqualWholeBinaries(checker)
    }

    /// `tests::foxtrot_spawns_leaky_worker` spawns `leaky_worker`: no test frame.
    /// Shards (round-robin over 2 cores): alpha charlie echo golf | bravo delta
    /// foxtrot hotel; bisection runs bravo+delta (not it), then foxtrot alone.
    @Test(arguments: ["valgrind", "asan"])
    func aLeakFromANamedThreadFunctionIsBisectedToItsTest(_ checker: String) throws {
        if checker == "valgrind" { try Tool.require("valgrind", install: "apt-get install valgrind") }
        Self.forgetTimings(Self.threadManifest)
        let r = try Tool.run(
            [checker, "--manifest-path", Self.threadManifest, "--jobs", "2"], tag: "thread-\(checker)")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(
            Self.rows(r.runs) == [
                Row(
                    target: "shard_thread", test: "tests::foxtrot_spawns_leaky_worker", kind: "definitelyLost",
                    bytes: 48,
                    blocks: 1, attributedBy: "rerun")
            ])
        try #require(ProcessInfo.processInfo.activeProcessorCount == 2, "the shards below are those of 2 cores")
        #expect(
            Self.processes(r, checker) == [
                "default-lib-shard_thread-s0.out", "default-lib-shard_thread-s1-b0.out",
                "default-lib-shard_thread-s1-b1.out",
                "default-lib-shard_thread-s1.out",
            ])
        #expect(r.runs.count == 1)
        // Again, planned from the timings the first run cached (the leaking test, the
        // longest, may now be a shard of its own): the same attribution.
        let again = try Tool.run(
            [checker, "--manifest-path", Self.threadManifest, "--jobs", "2"], tag: "thread2-\(checker)")
        #expect(again.exitCode == 1, "\(again.combined)")
        #expect(Self.rows(again.runs) == Self.rows(r.runs))
    }

    /// ASan halts `lifecycle`'s shard at `uaf_subscriber_after_destroy`: the error
    /// is that test's, and every other test of the binary still runs to the end
    /// (the leak of `leak_subscriber_with_child`, which the halt hid, is found).
    @Test func aUseAfterFreeHaltsOnlyItsTestAndTheShardsOtherTestsRunAgain() throws {
        Self.forgetTimings(Tool.crateManifest)
        let r = try Tool.run(
            ["asan", "--manifest-path", Tool.crateManifest, "--features", "uaf_demo,leak_demo", "--jobs", "2"],
            tag: "uaf-shard")
        #expect(r.exitCode == 1, "\(r.combined)")
        let lifecycle = Self.rows(r.runs).filter { $0.target == "lifecycle" }
        #expect(
            lifecycle
                == [
                    Row(
                        target: "lifecycle", test: "leak_subscriber_with_child", kind: "definitelyLost", bytes: 16,
                        blocks: 1, attributedBy: "stack"),
                    Row(
                        target: "lifecycle", test: "leak_subscriber_with_child", kind: "indirectlyLost", bytes: 24,
                        blocks: 1, attributedBy: "stack"),
                    Row(
                        target: "lifecycle", test: "leak_subscriber_with_child", kind: "indirectlyLost", bytes: 64,
                        blocks: 1, attributedBy: "stack"),
                    Row(
                        target: "lifecycle", test: "uaf_subscriber_after_destroy", kind: "useAfterFree", bytes: nil,
                        blocks: nil, attributedBy: "stack"),
                ].sorted { $0.description < $1.description })
        // Each of lifecycle's 7 tests ran to completion exactly once; none failed.
        let ran = try #require(Self.testsRun(r.runs)["lifecycle"])
        #expect(
            ran.sorted() == [
                "client_lifecycle", "connect_callback_receives_user_data", "leak_subscriber_with_child", "many_clients",
                "publisher_lifecycle", "subscriber_lifecycle", "uaf_subscriber_after_destroy",
            ])
        #expect(!Self.rows(r.runs).contains { $0.kind == "testFailure" || $0.kind == "fatalSignal" })
        #expect(r.combined.contains("the process stopped in uaf_subscriber_after_destroy"))
    }

    /// 3 `hash:` partitions, each run for real, merged by `ReportMerger`, equal
    /// the unpartitioned run: findings, totals, status, exit code, tests run.
    @Test func threeHashPartitionsMergedEqualTheUnpartitionedRun() throws {
        let args = ["asan", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "2"]
        let whole = try Tool.run(args, tag: "part-whole")
        var parts: [(Report, PartitionSpec?)] = []
        var partRuns: [[[String: Any]]] = []
        for k in 1...3 {
            let dir = Tool.tempDir("part-\(k)")
            let p = try Tool.run(
                args + ["--partition", "hash:\(k)/3", "--junit", dir + "/junit.xml"], tag: "part-\(k)", in: dir)
            // JUnit lists every test of each binary this partition ran: the ones other
            // partitions run are skipped, never passed (as is moq_ffi's one #[ignore]d test).
            let junit = try #require(p.file("junit.xml"))
            let ran = Self.testsRun(p.runs)
            let listed = ran.keys.map { Self.moqFFITests[$0]! + ($0 == "moq_ffi" ? 1 : 0) }.reduce(0, +)
            let mine = ran.values.map(\.count).reduce(0, +)
            #expect(junit.components(separatedBy: "<testcase ").count - 1 == listed)
            #expect(junit.components(separatedBy: "<skipped").count - 1 == listed - mine)
            let data = try #require(FileManager.default.contents(atPath: p.dir + "/report.json"))
            let report = try JSONDecoder().decode(Report.self, from: data)
            #expect(report.partition?.index == k && report.partition?.total == 3)
            #expect(report.partition?.jobs == Self.testsRun(p.runs).values.map(\.count).reduce(0, +))
            parts.append((report, report.partition))
            partRuns.append(p.runs)
        }
        let merged = ReportMerger.merge(reports: parts)
        let wholeReport = try JSONDecoder().decode(
            Report.self, from: try #require(FileManager.default.contents(atPath: whole.dir + "/report.json")))
        #expect(merged.exitCode == wholeReport.exitCode)
        #expect(merged.exitCode == 1)
        #expect(merged.status == wholeReport.status)
        var mergedTotals = merged.totals
        var wholeTotals = wholeReport.totals
        mergedTotals.suppressed = Tally()
        wholeTotals.suppressed = Tally()
        #expect(mergedTotals == wholeTotals)
        let encoder = JSONEncoder()
        let mergedRuns = try JSONSerialization.jsonObject(with: encoder.encode(merged.runs)) as! [[String: Any]]
        #expect(Self.rows(mergedRuns) == Self.rows(whole.runs))
        // Every test in exactly one partition.
        let byPart = partRuns.map { Self.testsRun($0).values.flatMap { $0 } }
        #expect(byPart.map(\.count).reduce(0, +) == Self.moqFFITests.values.reduce(0, +))
        #expect(Set(byPart.flatMap { $0 }).count == Self.moqFFITests.values.reduce(0, +))
        #expect(
            Self.testsRun(mergedRuns).mapValues { $0.sorted() } == Self.testsRun(whole.runs).mapValues { $0.sorted() })
    }
}
