/// Decides which suppression, if any, covers a finding, with the semantics of
/// the checker the suppression was written for: valgrind entries only apply to
/// valgrind findings, sanitizer entries only to ASan/LSan findings.
public struct SuppressionMatcher: Sendable {
    public let suppressions: [Suppression]
    /// Per entry, the frame lines without wildcards (`fun:` and `obj:` compared
    /// for equality): a stack that holds none of one of them cannot match, which
    /// a set look-up tells before any search (the prefilter).
    private let literals: [[FramePattern]]

    /// Work (search states plus characters compared by the wildcard matcher) one
    /// finding may cost against every entry together before matching gives up
    /// (issue 21: 10,000 entries of 20 `...` lines against 502-frame stacks took
    /// 5.2 s per finding). It scales with the input: a floor plus 256 per
    /// (frame line, frame) pair. The memoised search visits each pair once, so
    /// only `*` patterns against very long names (16 KiB, the name cap) reach it.
    static let budgetFloor = 2_000_000
    static let budgetPerPair = 256

    public init(_ suppressions: [Suppression]) {
        self.suppressions = suppressions
        literals = suppressions.map { s in
            s.frames.filter { p in
                switch p {
                case .fun(let x), .obj(let x): return !x.utf8.contains { $0 == 0x2A || $0 == 0x3F || $0 == 0x5C }
                default: return false
                }
            }
        }
    }

    /// What one finding's matching cost and whether it stopped early.
    public struct Cost: Sendable {
        /// Frame comparisons and search states spent.
        public var steps = 0
        public var budget = 0
        /// The budget ran out (or the run was interrupted) before every entry was
        /// tried: the finding was left unsuppressed and the result cannot be trusted.
        public var exhausted = false
        public var interrupted = false
    }

    /// The first suppression (in file order) that matches this finding, or nil.
    public func match(_ finding: Finding, checker: Checker) -> Suppression? {
        firstMatch(finding, checker: checker)?.suppression
    }

    /// The first suppression (in file order) that matches this finding, with
    /// which of its lines covered each frame, or nil.
    public func firstMatch(_ finding: Finding, checker: Checker) -> SuppressionMatch? {
        var cost = Cost()
        return firstMatch(finding, checker: checker, cost: &cost)
    }

    /// The first entry (in file order) that matches and satisfies `accept`,
    /// within the budget (see `Cost`). Entries whose literal frame lines name
    /// nothing on the stack are skipped without a search.
    public func firstMatch(
        _ finding: Finding, checker: Checker, cost: inout Cost,
        where accept: (SuppressionMatch) -> Bool = { _ in true }
    ) -> SuppressionMatch? {
        if cost.budget == 0 {
            let lines = suppressions.reduce(0) { $0 &+ $1.frames.count }
            cost.budget = Self.budgetFloor &+ Self.budgetPerPair &* lines &* max(1, finding.stack.count)
        }
        var names: Set<String>?
        var objects: Set<String>?
        for (k, s) in suppressions.enumerated() {
            if k & 63 == 0 && Cancellation.isRequested {
                cost.interrupted = true
                return nil
            }
            if cost.steps >= cost.budget {
                cost.exhausted = true
                return nil
            }
            if s.format == .valgrind && !literals[k].isEmpty {
                if names == nil {
                    names = Set(finding.stack.flatMap { [$0.function ?? "???", $0.mangled].compactMap { $0 } })
                    objects = Set(finding.stack.map { $0.object ?? "???" })
                }
                let absent = literals[k].contains { p in
                    switch p {
                    case .fun(let x): return !names!.contains(x)
                    case .obj(let x): return !objects!.contains(x)
                    default: return false
                    }
                }
                cost.steps += literals[k].count
                if absent { continue }
            }
            if let m = Self.match(s, finding, checker: checker, steps: &cost.steps), accept(m) { return m }
        }
        return nil
    }

    public static func matches(_ s: Suppression, _ finding: Finding, checker: Checker) -> Bool {
        match(s, finding, checker: checker) != nil
    }

    /// One entry against one finding: nil when it does not cover it, else the
    /// per-frame coverage the applier needs to call the match precise or over-broad.
    public static func match(_ s: Suppression, _ finding: Finding, checker: Checker) -> SuppressionMatch? {
        var steps = 0
        return match(s, finding, checker: checker, steps: &steps)
    }

