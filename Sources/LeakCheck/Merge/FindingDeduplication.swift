/// Identical findings within one run stored once, with `count` saying how many
/// there were (ASan with recover and valgrind's repeated errors print the same
/// error many times; a report and a spool should not hold every copy).
///
/// Identical means the same fingerprint (kind and frames), bytes, blocks,
/// indirect bytes, test, attribution and suppression. Messages are not
/// compared: they carry addresses. The first occurrence is kept (its message,
/// addresses and thread); `count` is the sum of the copies' counts (nil counts
/// as 1) and is left nil when it is 1.
public enum FindingDeduplication {
    public static func deduplicate(_ findings: [Finding]) -> [Finding] {
        var out: [Finding] = []
        var index: [Key: Int] = [:]
        for f in findings {
            let key = Key(f)
            if let i = index[key] {
                out[i].count = (out[i].count ?? 1) + (f.count ?? 1)
            } else {
                index[key] = out.count
                out.append(f)
            }
        }
        return out
    }

    /// `run` with its findings deduplicated; its derived totals still count every copy.
    public static func deduplicate(_ run: RunResult) -> RunResult {
        var r = run
        r.findings = deduplicate(run.findings)
        return r
    }

    private struct Key: Hashable {
        var fingerprint: String
        var bytes: Int?
        var blocks: Int?
        var indirectBytes: Int?
        var test: String?
        var attributedBy: Attribution?
        var suppressedBy: String?
        var suppressionSource: String?
        init(_ f: Finding) {
            fingerprint = f.fingerprint
            bytes = f.bytes
            blocks = f.blocks
            indirectBytes = f.indirectBytes
            test = f.test
            attributedBy = f.attributedBy
            suppressedBy = f.suppressedBy
            suppressionSource = f.suppressionSource
        }
    }
}
