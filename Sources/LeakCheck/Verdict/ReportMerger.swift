/// One report to merge, with the partition it says it covers (nil: unknown,
/// for reports written before `Report.partition` existed or without
/// `--partition`).
public struct PartitionReport: Sendable {
    public var report: Report
    public var partition: PartitionSpec?
    /// Where it was read from, for notes (`leakcheck-2.json`).
    public var source: String?

    public init(report: Report, partition: PartitionSpec?, source: String? = nil) {
        self.report = report
        self.partition = partition
        self.source = source
    }
}

/// `moq-leakcheck merge`: partition reports (CI matrix jobs) combined into one
/// report and one exit code.
///
/// - Runs of every part, sorted by checker, source, feature set, executable,
///   test (a whole-binary or residual run after that binary's tests) and
///   arguments, so the result does not depend on the order the files came in.
/// - Totals from the runs; suppression use summed per entry (`source`, its
///   `file:line`); notes, skipped checkers and fail-on kinds merged in order of
///   first appearance, duplicates dropped.
/// - Status and exit code by `Policy.outcome(of:interrupted:)` over the merged
///   runs, then never better than incomplete (exit 3) when a part is missing,
///   duplicated, of another total, itself incomplete or interrupted, or when no
///   part was given. A part's interruption is reported as incomplete (the merge
///   itself was not interrupted, so 130 would be wrong).
///
/// Expected partitions: `expectedPartitions` when given, else the `total` the
/// parts state (they must agree). When no part states one, the merge cannot
/// tell a missing part and says so in a note.
public enum ReportMerger {
    /// `merge` for reports paired with the partition each covers.
    public static func merge(reports parts: [(Report, PartitionSpec?)], expectedPartitions: Int? = nil) -> Report {
        merge(parts.map { PartitionReport(report: $0.0, partition: $0.1) }, expectedPartitions: expectedPartitions)
    }

    /// Runs in the merged report's order (see the type's doc); stable for equal keys.
    /// Put an unpartitioned report's runs through it to compare it with a merge.
    public static func canonicalOrder(_ runs: [RunResult]) -> [RunResult] {
        runs.enumerated().map { (key: RunKey($0.element), seq: $0.offset, run: $0.element) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.seq < $1.seq }.map(\.run)
    }

