/// One verdict across checkers: when `all` runs valgrind and ASan on the same
/// code, the same leak is reported twice, once per checker, with stacks that
/// differ in the allocator and std frames and in how names are demangled. This
/// pairs them by allocation site so that every output can show each leak once,
/// with the checkers that saw it (`findings[].seenBy`), and gives the known
/// reason when only one checker saw a finding (`findings[].seenByReason`).
///
/// The site is `StableFingerprint`'s (the key SARIF, the annotations, the HTML
/// report and `--baseline` use): the frames past the allocator and runtime,
/// normalised across demanglers and rebuilds, plus the line of the first of them
/// (the same on both sides of one run). On top of it the match needs the
/// same kind class (leak or memory error, because the checkers classify the
/// same leak differently: a cycle is all-indirect in LSan, a 32 MiB block is
/// direct in LSan and possibly lost in valgrind) and, for leaks, the same bytes.
/// Per-checker totals are left alone: this only marks findings.
public enum CrossChecker {
    /// Why a checker misses what the other saw, for the cases the checkers are
    /// known to differ on. The texts are part of the JSON (`seenByReason`).
    public enum Reason {
        /// A zero-size allocation (valgrind reports it as 0 bytes).
        public static let mallocZero =
            "malloc(0): a zero-size block, which LeakSanitizer counts as 1 byte or not at all"
        /// An indirect leak only one checker reported.
        public static let freedCycle =
            "a cycle reachable only from freed memory: the checkers disagree on whether such blocks are lost"
        /// ASan's stack and global checks.
        public static let stackOrGlobal =
            "valgrind memcheck checks heap blocks only, not stack or global arrays"
        /// valgrind's definedness tracking.
        public static let uninitialised =
            "AddressSanitizer does not track uninitialised memory (MemorySanitizer does)"
    }

    /// The site two checkers' copies of one finding share; nil for what is not
    /// an allocation or access site (test failures, fatal signals, summary-only
    /// figures, still-reachable blocks LSan never reports, suppressed findings).
    public static func siteKey(_ f: Finding) -> String? {
        guard f.suppressedBy == nil else { return nil }
        switch f.kind {
        case .stillReachable, .testFailure, .fatalSignal, .summaryOnly, .other: return nil
        default: break
        }
        // Both checkers ran the same checkout, so unlike a baseline (another build,
        // edited code) the line of the first own frame is the same on both sides,
        // and it tells apart two `malloc` calls in one C function.
        let line = f.stack.first { !FrameSelector.isRuntime($0) && $0.line != nil }?.line.map(String.init) ?? "-"
        if let sites = raceSites(f) { return "race:" + sites }
        if f.kind.isLeak {
            // valgrind counts malloc(0) as 0 bytes, LSan as 1: the same block either way.
            let bytes = Swift.max(1, f.bytes ?? 0)
            return "leak:" + StableFingerprint.of(kind: .definitelyLost, stack: f.stack) + ":\(line):\(bytes)"
        }
        // Access sizes are worded differently by the two checkers (valgrind's
        // "size 8" of the read, ASan's shadow granule): the site alone decides.
        return "error:" + StableFingerprint.of(kind: .other, stack: f.stack) + ":\(line)"
    }

    /// A data race's two access sites (the finding's stack and its first auxiliary stack, the
    /// conflicting access in helgrind's and TSan's reports), each as its innermost frame outside
    /// the runtime (function, file base name, line), order-independent: the checkers meet the
    /// two accesses in either order, and helgrind's stacks run on into thread start-up frames.
    public static func raceSites(_ f: Finding) -> String? {
        // The first auxiliary entry with a stack: helgrind keeps stackless notes ("Address … is
        // inside data symbol") as auxiliary entries too.
        guard f.kind == .dataRace, let other = f.auxiliary.first(where: { !$0.stack.isEmpty })?.stack else {
            return nil
        }
        func site(_ stack: [Frame]) -> String {
            guard let frame = stack.first(where: { !FrameSelector.isRuntime($0) && $0.line != nil }) else { return "-" }
            return [
                StableFingerprint.normalizedFunction(frame), frame.file.map(Fingerprint.baseName) ?? "",
                frame.line.map(String.init) ?? "",
            ].joined(separator: "|")
        }
        return [site(f.stack), site(other)].sorted().joined(separator: "&")
    }

    /// `runs` with `seenBy` set on every unsuppressed site finding, when more
    /// than one checker ran: every copy of a finding two checkers saw gets
    /// both (in `Checker` order); one only its checker saw gets that checker,
    /// and `seenByReason` when the difference is a known one. With one checker
    /// the runs are returned unchanged. Call it before `Verdict.decide`, so every
    /// output renders the marked findings.
    public static func match(_ runs: [RunResult]) -> [RunResult] {
        // A checker whose every run failed before the program ran (its build broke) saw nothing to compare.
        let ran = Checker.allCases.filter { c in
            runs.contains { $0.checker == c && ($0.incompleteReason == nil || !$0.findings.isEmpty) }
        }
        guard ran.count > 1 else { return runs }
        var seen: [String: Set<Checker>] = [:]
        for run in runs {
            for f in run.findings {
                if let key = siteKey(f) { seen[key, default: []].insert(run.checker) }
            }
        }
        var out = runs
        for r in out.indices {
            let checker = out[r].checker
            for i in out[r].findings.indices {
                guard let key = siteKey(out[r].findings[i]), let by = seen[key] else { continue }
                out[r].findings[i].seenBy = ran.filter(by.contains)
                out[r].findings[i].seenByReason =
                    by.count == 1 ? reason(onlySeenBy: checker, out[r].findings[i]) : nil
            }
        }
        return out
    }

    /// The known reason a finding only `checker` reported was missed by the other checker, or nil.
    public static func reason(onlySeenBy checker: Checker, _ f: Finding) -> String? {
        if f.kind.isLeak && f.bytes == 0 { return Reason.mallocZero }
        if f.kind == .indirectlyLost { return Reason.freedCycle }
        return CheckerRegistry.definition(checker).onlySeenReason(f.kind)
    }
}
