/// Findings as they stream from a parser, identical ones stored once with a
/// `count`, so memory grows with the number of DISTINCT findings and not with
/// the size of the log (ASan with `halt_on_error=0` and valgrind print the
/// same error every time it happens).
///
/// Identical means what `FindingDeduplication` means (fingerprint, bytes,
/// blocks, indirect bytes, test, attribution, suppression): accumulating a
/// sequence gives exactly `FindingDeduplication.deduplicate` of it. The first
/// occurrence is kept; totals still count every copy (`Totals.add` multiplies
/// by `count`).
public struct FindingAccumulator: Sendable {
    /// The distinct findings, in the order of their first occurrence.
    public private(set) var findings: [Finding] = []
    /// How many findings were added (each nil `count` as 1).
    public private(set) var occurrences = 0
    private var index: [Key: Int] = [:]

    public init() {}

    /// Adds one finding (or one already carrying a `count`).
    public mutating func add(_ f: Finding) {
        let n = f.count ?? 1
        occurrences += n
        let key = Key(f)
        if let i = index[key] {
            findings[i].count = (findings[i].count ?? 1) + n
        } else {
            index[key] = findings.count
            findings.append(f)
        }
    }

    public mutating func add<S: Sequence>(contentsOf s: S) where S.Element == Finding {
        for f in s { add(f) }
    }

    /// The same identity as `FindingDeduplication` (kept in step with it; a
    /// test compares the two on every fixture log).
    private struct Key: Hashable, Sendable {
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