    public static func merge(_ parts: [PartitionReport], expectedPartitions: Int? = nil) -> Report {
        var problems: [String] = []
        func name(_ p: PartitionReport, _ i: Int) -> String {
            p.source ?? p.partition.map { "partition \($0)" } ?? "report \(i + 1)"
        }

        // Which parts to keep: a duplicated partition index is dropped after its first appearance.
        let stated = Set(parts.compactMap { $0.partition?.total })
        let expected = expectedPartitions ?? (stated.count == 1 ? stated.first : nil)
        if expectedPartitions == nil, stated.count > 1 {
            problems.append(
                "the reports disagree on the number of partitions (\(stated.sorted().map(String.init).joined(separator: ", ")))"
            )
        }
        var kept: [(offset: Int, part: PartitionReport)] = []
        var seenIndex = Set<Int>()
        for (i, p) in parts.enumerated() {
            if let spec = p.partition {
                if spec.total < 1 || !(1...spec.total).contains(spec.index) {
                    problems.append("\(name(p, i)) states partition \(spec), which does not exist")
                } else if let expected, spec.total != expected {
                    problems.append("\(name(p, i)) is partition \(spec), expected one of \(expected)")
                }
                if !seenIndex.insert(spec.index).inserted {
                    problems.append("partition \(spec) given more than once (\(name(p, i)) ignored)")
                    continue
                }
            } else if expected != nil {
                problems.append("\(name(p, i)) does not say which partition it is")
            }
            kept.append((i, p))
        }
        if let expected {
            let missing = (1...max(1, expected)).filter { !seenIndex.contains($0) }
            if !missing.isEmpty {
                problems.append(
                    "missing partition\(missing.count == 1 ? "" : "s") "
                        + missing.map { "\($0)/\(expected)" }.joined(separator: ", "))
            }
        }
        if parts.isEmpty { problems.append("no report to merge") }

        // Deterministic order of the parts themselves: by partition index, then as given.
        kept.sort { a, b in
            let ia = a.part.partition?.index ?? Int.max
            let ib = b.part.partition?.index ?? Int.max
            return ia != ib ? ia < ib : a.offset < b.offset
        }
        for (i, p) in kept {
            if p.report.interrupted {
                problems.append("\(name(p, i)) was interrupted")
            } else if p.report.status == .incomplete || p.report.exitCode == ExitCode.incomplete {
                problems.append("\(name(p, i)) is incomplete")
            }
        }

        var runs: [RunResult] = []
        var usage: [SuppressionUsage] = []
        var usageIndex: [String: Int] = [:]
        var notes: [String] = []
        var skipped: [SkippedChecker] = []
        var failOn: [FindingKind] = []
        var versions: [String] = []
        for (_, p) in kept {
            runs.append(contentsOf: p.report.runs)
            for u in p.report.suppressions {
                if let i = usageIndex[u.source] {
                    // Figures from the user's files: clamped, never an overflow trap.
                    usage[i].count = usage[i].count.addingSaturated(u.count)
                    usage[i].bytes = usage[i].bytes.addingSaturated(u.bytes)
                    usage[i].overBroad = usage[i].overBroad || u.overBroad
                    if let c = u.checkerCount {
                        usage[i].checkerCount = (usage[i].checkerCount ?? 0).addingSaturated(c)
                    }
                } else {
                    usageIndex[u.source] = usage.count
                    usage.append(u)
                }
            }
            for n in p.report.notes where !notes.contains(n) { notes.append(n) }
            for s in p.report.skipped
            where !skipped.contains(where: { $0.checker == s.checker && $0.reason == s.reason }) {
                skipped.append(s)
            }
            for k in p.report.failOn where !failOn.contains(k) { failOn.append(k) }
            if !versions.contains(p.report.toolVersion) { versions.append(p.report.toolVersion) }
        }
        if Set(kept.map { Set($0.part.report.failOn) }).count > 1 {
            notes.append("partitions were gated on different --fail-on kinds; the merge lists them all")
        }
        if versions.count > 1 {
            notes.append(
                "partitions were written by different moq-leakcheck versions: \(versions.joined(separator: ", "))")
        }
        if stated.isEmpty, expectedPartitions == nil, !parts.isEmpty {
            notes.append("the reports do not say which partitions they are: a missing one cannot be detected")
        }
        notes.append(contentsOf: problems)
        // Status and exit code are derived from the runs (each partition's
        // statuses as decided there) and the problems, by Policy.outcome.
        var merged = Report(
            runs: canonicalOrder(noiseOnce(runs)), skipped: skipped, suppressions: usage, failOn: failOn, notes: notes,
            incompleteReasons: problems, interrupted: false)
        // The parts' causes regrouped over every part's runs: a site two partitions saw is one site.
        merged.codeUnderTest = kept.compactMap(\.part.report.codeUnderTest).reduce(nil) { $0?.union($1) ?? $1 }
        return merged
    }

    /// One binary's runs from several partitions: each partition's process
    /// reported the binary's runtime noise, which a whole run counts once
    /// (`ProcessNoise`), so the merge's suppressed figures equal the whole run's.
    static func noiseOnce(_ runs: [RunResult]) -> [RunResult] {
        struct Binary: Hashable {
            var checker: Checker
            var source: RunSource
            var target: String
            var featureSet: String?
        }
        var groups: [Binary: [Int]] = [:]
        for (i, r) in runs.enumerated() where r.test == nil {
            let b = Binary(
                checker: r.checker, source: r.source, target: r.target ?? TargetName.of(executable: r.executable),
                featureSet: r.featureSet)
            groups[b, default: []].append(i)
        }
        var out = runs
        for indices in groups.values where indices.count > 1 {
            let kept = ProcessNoise.countOnce(indices.map { runs[$0].findings })
            for (i, findings) in zip(indices, kept) { out[i].findings = findings }
        }
        return out
    }

    /// The sort key of a run in a merged report.
    struct RunKey: Comparable {
        var checker: Int
        var source: Int
        var featureSet: String
        var executable: String
        /// Tests first, in name order; the whole-binary (or residual) run last.
        var wholeRun: Bool
        var test: String
        var arguments: [String]

        init(_ r: RunResult) {
            checker = Checker.allCases.firstIndex(of: r.checker)!
            source = RunSource.allCases.firstIndex(of: r.source)!
            featureSet = r.featureSet ?? ""
            executable = r.executable
            wholeRun = r.test == nil
            test = r.test ?? ""
            arguments = r.arguments
        }

        static func < (a: RunKey, b: RunKey) -> Bool {
            if a.checker != b.checker { return a.checker < b.checker }
            if a.source != b.source { return a.source < b.source }
            if a.featureSet != b.featureSet { return a.featureSet < b.featureSet }
            if a.executable != b.executable { return a.executable < b.executable }
            if a.wholeRun != b.wholeRun { return !a.wholeRun }
            if a.test != b.test { return a.test < b.test }
            return a.arguments.lexicographicallyPrecedes(b.arguments)
        }
    }
}
