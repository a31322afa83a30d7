/// Identical findings within one run stored once, with `count` saying how many
/// there were (ASan with recover and valgrind's repeated errors print the same
/// error many times; a report and a spool should not hold every copy).
///
/// Identical is what `FindingAccumulator` says (fingerprint, the stack's source
/// lines, bytes, blocks, indirect bytes, test, attribution, suppression).
/// Messages are not compared: they carry addresses. The first occurrence is
/// kept; `count` is the sum of the copies' counts and is nil when it is 1.
public enum FindingDeduplication {
    public static func deduplicate(_ findings: [Finding]) -> [Finding] {
        var acc = FindingAccumulator()
        acc.add(contentsOf: findings)
        return acc.findings
    }

    /// `run` with its findings deduplicated; its derived totals still count every copy.
    public static func deduplicate(_ run: RunResult) -> RunResult {
        var r = run
        r.findings = deduplicate(run.findings)
        return r
    }
}
