/// One process's worth of a test binary: the tests it is given with `--exact`.
public struct Shard: Sendable, Hashable {
    public var binary: String
    /// In the binary's listing order (libtest runs its filters' matches in that order anyway).
    public var tests: [String]
    /// Start-up plus the tests' cached durations; nil when the cache knew none of them.
    public var estimatedSeconds: Double?

    public init(binary: String, tests: [String], estimatedSeconds: Double? = nil) {
        self.binary = binary
        self.tests = tests
        self.estimatedSeconds = estimatedSeconds
    }

    /// The jobs this shard covers.
    public var ids: [TestID] { tests.map { TestID(binary: binary, test: $0) } }
}

/// Splits one binary's tests into shards so that every core is kept busy
/// without paying a process start-up for less work than it costs.
///
/// How many shards (k):
/// - No timing for any of the tests (first run): k = min(tests, cores), tests
///   dealt round-robin. Nothing says the work is small, and the run measures it.
/// - With timings (a test without one counts as the mean of those with one):
///   a shard must carry at least one start-up's worth of work (the binary's
///   start-up as measured by an earlier run, else `startupSeconds`), so
///   k = min(tests, cores, ⌊work / startup⌋), at least 1; when even `cores`
///   shards would each run longer than `maxShardSeconds`, more shards are made
///   (k = ⌈work / maxShardSeconds⌉, at most one per test) so the global queue
///   can balance them against other binaries. Tests are then placed
///   longest-first on the least-loaded shard (LPT), ties to the lower index.
///
/// A shard's test names are its command line: one whose names would take more
/// than `maxArgumentBytes` is split further, so a binary with tens of thousands
/// of tests never fails to start with E2BIG.
public struct ShardPlanner: Sendable, Hashable {
    /// valgrind's start-up per process measured on this machine (~0.45 s).
    public static let valgrindStartupSeconds = 0.45
    /// A sanitizer-instrumented binary's start-up (~0.01 s).
    public static let sanitizerStartupSeconds = 0.01

    /// Bytes of test names one process is given at most (Linux allows ~2 MiB of
    /// argv and environment together; this leaves the environment room).
    public static let defaultMaxArgumentBytes = 256 << 10

    public var cores: Int
    public var startupSeconds: Double
    public var maxShardSeconds: Double
    public var maxArgumentBytes: Int

    public init(
        cores: Int, startupSeconds: Double, maxShardSeconds: Double = 60,
        maxArgumentBytes: Int = ShardPlanner.defaultMaxArgumentBytes
    ) {
        self.cores = max(1, cores)
        self.startupSeconds = max(0, startupSeconds)
        self.maxShardSeconds = maxShardSeconds > 0 ? maxShardSeconds : 60
        self.maxArgumentBytes = max(1, maxArgumentBytes)
    }

    /// The shards for `tests` (the binary's listing, ignored tests already
    /// dropped), in a deterministic order: the longest estimate first, then by
    /// the listing position of the shard's first test. No tests → no shards.
    public func plan(binary: String, tests: [String], timings: TimingCache = TimingCache()) -> [Shard] {
        var seen = Set<String>()
        let tests = tests.filter { seen.insert($0).inserted }
        guard !tests.isEmpty else { return [] }
        // The binary's own measured start-up, when an earlier run measured it.
        var planner = self
        if let measured = timings.startupSeconds(of: binary) { planner.startupSeconds = measured }
        return planner.plan(distinct: tests, binary: binary, timings: timings)
    }

    private func plan(distinct tests: [String], binary: String, timings: TimingCache) -> [Shard] {
        let known = tests.map { timings[TestID(binary: binary, test: $0)] }
        let timed = known.compactMap { $0 }
        guard !timed.isEmpty else {
            let k = min(tests.count, cores)
            var buckets = Array(repeating: [String](), count: k)
            for (i, t) in tests.enumerated() { buckets[i % k].append(t) }
            return fitArguments(buckets.map { Shard(binary: binary, tests: $0) })
        }
        let mean = timed.reduce(0, +) / Double(timed.count)
        let durations = known.map { $0 ?? mean }
        let work = durations.reduce(0, +)
        let k = shardCount(tests: tests.count, work: work)

        // LPT over listing positions.
        let byLength = durations.indices.sorted {
            durations[$0] != durations[$1] ? durations[$0] > durations[$1] : $0 < $1
        }
        var load = Array(repeating: 0.0, count: k)
        var members = Array(repeating: [Int](), count: k)
        for i in byLength {
            let target = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            load[target] += durations[i]
            members[target].append(i)
        }
        let shards = members.indices.map { s in
            Shard(
                binary: binary, tests: members[s].sorted().map { tests[$0] }, estimatedSeconds: startupSeconds + load[s]
            )
        }
        let first = members.map { $0.min()! }
        let sorted = shards.indices.sorted { a, b in
            shards[a].estimatedSeconds! != shards[b].estimatedSeconds!
                ? shards[a].estimatedSeconds! > shards[b].estimatedSeconds! : first[a] < first[b]
        }.map { shards[$0] }
        return fitArguments(sorted)
    }

    /// Each shard whose names exceed `maxArgumentBytes` replaced, in place, by
    /// as many pieces as it takes (its tests dealt round-robin, listing order
    /// kept in each), its estimated work shared among them.
    func fitArguments(_ shards: [Shard]) -> [Shard] {
        shards.flatMap { shard -> [Shard] in
            let bytes = shard.tests.reduce(0) { $0 + $1.utf8.count + 1 }
            guard bytes > maxArgumentBytes, shard.tests.count > 1 else { return [shard] }
            let pieces = min(shard.tests.count, (bytes + maxArgumentBytes - 1) / maxArgumentBytes)
            var buckets = Array(repeating: [String](), count: pieces)
            for (i, t) in shard.tests.enumerated() { buckets[i % pieces].append(t) }
            let work = shard.estimatedSeconds.map { max(0, $0 - startupSeconds) / Double(pieces) }
            return buckets.map {
                Shard(binary: shard.binary, tests: $0, estimatedSeconds: work.map { startupSeconds + $0 })
            }
        }
    }

    /// The k of the type's doc, for `tests` tests holding `work` seconds.
    public func shardCount(tests: Int, work: Double) -> Int {
        guard tests > 1 else { return max(tests, 1) }
        var k = min(tests, cores)
        if startupSeconds > 0 { k = min(k, max(1, Int((work / startupSeconds).rounded(.down)))) }
        if work / Double(cores) > maxShardSeconds {
            k = max(k, min(tests, Int((work / maxShardSeconds).rounded(.up))))
        }
        return k
    }
}

/// The one queue every job goes through (shards of every binary, ctest tests,
/// feature sets): longest estimate first, so the long jobs start while the
/// short ones fill the gaps at the end. Jobs without an estimate go first
/// (they might be the longest), in the order given; equal estimates keep the
/// order given (the sort is stable).
public enum JobQueue {
    public static func longestFirst<Job>(_ jobs: [Job], seconds: (Job) -> Double?) -> [Job] {
        let keyed = jobs.enumerated().map { (index: $0.offset, seconds: seconds($0.element), job: $0.element) }
        return keyed.sorted { a, b in
            switch (a.seconds, b.seconds) {
            case (nil, nil): return a.index < b.index
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x != y ? x > y : a.index < b.index
            }
        }.map(\.job)
    }
}
