extension Finding {
    /// For a `summaryOnly` finding that stands for leaked memory, the leak kind
    /// it stands for; nil for every other finding.
    ///
    /// The kind is carried in `rawKind` as valgrind's name for it
    /// (`Leak_DefinitelyLost`, `Leak_IndirectlyLost`, `Leak_PossiblyLost`,
    /// `Leak_StillReachable`), optionally followed by ` (summary only)`, so the
    /// JSON stays readable and needs no extra field. Totals count such a
    /// finding under that kind, and it should gate exactly like that kind.
    public var summaryLeakKind: FindingKind? {
        guard kind == .summaryOnly else { return nil }
        var name = Substring(rawKind)
        if let space = name.firstIndex(of: " ") { name = name[..<space] }
        return SummaryReconciliation.leakKind(rawName: name)
    }
}

/// Makes a parser's result agree with the checker's own summary.
///
/// The records a log shows can fall short of its summary (default
/// `--show-leak-kinds` hides indirect and still-reachable records,
/// `--show-possibly-lost=no`, LSan's `max_leaks`, valgrind's error limit).
/// For each kind where the summary counts more, one `summaryOnly` finding
/// carries the difference, so totals never fall below what the checker said
/// and the hidden part gates by policy. Where the records count more than
/// the summary, the log contradicts itself: the output is marked incomplete.
enum SummaryReconciliation {
    /// The suffix of `rawKind` on every summary-only finding.
    static let suffix = " (summary only)"

    static let leakKinds: [(FindingKind, String)] = [
        (.definitelyLost, "Leak_DefinitelyLost"), (.indirectlyLost, "Leak_IndirectlyLost"),
        (.possiblyLost, "Leak_PossiblyLost"), (.stillReachable, "Leak_StillReachable"),
    ]

    static func leakKind(rawName: Substring) -> FindingKind? {
        leakKinds.first { $0.1 == rawName }?.0
    }

    /// What the records of one output add up to, per leak kind, gathered as
    /// findings are produced (the streaming XML parser keeps none).
    struct RecordTally {
        var bytes: [FindingKind: Int] = [:]
        var blocks: [FindingKind: Int] = [:]
        /// Kinds with a record whose bytes (or blocks) were a placeholder or missing.
        var unknownBytes: Set<FindingKind> = []
        var unknownBlocks: Set<FindingKind> = []
        /// Indirect bytes carried inside definitely/possibly lost records
        /// (valgrind's `(D direct, I indirect)` split).
        var splitIndirect = 0
        /// Memory-error records (contexts), fatal signals left out.
        var errorContexts = 0
        /// Leak records valgrind can count as errors (`--errors-for-leak-kinds`):
        /// every kind but still reachable, which is not an error (its default is
        /// `definite,possible`; the tool runs it with `definite,indirect`).
        var leakRecords = 0

        mutating func add(_ f: Finding) {
            if f.kind.isLeak {
                if f.kind != .stillReachable { leakRecords = leakRecords.addingSaturated(1) }
                if let b = f.bytes {
                    bytes[f.kind] = (bytes[f.kind] ?? 0).addingSaturated(b)
                } else {
                    unknownBytes.insert(f.kind)
                }
                if let k = f.blocks {
                    blocks[f.kind] = (blocks[f.kind] ?? 0).addingSaturated(k)
                } else {
                    unknownBlocks.insert(f.kind)
                }
                if let i = f.indirectBytes { splitIndirect = splitIndirect.addingSaturated(i) }
            } else if f.kind != .fatalSignal && f.kind != .summaryOnly && f.kind != .testFailure {
                errorContexts = errorContexts.addingSaturated(1)
            }
        }
    }

    /// Which summary figures the checker printed as numbers (the regression
    /// suite's filters put `x` or `...` in some): only those are compared.
    struct Known {
        var bytes: Set<FindingKind> = Set(leakKinds.map(\.0))
        var blocks: Set<FindingKind> = Set(leakKinds.map(\.0))
        static let all = Known()
    }