    /// Same, adding the search's cost to `steps`.
    static func match(_ s: Suppression, _ finding: Finding, checker: Checker, steps: inout Int) -> SuppressionMatch? {
        guard CheckerRegistry.definition(checker).suppressionApplies(s) else { return nil }
        switch s.format {
        case .valgrind:
            guard valgrindKindMatches(s, finding) else { return nil }
            var work = 0
            defer { steps &+= work }
            return valgrindCoverage(s.frames, finding.stack, steps: &steps, work: &work).map {
                SuppressionMatch(suppression: s, coveredBy: $0)
            }
        case .lsan:
            let definition = CheckerRegistry.definition(checker)
            guard definition.suppressionMatches(s, finding) ?? sanitizerMatches(s, finding) else { return nil }
            // A sanitizer pattern is one line (index 0); it "covers" the frames whose
            // function it matches. A match through a file or module names no frame.
            steps += finding.stack.count
            let covered = finding.stack.map { frame -> Int? in
                guard let fn = frame.function, Wildcard.sanitizer(s.pattern, fn) else { return nil }
                return 0
            }
            return SuppressionMatch(suppression: s, coveredBy: covered)
        }
    }

    // MARK: - valgrind

    /// Does the entry's `Tool:Kind` (and extra line) cover this kind of error?
    /// Mirrors `MC_(error_matches_suppression)`.
    static func valgrindKindMatches(_ s: Suppression, _ f: Finding) -> Bool {
        let kind = ValgrindErrorKind(f)
        switch s.kind {
        case "Leak":
            guard f.kind.isLeak else { return false }
            return s.matchLeakKinds?.contains(f.kind) ?? true
        case "Free":
            return kind == .free
        case "Overlap":
            return kind == .overlap
        case "Jump":
            return kind == .jump
        case "User":
            return kind == .user
        case "CoreMem":
            return kind == .coreMem
        case "ReallocZero":
            return kind == .reallocZero
        case "Cond", "Value0":
            return kind == .cond
        case "Param":
            guard kind == .param else { return false }
            // valgrind compares the parameter string exactly (VG_STREQ).
            return syscallParam(f.message) == s.extra
        case "FishyValue":
            guard kind == .fishyValue else { return false }
            return f.message.contains(s.extra ?? "\u{0}")
        default:
            if let size = Int(s.kind.dropFirst(4)), s.kind.hasPrefix("Addr") {
                guard kind == .addr else { return false }
                return accessSize(f.message).map { $0 == size } ?? true
            }
            if let size = Int(s.kind.dropFirst(5)), s.kind.hasPrefix("Value") {
                guard kind == .value else { return false }
                return accessSize(f.message).map { $0 == size } ?? true
            }
            // Helgrind's kinds (`Helgrind:Race`) name the error's XML `<kind>` exactly (hg_errors.c).
            if SuppressionParser.otherToolKinds["Helgrind"]?.contains(s.kind) == true { return f.rawKind == s.kind }
            return false
        }
    }

    /// Which Memcheck suppression family an error belongs to: from the XML
    /// `<kind>` when the finding carries it, else from our refined kind.
    enum ValgrindErrorKind: Equatable {
        case leak, addr, free, cond, value, param, overlap, jump, user, coreMem, fishyValue, reallocZero, other

        init(_ f: Finding) {
            switch f.rawKind {
            case let r where r.hasPrefix("Leak_"): self = .leak
            case "InvalidRead", "InvalidWrite": self = .addr
            case "InvalidFree", "MismatchedFree": self = .free
            case "UninitCondition": self = .cond
            case "UninitValue": self = .value
            case "SyscallParam": self = .param
            case "Overlap": self = .overlap
            case "InvalidJump": self = .jump
            case "ClientCheck": self = .user
            case "CoreMemError": self = .coreMem
            case "FishyValue": self = .fishyValue
            case "ReallocSizeZero": self = .reallocZero
            default:
                switch f.kind {
                case .definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable: self = .leak
                case .invalidRead, .invalidWrite, .useAfterFree, .heapBufferOverflow,
                    .stackBufferOverflow, .globalBufferOverflow:
                    self = .addr
                case .invalidFree, .doubleFree, .mismatchedFree: self = .free
                case .uninitialisedValue:
                    self = f.message.hasPrefix("Conditional jump") ? .cond : .value
                case .syscallParam: self = .param
                case .overlap: self = .overlap
                default: self = .other
                }
            }
        }
    }

