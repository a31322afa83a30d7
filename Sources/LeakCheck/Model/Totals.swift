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

    public init(findings: [Finding]) {
        for f in findings { add(f) }
    }

    /// Adds one finding. A deduplicated one (`count` N) counts N times; a
    /// `summaryOnly` finding counts under the leak kind it stands for
    /// (`Finding.summaryLeakKind`), so totals equal the checker's own LEAK
    /// SUMMARY, and one that stands for N memory errors carries N in `count`.
    /// Every sum saturates.
    public mutating func add(_ f: Finding) {
        let n = Swift.max(1, f.count ?? 1)
        let tally = Tally(
            bytes: (f.bytes ?? 0).multipliedSaturated(by: n), blocks: (f.blocks ?? 0).multipliedSaturated(by: n))
        let kind = f.summaryLeakKind ?? f.kind
        if f.suppressedBy != nil {
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
