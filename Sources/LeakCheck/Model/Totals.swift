/// LEAK SUMMARY figures plus a count of memory errors. Unsuppressed findings
/// only; `suppressed` holds what suppressions removed.
public struct Totals: Codable, Sendable, Hashable {
    public var definitelyLost = Tally()
    public var indirectlyLost = Tally()
    public var possiblyLost = Tally()
    public var stillReachable = Tally()
    public var suppressed = Tally()
    /// Non-leak findings (memory errors, fatal signals, test failures), unsuppressed.
    public var errors = 0
    /// Non-leak findings removed by suppressions.
    public var suppressedErrors = 0

    public init() {}

    /// Reads the few fields it adds in place (a report of 100,000 findings is summed
    /// many times while it is rendered; copying each finding cost most of that).
    public init(findings: [Finding]) {
        findings.withUnsafeBufferPointer { buf in
            for i in buf.indices {
                let kind = buf[i].kind
                add(
                    kind: kind == .summaryOnly ? (buf[i].summaryLeakKind ?? kind) : kind, count: buf[i].count,
                    bytes: buf[i].bytes, blocks: buf[i].blocks, isSuppressed: buf[i].suppressedBy != nil)
            }
        }
    }

    /// Adds one finding. A deduplicated one (`count` N) counts N times; a
    /// `summaryOnly` finding counts under the leak kind it stands for
    /// (`Finding.summaryLeakKind`), so totals equal the checker's own LEAK
    /// SUMMARY, and one that stands for N memory errors carries N in `count`.
    /// Every sum saturates.
    public mutating func add(_ f: Finding) {
        add(
            kind: f.summaryLeakKind ?? f.kind, count: f.count, bytes: f.bytes, blocks: f.blocks,
            isSuppressed: f.suppressedBy != nil)
    }

    mutating func add(kind: FindingKind, count: Int?, bytes: Int?, blocks: Int?, isSuppressed: Bool) {
        let n = Swift.max(1, count ?? 1)
        let tally = Tally(
            bytes: (bytes ?? 0).multipliedSaturated(by: n), blocks: (blocks ?? 0).multipliedSaturated(by: n))
        if isSuppressed {
            if kind.isLeak { suppressed += tally } else { suppressedErrors = suppressedErrors.addingSaturated(n) }
            return
        }
        switch kind {
        case .definitelyLost: definitelyLost += tally
        case .indirectlyLost: indirectlyLost += tally
        case .possiblyLost: possiblyLost += tally
        case .stillReachable: stillReachable += tally
        default: errors = errors.addingSaturated(n)
        }
    }

    /// Saturating sum of two totals.
    public static func + (a: Totals, b: Totals) -> Totals {
        var t = a
        t.definitelyLost += b.definitelyLost
        t.indirectlyLost += b.indirectlyLost
        t.possiblyLost += b.possiblyLost
        t.stillReachable += b.stillReachable
        t.suppressed += b.suppressed
        t.errors = t.errors.addingSaturated(b.errors)
        t.suppressedErrors = t.suppressedErrors.addingSaturated(b.suppressedErrors)
        return t
    }

    public func tally(for kind: FindingKind) -> Tally {
        switch kind {
        case .definitelyLost: return definitelyLost
        case .indirectlyLost: return indirectlyLost
        case .possiblyLost: return possiblyLost
        case .stillReachable: return stillReachable
        default: return .zero
        }
    }
}
