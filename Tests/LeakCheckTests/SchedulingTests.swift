import Foundation
import TestSupport
import Testing

@testable import LeakCheck

@Suite struct SchedulingTests {
    static let bin = "lib:moq_ffi[]"
    static func tests(_ n: Int) -> [String] { (0..<n).map { String(format: "tests::t%02d", $0) } }

    func cache(_ seconds: [String: Double]) -> TimingCache {
        var c = TimingCache()
        for (t, s) in seconds { c.record(seconds: s, for: TestID(binary: Self.bin, test: t)) }
        return c
    }

    // MARK: ShardPlanner

    @Test func withoutACacheOneShardPerCoreRoundRobin() {
        let planner = ShardPlanner(cores: 2, startupSeconds: ShardPlanner.valgrindStartupSeconds)
        let shards = planner.plan(binary: Self.bin, tests: Self.tests(5))
        #expect(
            shards == [
                Shard(binary: Self.bin, tests: ["tests::t00", "tests::t02", "tests::t04"]),
                Shard(binary: Self.bin, tests: ["tests::t01", "tests::t03"]),
            ])
        #expect(shards[0].ids == ["tests::t00", "tests::t02", "tests::t04"].map { TestID(binary: Self.bin, test: $0) })
        // Fewer tests than cores: one test per shard; none: no shard; duplicates listed once.
        #expect(
            ShardPlanner(cores: 8, startupSeconds: 0.45).plan(binary: Self.bin, tests: ["a", "b", "a"]).map(\.tests)
                == [["a"], ["b"]])
        #expect(planner.plan(binary: Self.bin, tests: []) == [])
        #expect(ShardPlanner(cores: 0, startupSeconds: 0.45).cores == 1)
    }

    /// Longest first on the least-loaded shard; each shard's tests in listing order.
    @Test func longestFirstBalancingFromTheCache() {
        let timings = cache([
            "tests::t00": 1, "tests::t01": 7, "tests::t02": 2, "tests::t03": 4, "tests::t04": 3, "tests::t05": 3,
        ])
        let shards = ShardPlanner(cores: 2, startupSeconds: 0.45).plan(
            binary: Self.bin, tests: Self.tests(6), timings: timings)
        // LPT: t01 (7) → A, t03 (4) → B, t04 (3) → B = 7, t05 (3) → A = 10 (tie: lower shard),
        // t02 (2) → B = 9, t00 (1) → B = 10. Equal estimates: the shard holding the first listed test first.
        #expect(
            shards.map(\.tests) == [
                ["tests::t00", "tests::t02", "tests::t03", "tests::t04"], ["tests::t01", "tests::t05"],
            ])
        #expect(shards.map(\.estimatedSeconds) == [10.45, 10.45])
        // Round-robin would have given 1+2+3=6 and 7+4+3=14.
    }

    /// Tests the cache does not know count as the mean of those it does.
    @Test func unknownTestsCountAsTheMean() {
        let timings = cache(["tests::t00": 6, "tests::t01": 2])
        let shards = ShardPlanner(cores: 2, startupSeconds: 0.01).plan(
            binary: Self.bin, tests: Self.tests(4), timings: timings)
        // Durations 6, 2, 4, 4 → A: 6, B: 4, B: 8 → A: 6+2=8.
        #expect(shards.map(\.tests) == [["tests::t00", "tests::t01"], ["tests::t02", "tests::t03"]])
        #expect(shards.map(\.estimatedSeconds) == [8.01, 8.01])
    }

    /// Start-up weighed against work: a shard must carry a start-up's worth of work.
    @Test func smallWorkStaysInOneProcess() {
        let planner = ShardPlanner(cores: 2, startupSeconds: ShardPlanner.valgrindStartupSeconds)
        // 48 tests of 5 ms under valgrind: 0.24 s of work, less than one start-up.
        let tiny = cache(Dictionary(uniqueKeysWithValues: Self.tests(48).map { ($0, 0.005) }))
        let one = planner.plan(binary: Self.bin, tests: Self.tests(48), timings: tiny)
        #expect(one.count == 1)
        #expect(one[0].tests == Self.tests(48))
        // The same tests under a sanitizer (10 ms start-up): worth splitting.
        #expect(
            ShardPlanner(cores: 2, startupSeconds: ShardPlanner.sanitizerStartupSeconds)
                .plan(binary: Self.bin, tests: Self.tests(48), timings: tiny).map(\.tests.count) == [24, 24])
        #expect(planner.shardCount(tests: 48, work: 0.24) == 1)
        #expect(planner.shardCount(tests: 48, work: 0.9) == 2)
        #expect(ShardPlanner(cores: 4, startupSeconds: 0.45).shardCount(tests: 48, work: 1.0) == 2)
        #expect(ShardPlanner(cores: 4, startupSeconds: 0.45).shardCount(tests: 1, work: 100) == 1)
    }

    /// Long work: more shards than cores, so the global queue can balance them.
    @Test func longWorkMakesMoreShardsThanCores() {
        let planner = ShardPlanner(cores: 2, startupSeconds: 0.45, maxShardSeconds: 60)
        #expect(planner.shardCount(tests: 100, work: 120) == 2)  // 60 s each: enough
        #expect(planner.shardCount(tests: 100, work: 300) == 5)
        #expect(planner.shardCount(tests: 3, work: 300) == 3)  // never more than one per test
        let timings = cache(Dictionary(uniqueKeysWithValues: Self.tests(10).map { ($0, 30.0) }))
        let shards = planner.plan(binary: Self.bin, tests: Self.tests(10), timings: timings)
        #expect(shards.map(\.tests.count) == [2, 2, 2, 2, 2])
    }

    // MARK: JobQueue

    /// A binary with more test names than one command line holds is split so
    /// no process is given more than the budget, every test once, with or without
    /// timings.
    @Test func testNamesNeverExceedTheArgumentBudget() {
        let names = (0..<3000).map { String(format: "integration::suite_%04d::a_rather_long_test_name_for_argv", $0) }
        let budget = 64 << 10
        let planner = ShardPlanner(cores: 2, startupSeconds: 0.45, maxArgumentBytes: budget)
        var cache = TimingCache()
        for n in names { cache.record(seconds: 0.001, for: TestID(binary: Self.bin, test: n)) }
        for timings in [TimingCache(), cache] {
            let shards = planner.plan(binary: Self.bin, tests: names, timings: timings)
            #expect(shards.count > 2, "the budget forced more shards than cores")
            #expect(shards.allSatisfy { $0.tests.reduce(0) { $0 + $1.utf8.count + 1 } <= budget })
            #expect(shards.flatMap(\.tests).sorted() == names.sorted())
        }
        // Under the budget nothing changes.
        let small = ShardPlanner(cores: 2, startupSeconds: 0.45).plan(binary: Self.bin, tests: Self.tests(8))
        #expect(small.count == 2)
    }

    /// libtest's own `finished in` figure is the shard's work; the rest of its
    /// wall time is the binary's start-up, which the next plan weighs instead of
    /// the default: tests a slow start-up dwarfs stay in one process.
    @Test func measuredStartUpDecidesTheShardCount() throws {
        #expect(
            LibtestListing.finishedSeconds(
                in:
                    "running 8 tests\ntest a ... ok\n\ntest result: ok. 8 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.62s\n"
            ) == 0.62)
        #expect(LibtestListing.finishedSeconds(in: "test a ... ok\n") == nil)
        let ids = Self.tests(8).map { TestID(binary: Self.bin, test: $0) }
        var cache = TimingCache()
        // A 1.5 s shard whose tests took 0.6 s: 0.9 s of start-up.
        cache.record(shardSeconds: 1.5, tests: ids, startupSeconds: 0.45, workSeconds: 0.6)
        #expect(abs((cache.startupSeconds(of: Self.bin) ?? 0) - 0.9) < 1e-9)
        #expect(ids.allSatisfy { abs((cache[$0] ?? 0) - 0.075) < 1e-9 })
        // With the default 0.45 s the 0.6 s of work would be worth one more process; measured, it is not.
        let planner = ShardPlanner(cores: 2, startupSeconds: 0.45)
        #expect(
            planner.plan(binary: Self.bin, tests: Self.tests(8), timings: TimingCache(seconds: cache.seconds)).count
                == 1)
        var doubled = TimingCache()
        for id in ids { doubled.record(seconds: 0.15, for: id) }
        #expect(planner.plan(binary: Self.bin, tests: Self.tests(8), timings: doubled).count == 2)
        doubled.record(shardSeconds: 3.0, tests: ids, startupSeconds: 0.45, workSeconds: 1.2)
        #expect(planner.plan(binary: Self.bin, tests: Self.tests(8), timings: doubled).count == 1)
        // Without libtest's figure (a crash), the measured start-up is what is subtracted.
        doubled.record(shardSeconds: 2.0, tests: ids, startupSeconds: 0.45)
        #expect(ids.allSatisfy { abs((doubled[$0] ?? 0) - 0.025) < 1e-9 })
        // The start-up survives the file; a file without it still loads.
        let back = try TimingCache.decode(try doubled.encoded())
        #expect(back == doubled)
        let old = try TimingCache.decode(Data(#"{"version": 1, "tests": []}"#.utf8))
        #expect(old.startup.isEmpty)
    }

    @Test func oneQueueLongestFirst() {
        struct Job: Equatable {
            var name: String
            var seconds: Double?
        }
        let jobs = [
            Job(name: "ctest t1", seconds: 0.5), Job(name: "lib shard 1", seconds: 4),
            Job(name: "new binary", seconds: nil),
            Job(name: "feature set with_moq", seconds: 9), Job(name: "lib shard 2", seconds: 4),
            Job(name: "ctest t2", seconds: nil),
        ]
        #expect(
            JobQueue.longestFirst(jobs, seconds: \.seconds).map(\.name) == [
                "new binary", "ctest t2", "feature set with_moq", "lib shard 1", "lib shard 2", "ctest t1",
            ])
        // Shards of two binaries go through the same queue by their estimates.
        let a = ShardPlanner(cores: 2, startupSeconds: 0.45).plan(
            binary: "a", tests: ["x", "y"],
            timings: TimingCache(seconds: [TestID(binary: "a", test: "x"): 3, TestID(binary: "a", test: "y"): 1]))
        let b = [Shard(binary: "b", tests: ["z"], estimatedSeconds: 2)]
        #expect(JobQueue.longestFirst(a + b, seconds: \.estimatedSeconds).map(\.tests) == [["x"], ["z"], ["y"]])
    }

    // MARK: TimingCache

    @Test func shardTimeDividedAmongItsTests() {
        var c = TimingCache()
        let ids = ["a", "b", "c", "d"].map { TestID(binary: Self.bin, test: $0) }
        // First run: nothing known, equal split of the time after start-up.
        c.record(shardSeconds: 4.45, tests: ids, startupSeconds: 0.45)
        #expect(ids.map { c[$0] } == [1, 1, 1, 1])
        // A's measured alone at 3 s (a re-run): the next shard time is split 3:1:1:1.
        c.record(seconds: 3, for: ids[0])
        c.record(shardSeconds: 12.45, tests: ids, startupSeconds: 0.45)
        #expect(ids.map { c[$0] } == [6, 2, 2, 2])
        // A shard shorter than the start-up: zero, never negative.
        c.record(shardSeconds: 0.2, tests: [ids[1]], startupSeconds: 0.45)
        #expect(c[ids[1]] == 0)
        // Not every test known: equal split again.
        c.record(shardSeconds: 2.45, tests: [ids[2], TestID(binary: Self.bin, test: "new")], startupSeconds: 0.45)
        #expect(c[ids[2]] == 1)
        #expect(c[TestID(binary: Self.bin, test: "new")] == 1)
    }

    @Test func cacheFileRoundTripsSortedAndAtomically() throws {
        let dir = Scratch.url.appendingPathComponent(
            "sched-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("target/moq-leakcheck/timings.json").path
        // Missing file: an empty cache.
        #expect(try TimingCache.load(path: path) == TimingCache())
        let c = TimingCache(seconds: [
            TestID(binary: "test:lifecycle[]", test: "b"): 0.25, TestID(binary: "ctest:c_tests/t1"): 1.5,
            TestID(binary: "test:lifecycle[]", test: "a"): 2,
        ])
        try c.save(path: path)
        #expect(try TimingCache.load(path: path) == c)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text == """
                {
                  "tests" : [
                    {
                      "binary" : "ctest:c_tests/t1",
                      "seconds" : 1.5
                    },
                    {
                      "binary" : "test:lifecycle[]",
                      "seconds" : 2,
                      "test" : "a"
                    },
                    {
                      "binary" : "test:lifecycle[]",
                      "seconds" : 0.25,
                      "test" : "b"
                    }
                  ],
                  "version" : 1
                }

                """)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent) == [
                "timings.json"
            ])
    }

    @Test func unusableCacheFileIsAOneLineError() throws {
        let dir = Scratch.url.appendingPathComponent(
            "sched-bad-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("timings.json").path
        try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TimingCacheError(path: path, reason: "is not a timing cache (malformed JSON)")) {
            try TimingCache.load(path: path)
        }
        try #"{"version": 2, "tests": []}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TimingCacheError(path: path, reason: "has version 2, expected 1")) {
            try TimingCache.load(path: path)
        }
        #expect(
            TimingCacheError(path: "t.json", reason: "has version 2, expected 1").description
                == "timing cache t.json has version 2, expected 1")
    }
}