    /// `Invalid read of size 4` / `Use of uninitialised value of size 8` → the size.
    static func accessSize(_ message: String) -> Int? {
        guard let r = message.range(of: "of size ") else { return nil }
        return Int(message[r.upperBound...].prefix(while: { $0.isNumber }))
    }

    /// `Syscall param write(buf) points to uninitialised byte(s)` → `write(buf)`.
    static func syscallParam(_ message: String) -> String? {
        guard let r = message.range(of: "Syscall param ") else { return nil }
        let rest = message[r.upperBound...]
        let end =
            rest.range(of: " points to")?.lowerBound ?? rest.range(of: " contains")?.lowerBound
            ?? rest.firstIndex(of: " ") ?? rest.endIndex
        return String(rest[..<end])
    }

    /// Prefix match of the entry's frame lines against the stack, innermost first;
    /// `...` matches zero or more frames. The stack may be longer than the entry.
    static func valgrindFramesMatch(_ patterns: ArraySlice<FramePattern>, _ stack: ArraySlice<Frame>) -> Bool {
        var steps = 0
        return valgrindCoverage(Array(patterns), Array(stack), steps: &steps) != nil
    }

    /// Whether the entry's frame lines match a prefix of the stack and, if so,
    /// the index of the line that covered each frame (nil outward of the last
    /// line). Memoised on (pattern index, frame index), so any mix of `...` and
    /// wildcards costs at most patterns × frames frame comparisons: valgrind's own
    /// recursive search is exponential in the number of `...` lines. Where several
    /// alignments exist, the one valgrind finds first is reported (`...` takes as
    /// few frames as it can). `steps` counts evaluated states, for the bound tests.
    static func valgrindCoverage(_ lines: [FramePattern], _ stack: [Frame], steps: inout Int) -> [Int?]? {
        var work = 0
        return valgrindCoverage(lines, stack, steps: &steps, work: &work)
    }

    /// Same, adding the characters the wildcard matcher compared to `work`.
    static func valgrindCoverage(_ lines: [FramePattern], _ stack: [Frame], steps: inout Int, work: inout Int)
        -> [Int?]?
    {
        // A run of `...` lines matches what one does: search with one, and give
        // the frames it takes the run's first line (issue 21: entries of 20 `...`).
        var patterns: [FramePattern] = []
        var original: [Int] = []
        patterns.reserveCapacity(lines.count)
        for (k, p) in lines.enumerated() where !(p == .ellipsis && patterns.last == .ellipsis) {
            patterns.append(p)
            original.append(k)
        }
        guard let covered = collapsedCoverage(patterns, stack, steps: &steps, work: &work) else { return nil }
        if patterns.count == lines.count { return covered }
        return covered.map { $0.map { original[$0] } }
    }

    private static func collapsedCoverage(
        _ patterns: [FramePattern], _ stack: [Frame], steps: inout Int, work compared: inout Int
    ) -> [Int?]? {
        let m = patterns.count
        let n = stack.count
        // 0 unknown, 1 matches, 2 does not. Row-major over (pattern, frame), frame in 0...n.
        var memo = [UInt8](repeating: 0, count: (m + 1) * (n + 1))
        // Depth-first with an explicit work list rather than recursion: a
        // 500-line entry against a long sanitizer stack must not exhaust a thread's stack.
        // Each state depends only on states with a larger i + j, so none is ever its own ancestor.
        func solve(_ i0: Int, _ j0: Int, _ steps: inout Int) -> Bool {
            var work: [(i: Int, j: Int, phase: UInt8)] = [(i0, j0, 0)]
            var last = false  // the result of the state finished most recently
            while let (i, j, phase) = work.popLast() {
                if i == m {
                    last = true
                    continue
                }
                let k = i * (n + 1) + j
                switch phase {
                case 0:
                    if memo[k] != 0 {
                        last = memo[k] == 1
                        continue
                    }
                    steps += 1
                    if patterns[i] == .ellipsis {
                        // `...` first takes no frame, as valgrind tries it.
                        work.append((i, j, 1))
                        work.append((i + 1, j, 0))
                    } else if j < n, frameMatches(patterns[i], stack[j], work: &compared) {
                        work.append((i, j, 2))
                        work.append((i + 1, j + 1, 0))
                    } else {
                        memo[k] = 2
                        last = false
                    }
                case 1:  // `...` after trying zero frames: else take one more frame
                    if last {
                        memo[k] = 1
                    } else if j < n {
                        work.append((i, j, 2))
                        work.append((i, j + 1, 0))
                    } else {
                        memo[k] = 2
                    }
                default:  // the result is the one just finished
                    memo[k] = last ? 1 : 2
                }
            }
            return last
        }
        guard solve(0, 0, &steps) else { return nil }
        // Walk the memo along the alignment valgrind would take.
        var covered = [Int?](repeating: nil, count: n)
        var i = 0
        var j = 0
        while i < m, j <= n {
            if patterns[i] == .ellipsis {
                if solve(i + 1, j, &steps) {
                    i += 1
                } else {
                    covered[j] = i
                    j += 1
                }
            } else {
                covered[j] = i
                i += 1
                j += 1
            }
        }
        return covered
    }