    /// Compares `tally` with a valgrind LEAK SUMMARY. Returns the findings to
    /// append; sets `out.complete = false` when the records exceed the summary.
    static func valgrindLeaks(
        summary: Totals, known: Known = .all, tally: RecordTally, out: inout CheckerOutput
    ) -> [Finding] {
        var added: [Finding] = []
        var excess: [String] = []
        for (kind, raw) in leakKinds {
            let s = summary.tally(for: kind)
            let recBytes = tally.bytes[kind] ?? 0
            let recBlocks = tally.blocks[kind] ?? 0
            // A figure at the clamp ceiling is not a real count: nothing to compare.
            let compareBytes =
                known.bytes.contains(kind) && !tally.unknownBytes.contains(kind)
                && max(s.bytes, recBytes) < Counts.ceiling
            let compareBlocks =
                known.blocks.contains(kind) && !tally.unknownBlocks.contains(kind)
                && max(s.blocks, recBlocks) < Counts.ceiling
            // The `(D direct, I indirect)` split is not compared: valgrind counts
            // suppressed indirect children there but not in "indirectly lost".
            if (compareBytes && recBytes > s.bytes) || (compareBlocks && recBlocks > s.blocks) {
                excess.append(
                    "the loss records show \(recBytes) bytes in \(recBlocks) blocks \(kind.phrase), "
                        + "but valgrind's LEAK SUMMARY says \(s.bytes) bytes in \(s.blocks) blocks")
                continue
            }
            let dBytes = compareBytes ? s.bytes - recBytes : 0
            let dBlocks = compareBlocks ? s.blocks - recBlocks : 0
            guard dBytes > 0 || dBlocks > 0 else { continue }
            var message =
                "valgrind's LEAK SUMMARY counts \(dBytes) bytes in \(dBlocks) blocks \(kind.phrase) "
                + "that no loss record shows (hidden by --show-leak-kinds, --show-possibly-lost=no or the error limit)"
            if kind == .indirectlyLost && tally.splitIndirect > recBytes {
                let shown = min(tally.splitIndirect - recBytes, dBytes)
                message +=
                    "; \(shown) of these bytes are the indirect part of the definitely/possibly lost records shown"
            }
            added.append(summaryFinding(kind: kind, raw: raw, bytes: dBytes, blocks: dBlocks, message: message))
        }
        if !excess.isEmpty { markIncomplete(&out, excess.joined(separator: "; ")) }
        return added
    }

    /// Without a LEAK SUMMARY (protocol 4 XML, `-q` text), the only count of
    /// indirectly lost bytes may be the `(D direct, I indirect)` split of the
    /// definitely/possibly lost records, when indirect records are not shown
    /// (default `--show-leak-kinds`). Those bytes become one summary-only
    /// indirect finding (blocks unknown), so `--fail-on indirect` sees them.
    /// Not when valgrind suppressed something: a split still counts suppressed
    /// children, and which ones cannot be told.
    static func valgrindSplitIndirect(tally: RecordTally, suppressionsUsed: Bool) -> Finding? {
        guard !suppressionsUsed, tally.splitIndirect > 0, tally.bytes[.indirectlyLost] == nil,
            tally.blocks[.indirectlyLost] == nil, !tally.unknownBytes.contains(.indirectlyLost)
        else { return nil }
        var f = Finding(
            kind: .summaryOnly, rawKind: "Leak_IndirectlyLost" + suffix, bytes: tally.splitIndirect,
            message:
                "\(tally.splitIndirect) bytes indirectly lost, counted only in the (direct, indirect) split of the definitely/possibly lost records (indirect records not shown)"
        )
        f.blocks = nil
        return f
    }

