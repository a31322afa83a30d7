/// Findings after suppressions were applied, and what each suppression did.
public struct SuppressionApplication: Sendable {
    /// Every finding, in the input order; suppressed ones carry `suppressedBy`.
    public var findings: [Finding]
    /// One entry per suppression that can apply to this checker, in file order,
    /// including those that matched nothing (count 0).
    public var usage: [SuppressionUsage]
    /// Set when matching ran out of its budget (`SuppressionMatcher.Cost`): the run is incomplete.
    public var incompleteReason: String?

    public init(findings: [Finding], usage: [SuppressionUsage]) {
        self.findings = findings
        self.usage = usage
    }
}

public enum SuppressionApplier {
    /// The one place that decides whether a match suppresses. Marks each finding
    /// the matcher covers (`suppressedBy`, `suppressionSource`) and counts uses per
    /// suppression. An entry that covers own-code frames of the stack — the
    /// allocation stack for a leak — without an explicit line naming one of them
    /// is over-broad (`SuppressionMatch.isOverBroad`): while broad entries gate
    /// (`allowBroad` false, the default) it does not suppress, the finding only
    /// names it in `overBroadSuppression`; with `--allow-broad-suppressions` it
    /// suppresses as any entry, with `suppressionOverBroad` set. A finding several
    /// entries cover counts for the first that names it precisely, else for the
    /// first (over-broad). Without `ownCode` nothing is called over-broad and the
    /// first entry in file order wins. Totals, cross-checker matching, causes and
    /// every renderer read `suppressedBy`; none decides again.
    public static func apply(
        _ matcher: SuppressionMatcher, to findings: [Finding], checker: Checker, ownCode: OwnCode?,
        allowBroad: Bool = false
    ) -> SuppressionApplication {
        let applicable = matcher.suppressions.filter { appliesTo($0, checker) }
        var usage: [SuppressionUsage] = []
        var index: [String: Int] = [:]
        for s in applicable where index[s.source] == nil {
            index[s.source] = usage.count
            usage.append(SuppressionUsage(name: s.name, source: s.source))
        }
        // Per-test runs report the same stacks over and over: match each distinct one once.
        struct Key: Hashable {
            var kind: FindingKind
            var rawKind: String
            var message: String
            var stack: [Frame]
        }
        var memo: [Key: (suppression: Suppression, overBroad: Bool)?] = [:]
        var out = findings
        var exhausted = 0
        var largestBudget = 0
        for i in out.indices {
            guard out[i].suppressedBy == nil, out[i].overBroadSuppression == nil else { continue }
            let key = Key(kind: out[i].kind, rawKind: out[i].rawKind, message: out[i].message, stack: out[i].stack)
            let found: (suppression: Suppression, overBroad: Bool)?
            if let cached = memo[key] {
                found = cached
            } else {
                var cost = SuppressionMatcher.Cost()
                found = bestMatch(matcher, out[i], checker: checker, ownCode: ownCode, cost: &cost)
                memo[key] = found
                if cost.exhausted {
                    exhausted += 1
                    largestBudget = max(largestBudget, cost.budget)
                }
            }
            guard let (s, overBroad) = found else { continue }
            if overBroad && !allowBroad {
                out[i].overBroadSuppression = OverBroadSuppression(name: s.name, source: s.source)
            } else {
                out[i].suppressedBy = s.name
                out[i].suppressionSource = s.source
                out[i].suppressionOverBroad = overBroad
            }
            if let u = index[s.source] {
                usage[u].count += 1
                usage[u].bytes += out[i].kind.isLeak ? (out[i].bytes ?? 0) : 0
                usage[u].overBroad = usage[u].overBroad || overBroad
            }
        }
        var application = SuppressionApplication(findings: out, usage: usage)
        if exhausted > 0 {
            application.incompleteReason =
                "suppression matching ran out of its budget (\(largestBudget) frame comparisons per finding) for \(exhausted) finding(s): they are reported unsuppressed and the run cannot be trusted"
        }
        return application
    }

    /// The first entry that covers the finding precisely, else the first that
    /// covers it at all (over-broad). A finding an over-broad default hides but a
    /// generated entry names is the generated entry's, and is not over-broad.
    static func bestMatch(
        _ matcher: SuppressionMatcher, _ f: Finding, checker: Checker, ownCode: OwnCode?
    ) -> (suppression: Suppression, overBroad: Bool)? {
        var cost = SuppressionMatcher.Cost()
        return bestMatch(matcher, f, checker: checker, ownCode: ownCode, cost: &cost)
    }

    /// Same, within the matcher's budget: when it runs out the finding stays
    /// unsuppressed (never a silent pass) and `cost` says so.
    static func bestMatch(
        _ matcher: SuppressionMatcher, _ f: Finding, checker: Checker, ownCode: OwnCode?,
        cost: inout SuppressionMatcher.Cost
    ) -> (suppression: Suppression, overBroad: Bool)? {
        guard let first = matcher.firstMatch(f, checker: checker, cost: &cost) else { return nil }
        guard let ownCode else { return (first.suppression, false) }
        let own = ownCode.ownFrameIndices(in: f.stack)
        guard first.isOverBroad(ownFrames: own) else { return (first.suppression, false) }
        if let precise = matcher.firstMatch(f, checker: checker, cost: &cost, where: { !$0.isOverBroad(ownFrames: own) })
        {
            return (precise.suppression, false)
        }
        if cost.exhausted || cost.interrupted { return nil }
        return (first.suppression, true)
    }

    /// Whether an entry could ever match this checker's findings (valgrind entries
    /// for another tool, or sanitizer entries that are not `leak:`, are left out).
    static func appliesTo(_ s: Suppression, _ checker: Checker) -> Bool {
        CheckerRegistry.definition(checker).suppressionApplies(s)
    }
}
