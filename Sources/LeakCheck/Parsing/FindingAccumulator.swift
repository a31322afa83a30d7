/// Findings as they stream from a parser, identical ones stored once with a
/// `count`, so memory grows with the number of DISTINCT findings and not with
/// the size of the log (ASan with `halt_on_error=0` and valgrind print the
/// same error every time it happens).
///
/// Identical means the same fingerprint, the same source lines on the stack
/// (the fingerprint leaves lines out, so two allocation sites in one function
/// share it: they are not the same finding), bytes, blocks, indirect bytes,
/// test, attribution and suppression. `FindingDeduplication` is this. The first
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

    /// The identity of a finding: what makes two copies the same finding.
    private struct Key: Hashable, Sendable {
        var fingerprint: String
        /// Each frame's function, file and line (no addresses: they move with ASLR).
        var lines: [CodeLocation]
        var bytes: Int?
        var blocks: Int?
        var indirectBytes: Int?
        var test: String?
        var attributedBy: Attribution?
        var suppressedBy: String?
        var suppressionSource: String?
        init(_ f: Finding) {
            fingerprint = f.fingerprint
            lines = f.stack.map { CodeLocation(function: $0.function ?? $0.object, file: $0.file, line: $0.line) }
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
