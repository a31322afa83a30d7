/// Which partition of how many a report covers; what `merge` checks so that a
/// missing part is never mistaken for a clean one. JSON: `{"index": 2, "total": 3}`.
public struct PartitionSpec: Codable, Sendable, Hashable, CustomStringConvertible {
    /// 1-based, `1...total`.
    public var index: Int
    public var total: Int
    /// How many jobs (tests, or whole programs) this partition received, over every
    /// checker; nil in reports written before it was recorded. `0`: the partition is
    /// clean by construction (the others cover every job), not incomplete.
    public var jobs: Int?

    public init(index: Int, total: Int, jobs: Int? = nil) {
        self.index = index
        self.total = total
        self.jobs = jobs
    }

    /// `2/3`.
    public var description: String { "\(index)/\(total)" }

    /// A partition that received no job: nothing to check here, and nothing missing.
    public var receivedNoJob: Bool { jobs == 0 }

    /// The one note an empty partition's report carries.
    public var emptyNote: String {
        "partition \(self) received no job: the other partitions run every test, so this one is clean"
    }
}

/// `--partition count:K/N | hash:K/N | slice:K/N`, with cargo-nextest's meaning
/// (nextest-runner/src/partition.rs):
/// - `count`: round-robin within each binary, over its tests in name order;
/// - `hash`: a stable hash of the job, so a test keeps its partition when
///   others are added or removed;
/// - `slice`: round-robin over the whole job list in order, so partitions get
///   the same number of jobs however tests are spread over binaries.
///
/// Every job lands in exactly one of the N partitions. The result does not
/// depend on the order the jobs are given in.
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case count, hash, slice
    }

    public var kind: Kind
    /// 1-based.
    public var index: Int
    public var total: Int

    public init(kind: Kind, index: Int, total: Int) {
        self.kind = kind
        self.index = index
        self.total = total
    }

    /// Parses `count:K/N`, `hash:K/N` or `slice:K/N` (1 ≤ K ≤ N); a bad value is
    /// a `UsageError` (exit 2) with a one-line message.
    public static func parse(_ text: String) throws -> Partition {
        let forms = "count:K/N, hash:K/N or slice:K/N"
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) else {
            throw UsageError("--partition '\(text)': expected \(forms)")
        }
        let numbers = text[text.index(after: colon)...].split(separator: "/", omittingEmptySubsequences: false)
        guard numbers.count == 2,
            numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let k = Int(numbers[0]), let n = Int(numbers[1])
        else {
            throw UsageError("--partition '\(text)': expected \(kind.rawValue):K/N with whole numbers K and N")
        }
        guard n >= 1, (1...n).contains(k) else {
            throw UsageError("--partition '\(text)': K must be between 1 and N (\(n))")
        }
        return Partition(kind: kind, index: k, total: n)
    }

    /// `hash:2/3`.
    public var description: String { "\(kind.rawValue):\(index)/\(total)" }

    /// What a partial report records about itself.
    public var spec: PartitionSpec { PartitionSpec(index: index, total: total) }

    /// The jobs of this partition, in the order given.
    public func select(_ jobs: [TestID]) -> [TestID] {
        zip(jobs, assignments(jobs)).compactMap { $1 == index ? $0 : nil }
    }

    /// The partition (1-based, of `total`) of each job, in the order given.
    /// Duplicated jobs get the same partition.
    public func assignments(_ jobs: [TestID]) -> [Int] {
        switch kind {
        case .hash:
            return jobs.map { Partition.hashBucket(of: $0, total: total) }
        case .slice:
            // Rank in the sorted list of distinct jobs, round-robin.
            let order = Array(Set(jobs)).sorted()
            let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            return jobs.map { rank[$0]! % total + 1 }
        case .count:
            // Round-robin within each binary. Whole-program jobs (nil test) have no
            // tests to count within, so they are counted together as one group:
            // otherwise every `--no-split` binary and ctest test would land in
            // partition 1.
            var groups: [String?: [TestID]] = [:]
            for job in Set(jobs) { groups[job.test == nil ? nil : job.binary, default: []].append(job) }
            var bucket: [TestID: Int] = [:]
            for (_, members) in groups {
                for (i, job) in members.sorted().enumerated() { bucket[job] = i % total + 1 }
            }
            return jobs.map { bucket[$0]! }
        }
    }

    /// `hash:` bucket: binary and test are both hashed, so two binaries' tests of
    /// the same name spread independently. Depends on nothing but the job.
    public static func hashBucket(of job: TestID, total: Int) -> Int {
        let key = job.test.map { job.binary + "\u{0}" + $0 } ?? job.binary
        return Int(StableHash.of(key) % UInt64(total)) + 1
    }
}
