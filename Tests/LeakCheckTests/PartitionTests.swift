import Testing

@testable import LeakCheck

@Suite struct PartitionTests {
    /// Three binaries of uneven size plus whole-program jobs, in a scrambled order.
    static let jobs: [TestID] = {
        var jobs: [TestID] = []
        for i in 0..<23 { jobs.append(TestID(binary: "lib:moq_ffi[]", test: "tests::t\(i)")) }
        for i in 0..<7 { jobs.append(TestID(binary: "test:lifecycle[]", test: "case_\(i)")) }
        jobs.append(TestID(binary: "test:pubsub[]", test: "only"))
        for i in 0..<5 { jobs.append(TestID(binary: "ctest:build/c_tests/t\(i)")) }
        var g = SplitMix(seed: 7)
        return jobs.shuffled(using: &g)
    }()

    @Test func parsesNextestSyntax() throws {
        #expect(try Partition.parse("hash:1/2") == Partition(kind: .hash, index: 1, total: 2))
        #expect(try Partition.parse("count:3/3") == Partition(kind: .count, index: 3, total: 3))
        #expect(try Partition.parse("slice:99/200") == Partition(kind: .slice, index: 99, total: 200))
        #expect(try Partition.parse("slice:1/1").description == "slice:1/1")
        #expect(try Partition.parse("hash:2/3").spec == PartitionSpec(index: 2, total: 3))
    }