    /// One frame line against one frame. `fun:` is tried on the mangled name
    /// (what valgrind itself compares) and on the demangled name; an unknown
    /// name or object is `???`, as valgrind prints it.
    static func frameMatches(_ p: FramePattern, _ frame: Frame) -> Bool {
        var work = 0
        return frameMatches(p, frame, work: &work)
    }

    /// Same, adding the characters compared to `work`.
    static func frameMatches(_ p: FramePattern, _ frame: Frame, work: inout Int) -> Bool {
        switch p {
        case .ellipsis:
            return true
        case .fun(let pattern):
            if let m = frame.mangled, Wildcard.valgrind(pattern, m, work: &work) { return true }
            if let f = frame.function { return Wildcard.valgrind(pattern, f, work: &work) }
            return frame.mangled == nil && Wildcard.valgrind(pattern, "???", work: &work)
        case .obj(let pattern):
            return Wildcard.valgrind(pattern, frame.object ?? "???", work: &work)
        case .src(let file, let line):
            guard let path = frame.file else { return false }
            let base = Fingerprint.baseName(path)
            guard Wildcard.valgrind(file, base, work: &work) || Wildcard.valgrind(file, path, work: &work) else {
                return false
            }
            return line == nil || line == frame.line
        }
    }

    // MARK: - sanitizers

    /// `leak:PATTERN` covers a leak when PATTERN matches the function, the source
    /// file or the module of any frame of the allocation stack (lsan_common.cpp).
    /// Other kinds (`interceptor_via_fun:` …) never remove leak findings and are
    /// applied by the sanitizer at run time, not here.
    static func sanitizerMatches(_ s: Suppression, _ f: Finding) -> Bool {
        guard s.kind == "leak", f.kind.isLeak else { return false }
        for frame in f.stack {
            if let m = frame.object, Wildcard.sanitizer(s.pattern, m) { return true }
            if let fn = frame.function, Wildcard.sanitizer(s.pattern, fn) { return true }
            if let file = frame.file, Wildcard.sanitizer(s.pattern, file) { return true }
        }
        return false
    }
}

/// A suppression that covers a finding, and how: which of its lines took each frame.
public struct SuppressionMatch: Sendable, Hashable {
    public var suppression: Suppression
    /// One value per frame of the finding's stack, innermost first: the index in
    /// `suppression.frames` of the line that covered the frame, or nil when the frame
    /// lies outward of the entry's last line (valgrind matches a prefix). For a
    /// sanitizer entry, 0 marks the frames whose function the pattern matches.
    public var coveredBy: [Int?]

    public init(suppression: Suppression, coveredBy: [Int?]) {
        self.suppression = suppression
        self.coveredBy = coveredBy
    }

    /// Over-broad for this finding: its stack has frames of the crate's own code
    /// and not one of them was taken by an explicit line of the entry, so the
    /// entry hides the leak without naming the code that made it. `...`, wildcard
    /// lines (`fun:*`, `fun:moq_*`), `obj:` lines, file-wide `src:` lines and the
    /// frames outward of the entry's end never name an own frame.
    public func isOverBroad(stack: [Frame], ownCode: OwnCode) -> Bool {
        isOverBroad(ownFrames: ownCode.ownFrameIndices(in: stack))
    }

    /// Same, with the stack's own-code frame indices computed once for every entry.
    public func isOverBroad<C: Collection<Int>>(ownFrames own: C) -> Bool {
        if own.isEmpty { return false }
        return !own.contains { j in
            guard j < coveredBy.count, let line = coveredBy[j] else { return false }
            return suppression.lineIsExplicit(line)
        }
    }
}