    /// Compares memory-error records with valgrind's ERROR SUMMARY contexts.
    /// Leak records can count as errors too (`--errors-for-leak-kinds`), so
    /// only the non-leak part is certain: more error records than contexts is
    /// a contradiction; more contexts than all records shown is a summary-only
    /// finding (unless hidden leak records, already reported, may explain it).
    static func valgrindErrors(
        contexts: Int, tally: RecordTally, leakRecords: Int, leakGapAdded: Bool, out: inout CheckerOutput
    ) -> Finding? {
        if tally.errorContexts > contexts {
            markIncomplete(
                &out,
                "the log shows \(tally.errorContexts) memory errors, but valgrind's ERROR SUMMARY counts \(contexts) contexts"
            )
            return nil
        }
        let shown = tally.errorContexts.addingSaturated(leakRecords)
        guard contexts > shown else { return nil }
        if leakGapAdded {
            out.warnings.append(
                "valgrind's ERROR SUMMARY counts \(contexts) contexts and the log shows \(shown) records; the rest may be the hidden leak records"
            )
            return nil
        }
        var f = Finding(
            kind: .summaryOnly, rawKind: "errors" + suffix,
            message:
                "valgrind's ERROR SUMMARY counts \(contexts - shown) error contexts that the log does not show (error limit reached or output lost)"
        )
        f.count = contexts - shown
        return f
    }

    /// Compares a sanitizer's `SUMMARY: … N byte(s) leaked in M allocation(s)`
    /// (direct plus indirect) with the report's entries. The summary does not
    /// split by kind, so a gap is counted as definitely lost (LSan's direct
    /// leaks), the kind that gates by default.
    static func sanitizerLeaks(
        summary: Tally, entries: Tally, who: String, out: inout CheckerOutput
    ) -> Finding? {
        // A figure at the clamp ceiling is not a real count: nothing to compare.
        if max(summary.bytes, summary.blocks, entries.bytes, entries.blocks) >= Counts.ceiling { return nil }
        if entries.bytes > summary.bytes || entries.blocks > summary.blocks {
            markIncomplete(
                &out,
                "the LeakSanitizer entries for \(who) add up to \(entries.bytes) byte(s) in \(entries.blocks) allocation(s), but its SUMMARY says \(summary.bytes) byte(s) in \(summary.blocks) allocation(s)"
            )
            return nil
        }
        let dBytes = summary.bytes - entries.bytes
        let dBlocks = summary.blocks - entries.blocks
        guard dBytes > 0 || dBlocks > 0 else { return nil }
        return summaryFinding(
            kind: .definitelyLost, raw: "Leak_DefinitelyLost", bytes: dBytes, blocks: dBlocks,
            message:
                "LeakSanitizer's SUMMARY for \(who) counts \(dBytes) byte(s) in \(dBlocks) allocation(s) that no entry shows (max_leaks or a cut log); counted as definitely lost"
        )
    }

    /// Why a checker's own summary cannot be believed: a figure at the clamp
    /// ceiling (2^61 - 1, what an over-long number is clamped to) is beyond what
    /// any heap holds and beyond what the tool can add, so it is neither a finding's
    /// size nor a note: the run is incomplete. nil when every figure is plausible.
    static func beyondReach(_ summary: Totals, checker: String) -> String? {
        let figures: [(String, Tally)] = [
            ("definitely lost", summary.definitelyLost), ("indirectly lost", summary.indirectlyLost),
            ("possibly lost", summary.possiblyLost), ("still reachable", summary.stillReachable),
            ("suppressed", summary.suppressed),
        ]
        for (label, t) in figures where max(t.bytes, t.blocks) >= Counts.ceiling {
            return "\(checker) counts \(label) figures of 2^61 or more, beyond any real heap: the summary cannot be trusted"
        }
        return nil
    }

    /// The same for a single count (LSan's SUMMARY, valgrind's ERROR SUMMARY contexts).
    static func beyondReach(_ figures: [Int], checker: String) -> String? {
        guard figures.contains(where: { $0 >= Counts.ceiling }) else { return nil }
        return "\(checker) counts 2^61 or more, beyond any real heap: the summary cannot be trusted"
    }

    static func summaryFinding(kind: FindingKind, raw: String, bytes: Int, blocks: Int, message: String) -> Finding {
        Finding(kind: .summaryOnly, rawKind: raw + suffix, bytes: bytes, blocks: blocks, message: message)
    }

    static func markIncomplete(_ out: inout CheckerOutput, _ reason: String) {
        guard out.complete else { return }
        out.complete = false
        out.incompleteReason = reason
    }
}
