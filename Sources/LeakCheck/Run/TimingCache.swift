import Foundation

/// Per-test durations from earlier runs, to balance shards and order the queue,
/// and each binary's measured start-up. A JSON file (path chosen by the caller,
/// next to the target dir): `{"version": 1, "tests": [{"binary": …, "test": …,
/// "seconds": …}], "startup": [{"binary": …, "seconds": …}]}`, sorted, so the
/// file only changes when a figure does (`startup` is optional: older files load).
///
/// Only whole shards are timed (one process runs many tests), so a test's
/// duration is an estimate: the shard's work — libtest's own `finished in`
/// figure when it printed one, else its wall time minus the start-up — divided
/// among its tests in proportion to their previous estimates when every one
/// has one, equally otherwise. The start-up is what the process cost beyond
/// libtest's figure (the checker loading, the leak check at exit): valgrind's
/// is ~0.45 s on a quiet machine but grows with the binary's debug info and
/// the machine's load, and a planner that underestimates it pays for shards
/// that save nothing.
public struct TimingCache: Sendable, Equatable {
    public static let formatVersion = 1
    /// `RunContext.products` key a source sets to the cache file's path
    /// (cargo: `<target>/moq-leakcheck/timings.json`); else it is under the report dir.
    static let productKey = "timing_cache"

    /// Seconds per job.
    public private(set) var seconds: [TestID: Double] = [:]
    /// Measured process start-up per binary (beyond the tests' own work).
    public private(set) var startup: [String: Double] = [:]

    public init(seconds: [TestID: Double] = [:], startup: [String: Double] = [:]) {
        self.seconds = seconds
        self.startup = startup
    }

    /// A binary's start-up as last measured, if it was.
    public func startupSeconds(of binary: String) -> Double? { startup[binary] }

    /// The estimate for a job, if one was recorded.
    public subscript(_ id: TestID) -> Double? { seconds[id] }

    /// Records a measured duration for one job (a test run alone, a ctest test, a whole binary).
    public mutating func record(seconds value: Double, for id: TestID) {
        seconds[id] = max(0, value)
    }

    /// Records a shard's measured wall time, divided among its tests (see the
    /// type's doc). `workSeconds`: libtest's own figure for the tests, which
    /// also measures the binary's start-up (the rest of the wall time).
    public mutating func record(
        shardSeconds: Double, tests: [TestID], startupSeconds: Double, workSeconds: Double? = nil
    ) {
        guard let first = tests.first else { return }
        let work: Double
        if let measured = workSeconds, measured.isFinite, measured >= 0, measured <= shardSeconds {
            work = measured
            startup[first.binary] = shardSeconds - measured
        } else {
            work = max(0, shardSeconds - (startup[first.binary] ?? startupSeconds))
        }
        let previous = tests.compactMap { seconds[$0] }
        let previousSum = previous.reduce(0, +)
        if previous.count == tests.count, previousSum > 0 {
            let shares = tests.map { work * seconds[$0]! / previousSum }
            for (id, share) in zip(tests, shares) { seconds[id] = share }
        } else {
            for id in tests { seconds[id] = work / Double(tests.count) }
        }
    }

    /// Reads the file. A missing file is an empty cache (first run); a file that
    /// is not a cache throws `TimingCacheError` with a one-line message (the
    /// caller should warn and go on with an empty cache: it is only advice).
    public static func load(path: String) throws -> TimingCache {
        guard FileManager.default.fileExists(atPath: path) else { return TimingCache() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TimingCacheError(path: path, reason: "cannot be read")
        }
        return try decode(data, path: path)
    }

    /// Parses the file's bytes (`path` only names it in errors).
    public static func decode(_ data: Data, path: String = "timing cache") throws -> TimingCache {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw TimingCacheError(path: path, reason: "is not a timing cache (malformed JSON)")
        }
        guard file.version == formatVersion else {
            throw TimingCacheError(path: path, reason: "has version \(file.version), expected \(formatVersion)")
        }
        var cache = TimingCache()
        for entry in file.tests where entry.seconds.isFinite {
            cache.seconds[TestID(binary: entry.binary, test: entry.test)] = max(0, entry.seconds)
        }
        for entry in file.startup ?? [] where entry.seconds.isFinite {
            cache.startup[entry.binary] = max(0, entry.seconds)
        }
        return cache
    }

    /// The file's bytes: entries sorted by job.
    public func encoded() throws -> Data {
        let entries = seconds.keys.sorted().map { File.Entry(binary: $0.binary, test: $0.test, seconds: seconds[$0]!) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let startups = startup.keys.sorted().map { File.Startup(binary: $0, seconds: startup[$0]!) }
        var data = try encoder.encode(
            File(version: Self.formatVersion, tests: entries, startup: startups.isEmpty ? nil : startups))
        data.append(0x0a)
        return data
    }

    /// Writes the file whole or not at all.
    public func save(path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    private struct File: Codable {
        struct Entry: Codable {
            var binary: String
            var test: String?
            var seconds: Double
        }
        struct Startup: Codable {
            var binary: String
            var seconds: Double
        }
        var version: Int
        var tests: [Entry]
        var startup: [Startup]?
    }
}

/// A timing cache file that exists but cannot be used.
public struct TimingCacheError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "timing cache \(path) \(reason)" }
}
