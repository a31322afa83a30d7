import Testing

@testable import LeakCheck

/// `Bisection` against a simulated checker: which fingerprints a run of a set
/// of tests reproduces.
@Suite struct SchedulingBisectionTests {
    struct Oracle {
        /// Fingerprints each test reproduces on its own.
        var alone: [String: Set<String>] = [:]
        /// Fingerprints that need every one of these tests in the same process.
        var together: [(tests: Set<String>, fingerprint: String)] = []
        var processes = 0

        mutating func run(_ tests: [String]) -> Set<String> {
            processes += 1
            var out = Set<String>()
            for t in tests { out.formUnion(alone[t] ?? []) }
            for (need, f) in together where need.isSubset(of: tests) { out.insert(f) }
            return out
        }
    }

    /// Runs the bisection to the end, each batch of pending runs "in parallel"; returns the rounds.
    @discardableResult
    func drive(_ b: inout Bisection, _ oracle: inout Oracle) -> Int {
        var rounds = 0
        while !b.isFinished {
            let batch = b.pendingRuns
            #expect(!batch.isEmpty, "not finished but nothing to run")
            if batch.isEmpty { break }
            for run in batch { b.record(run.id, reproduced: oracle.run(run.tests)) }
            rounds += 1
        }
        #expect(b.runsProposed == oracle.processes)
        return rounds
    }

    static func names(_ n: Int) -> [String] { (0..<n).map { "t\($0)" } }

    /// One culprit among 16: 4 halvings, plus a confirming run when the last
    /// halving only presumed it (it was in the second half of its pair).
    @Test func oneCulpritCostsLog2NRuns() {
        for culprit in 0..<16 {
            var oracle = Oracle(alone: ["t\(culprit)": ["f"]])
            var b = Bisection(tests: Self.names(16), fingerprints: ["f"])
            drive(&b, &oracle)
            #expect(b.attributed == ["f": "t\(culprit)"])
            #expect(b.residual == [])
            #expect(oracle.processes == 4 + culprit % 2, "culprit t\(culprit)")
        }
    }

    /// 1,000 tests: never more than ⌈log2 1000⌉ + 1 = 11 runs, against 1,000 one-test processes.
    @Test func thousandTestsNeedAtMostElevenRuns() {
        var costs: [Int] = []
        for culprit in stride(from: 0, to: 1_000, by: 7) {
            var oracle = Oracle(alone: ["t\(culprit)": ["leak"]])
            var b = Bisection(tests: Self.names(1_000), fingerprints: ["leak"])
            drive(&b, &oracle)
            #expect(b.attributed == ["leak": "t\(culprit)"])
            costs.append(oracle.processes)
        }
        // Longest path 1000→500→250→125→63→32→16→8→4→2→1 (10 runs) + a confirmation;
        // shortest 1000→…→7→3→1 (9 runs), always presumed (second half), + a confirmation.
        #expect(costs.max() == 11)
        #expect(costs.min() == 10)
    }

    /// A finding that needs two tests in one process: no single test has it; residual, at the same cost.
    @Test func needsTwoTestsTogetherIsResidual() {
        var oracle = Oracle(together: [(["t1", "t6"], "pair")])
        var b = Bisection(tests: Self.names(8), fingerprints: ["pair"])
        drive(&b, &oracle)
        #expect(b.attributed == [:])
        #expect(b.residual == ["pair"])
        // [t0…t3] no → presume [t4…t7]; [t4, t5] no → presume [t6, t7]; [t6] no → presume [t7]; [t7] no.
        #expect(oracle.processes == 4)
    }

    /// Several findings at once share the runs while they travel together and
    /// split when their tests part; each round's runs are independent.
    @Test func severalFindingsInOneShard() {
        var oracle = Oracle(
            alone: ["t2": ["a"], "t5": ["b", "b2"], "t13": ["c"]],
            together: [(["t0", "t15"], "pair")])
        var b = Bisection(tests: Self.names(16), fingerprints: ["a", "b", "b2", "c", "pair"])
        let rounds = drive(&b, &oracle)
        #expect(b.attributed == ["a": "t2", "b": "t5", "b2": "t5", "c": "t13"])
        #expect(b.residual == ["pair"])
        #expect(rounds == 5)
        // 1: [t0…t7] → a, b, b2; c and pair presumed in [t8…t15].
        // 2: [t0…t3] → a (b, b2 presumed in [t4…t7]) ‖ [t8…t11] → nothing (c, pair presumed in [t12…t15]).
        // 3: [t0, t1] → nothing ‖ [t4, t5] → b, b2 ‖ [t12, t13] → c (pair presumed in [t14, t15]).
        // 4: [t2] → a ‖ [t4] ‖ [t12] ‖ [t14] → nothing.  5: confirm [t5] → b, b2 ‖ [t13] → c ‖ [t15] → not pair.
        // 13 processes for 5 findings in 16 tests, against 16 one-test processes.
        #expect(oracle.processes == 13)
    }

    /// Two tests each cause the same fingerprint: the first the halving meets is named
    /// (the caller keeps the shard's other copy in its residual run).
    @Test func sameFingerprintFromTwoTests() {
        var oracle = Oracle(alone: ["t3": ["f"], "t9": ["f"]])
        var b = Bisection(tests: Self.names(12), fingerprints: ["f"])
        drive(&b, &oracle)
        #expect(b.attributed == ["f": "t3"])
        #expect(b.residual == [])
    }

    @Test func trivialCases() {
        // One test: its own run was the shard's; attributed with no run.
        var one = Bisection(tests: ["only"], fingerprints: ["f", "g"])
        #expect(one.isFinished)
        #expect(one.attributed == ["f": "only", "g": "only"])
        #expect(one.runsProposed == 0)
        // Nothing to find.
        #expect(Bisection(tests: Self.names(4), fingerprints: []).isFinished)
        // No tests (a program without a listing): residual at once.
        let none = Bisection(tests: [], fingerprints: ["f"])
        #expect(none.isFinished)
        #expect(none.residual == ["f"])
        // Unknown and repeated results are ignored.
        var b = Bisection(tests: ["a", "b"], fingerprints: ["f"])
        let run = b.pendingRuns
        #expect(run.map(\.tests) == [["a"]])
        b.record(99, reproduced: ["f"])
        #expect(b.pendingRuns == run)
        b.record(run[0].id, reproduced: ["f", "unrelated"])
        b.record(run[0].id, reproduced: [])
        #expect(b.isFinished)
        #expect(b.attributed == ["f": "a"])
        #expect(one.pendingRuns == [])
        one.record(0, reproduced: [])
        #expect(one.attributed == ["f": "only", "g": "only"])
    }
}