    @Test(arguments: [
        ("foo", "--partition 'foo': expected count:K/N, hash:K/N or slice:K/N"),
        ("hash", "--partition 'hash': expected count:K/N, hash:K/N or slice:K/N"),
        ("bucket:1/2", "--partition 'bucket:1/2': expected count:K/N, hash:K/N or slice:K/N"),
        ("hash:", "--partition 'hash:': expected hash:K/N with whole numbers K and N"),
        ("hash:1", "--partition 'hash:1': expected hash:K/N with whole numbers K and N"),
        ("hash:1/", "--partition 'hash:1/': expected hash:K/N with whole numbers K and N"),
        ("hash:m/2", "--partition 'hash:m/2': expected hash:K/N with whole numbers K and N"),
        ("hash:1/2/3", "--partition 'hash:1/2/3': expected hash:K/N with whole numbers K and N"),
        ("hash:0/2", "--partition 'hash:0/2': K must be between 1 and N (2)"),
        ("count:3/2", "--partition 'count:3/2': K must be between 1 and N (2)"),
        ("slice:1/0", "--partition 'slice:1/0': K must be between 1 and N (0)"),
        ("slice:-1/2", "--partition 'slice:-1/2': expected slice:K/N with whole numbers K and N"),
    ])
    func rejectsBadValuesWithOneLine(input: String, message: String) {
        #expect(throws: UsageError.self) { try Partition.parse(input) }
        do {
            _ = try Partition.parse(input)
        } catch let error as UsageError {
            #expect(error.message == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Every job in exactly one partition, for every kind and every N from 1 to 40.
    @Test(arguments: Partition.Kind.allCases)
    func everyJobInExactlyOnePartition(kind: Partition.Kind) {
        let jobs = Self.jobs
        for n in 1...40 {
            var owner: [TestID: Int] = [:]
            for k in 1...n {
                for job in Partition(kind: kind, index: k, total: n).select(jobs) {
                    #expect(owner[job] == nil, "\(job) in partitions \(owner[job] ?? 0) and \(k) of \(n)")
                    owner[job] = k
                }
            }
            #expect(owner.count == jobs.count, "\(kind) N=\(n): \(jobs.count - owner.count) jobs in no partition")
            // `assignments` agrees with `select`.
            #expect(Partition(kind: kind, index: 1, total: n).assignments(jobs) == jobs.map { owner[$0]! })
        }
    }

    @Test(arguments: Partition.Kind.allCases)
    func independentOfTheOrderJobsAreGiven(kind: Partition.Kind) {
        let sorted = Self.jobs.sorted()
        for k in 1...4 {
            let p = Partition(kind: kind, index: k, total: 4)
            #expect(Set(p.select(Self.jobs)) == Set(p.select(sorted)))
            #expect(Set(p.select(Self.jobs + Self.jobs.prefix(3))) == Set(p.select(sorted)))  // duplicates too
        }
    }

    /// count: round-robin over each binary's tests in name order; whole-program jobs counted together.
    @Test func countIsRoundRobinWithinEachBinary() {
        let p = { (k: Int) in Set(Partition(kind: .count, index: k, total: 3).select(Self.jobs)) }
        let lifecycle = (0..<7).map { TestID(binary: "test:lifecycle[]", test: "case_\($0)") }
        #expect(p(1).intersection(lifecycle) == [lifecycle[0], lifecycle[3], lifecycle[6]])
        #expect(p(2).intersection(lifecycle) == [lifecycle[1], lifecycle[4]])
        #expect(p(3).intersection(lifecycle) == [lifecycle[2], lifecycle[5]])
        // Each binary starts again at partition 1: pubsub's only test is in partition 1.
        #expect(p(1).contains(TestID(binary: "test:pubsub[]", test: "only")))
        // Names sort as strings: t0, t1, t10, t11, …, t19, t2, t20, …
        let moq = Self.jobs.filter { $0.binary == "lib:moq_ffi[]" }.sorted()
        #expect(moq.prefix(4).map { $0.test! } == ["tests::t0", "tests::t1", "tests::t10", "tests::t11"])
        #expect(p(2).intersection(moq) == Set(moq.enumerated().filter { $0.offset % 3 == 1 }.map(\.element)))
        let ctest = (0..<5).map { TestID(binary: "ctest:build/c_tests/t\($0)") }
        #expect(p(1).intersection(ctest) == [ctest[0], ctest[3]])
        #expect(p(2).intersection(ctest) == [ctest[1], ctest[4]])
        #expect(p(3).intersection(ctest) == [ctest[2]])
        // Sizes: moq 23 → 8/8/7, lifecycle 7 → 3/2/2, pubsub 1 → 1/0/0, ctest 5 → 2/2/1.
        #expect([p(1).count, p(2).count, p(3).count] == [14, 12, 10])
    }

    /// slice: round-robin over the whole sorted list, so sizes differ by at most one.
    @Test func sliceIsRoundRobinAcrossBinaries() {
        let sorted = Self.jobs.sorted()
        for k in 1...3 {
            let part = Partition(kind: .slice, index: k, total: 3).select(sorted)
            #expect(part == sorted.enumerated().filter { $0.offset % 3 == k - 1 }.map(\.element))
        }
        let sizes = (1...5).map { Partition(kind: .slice, index: $0, total: 5).select(Self.jobs).count }
        #expect(sizes == [8, 7, 7, 7, 7])  // 36 jobs
    }

    /// hash: adding tests (to a binary, or a new binary) moves no existing test.
    @Test func hashKeepsTestsInPlaceWhenTestsAreAdded() {
        var grown = Self.jobs
        for i in 0..<50 { grown.insert(TestID(binary: "lib:moq_ffi[]", test: "tests::new_\(i)"), at: i % grown.count) }
        for i in 0..<10 { grown.append(TestID(binary: "test:errors[]", test: "e\(i)")) }
        for n in [2, 3, 5, 8] {
            let before = Partition(kind: .hash, index: 1, total: n).assignments(Self.jobs)
            let after = Partition(kind: .hash, index: 1, total: n).assignments(grown)
            let placed = Dictionary(zip(grown, after), uniquingKeysWith: { a, _ in a })
            #expect(Self.jobs.map { placed[$0]! } == before)
        }
        // count, by contrast, moves tests when one is added before them.
        let countBefore = Partition(kind: .count, index: 1, total: 3).assignments(Self.jobs)
        let countAfter = Partition(kind: .count, index: 1, total: 3).assignments(
            Self.jobs + [TestID(binary: "lib:moq_ffi[]", test: "tests::a")])
        #expect(countBefore != Array(countAfter.dropLast()))
    }

    /// The hash is fixed: these buckets must never change (CI shards would move).
    @Test func hashIsStableAcrossRunsAndMachines() {
        #expect(StableHash.of("") == UInt64(0xcbf2_9ce4_8422_2325).fmix64)
        #expect(StableHash.of("a") == UInt64(0xaf63_dc4c_8601_ec8c).fmix64)
        let buckets = ["tests::t0", "tests::t1", "tests::t2", "tests::t3", "tests::t4", "tests::t5"].map {
            Partition.hashBucket(of: TestID(binary: "lib:moq_ffi[]", test: $0), total: 3)
        }
        #expect(buckets == Self.expectedBuckets)
        // The binary is part of the key; a whole-program job hashes its binary alone.
        #expect(
            Partition.hashBucket(of: TestID(binary: "ctest:x"), total: 1_000_003) == Int(
                StableHash.of("ctest:x") % 1_000_003) + 1)
        #expect(
            Partition.hashBucket(of: TestID(binary: "b", test: "t"), total: 1_000_003) == Int(
                StableHash.of("b\u{0}t") % 1_000_003) + 1)
    }

    /// Written down from the first run of `hashIsStableAcrossRunsAndMachines`.
    static let expectedBuckets = [2, 3, 1, 3, 3, 3]

    /// hash spreads evenly: 3,000 tests over 3 partitions, each within 5% of a third.
    @Test func hashSpreadsEvenly() {
        let jobs = (0..<3_000).map { TestID(binary: "lib:big[]", test: "tests::case_\($0)") }
        let sizes = (1...3).map { Partition(kind: .hash, index: $0, total: 3).select(jobs).count }
        #expect(sizes.reduce(0, +) == 3_000)
        for s in sizes { #expect(abs(s - 1_000) <= 50, "\(sizes)") }
    }
}

extension UInt64 {
    /// MurmurHash3's finalizer, to check `StableHash` against FNV-1a's published values.
    fileprivate var fmix64: UInt64 {
        var h = self
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}

/// A seeded generator, so shuffles are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
