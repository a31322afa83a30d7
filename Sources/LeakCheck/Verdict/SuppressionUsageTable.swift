/// Per-entry suppression use over the final findings: the one computation
/// every report shows. Every loaded entry gets a row (unused ones with count
/// 0); the checkers' own counts (valgrind `<suppcounts>`, LSan "Suppressions
/// used", for logs written with the checker's own files) sit beside ours.
public enum SuppressionUsageTable {
    public static func compute(
        suppressions: [Suppression], findings: [Finding], checkerCounts: [String: Int] = [:]
    ) -> [SuppressionUsage] {
        var table: [String: SuppressionUsage] = [:]
        var order: [String] = []
        for s in suppressions {
            let source = "\(s.file):\(s.line)"
            if table[source] == nil {
                table[source] = SuppressionUsage(name: s.name, source: source)
                order.append(source)
            }
        }
        for f in findings {
            // An over-broad match that did not suppress still counts as a use of its entry.
            guard let source = f.suppressionSource ?? f.overBroadSuppression?.source, var u = table[source] else {
                continue
            }
            let n = f.count ?? 1
            u.count += n
            u.bytes = u.bytes.addingSaturated((f.bytes ?? 0).multipliedSaturated(by: n))
            if f.suppressionOverBroad == true || f.overBroadSuppression != nil { u.overBroad = true }
            table[source] = u
        }
        var usage = order.compactMap { table[$0] }
        // Same name → cross-checked in one row; a name only the checker knows gets its own row.
        for (name, n) in checkerCounts.sorted(by: { $0.key < $1.key }) {
            if let i = usage.firstIndex(where: { $0.name == name }) {
                usage[i].checkerCount = (usage[i].checkerCount ?? 0) + n
            } else {
                usage.append(SuppressionUsage(name: name, source: "(applied by the checker)", checkerCount: n))
            }
        }
        return usage
    }
}
