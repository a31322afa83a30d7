/// Decides which suppression, if any, covers a finding, with the semantics of
/// the checker the suppression was written for: valgrind entries only apply to
/// valgrind findings, sanitizer entries only to ASan/LSan findings.
public struct SuppressionMatcher: Sendable {
    public let suppressions: [Suppression]

    public init(_ suppressions: [Suppression]) {
        self.suppressions = suppressions
    }

    /// The first suppression (in file order) that matches this finding, or nil.
    public func match(_ finding: Finding, checker: Checker) -> Suppression? {
        suppressions.first { Self.matches($0, finding, checker: checker) }
    }

    public static func matches(_ s: Suppression, _ finding: Finding, checker: Checker) -> Bool {
        switch (s.format, checker) {
        case (.valgrind, .valgrind):
            return s.tools.contains("Memcheck") && valgrindKindMatches(s, finding)
                && valgrindFramesMatch(s.frames[...], finding.stack[...])
        case (.lsan, .asan), (.lsan, .lsan):
            return sanitizerMatches(s, finding)
        default:
            return false
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
        let end = rest.range(of: " points to")?.lowerBound ?? rest.range(of: " contains")?.lowerBound
            ?? rest.firstIndex(of: " ") ?? rest.endIndex
        return String(rest[..<end])
    }

    /// Prefix match of the entry's frame lines against the stack, innermost first;
    /// `...` matches zero or more frames. The stack may be longer than the entry.
    static func valgrindFramesMatch(_ patterns: ArraySlice<FramePattern>, _ stack: ArraySlice<Frame>) -> Bool {
        guard let p = patterns.first else { return true }
        if p == .ellipsis {
            var rest = patterns.dropFirst()
            while rest.first == .ellipsis { rest = rest.dropFirst() }
            if rest.isEmpty { return true }
            var s = stack
            while true {
                if valgrindFramesMatch(rest, s) { return true }
                if s.isEmpty { return false }
                s = s.dropFirst()
            }
        }
        guard let frame = stack.first, frameMatches(p, frame) else { return false }
        return valgrindFramesMatch(patterns.dropFirst(), stack.dropFirst())
    }

    /// One frame line against one frame. `fun:` is tried on the mangled name
    /// (what valgrind itself compares) and on the demangled name; an unknown
    /// name or object is `???`, as valgrind prints it.
    static func frameMatches(_ p: FramePattern, _ frame: Frame) -> Bool {
        switch p {
        case .ellipsis:
            return true
        case .fun(let pattern):
            if let m = frame.mangled, Wildcard.valgrind(pattern, m) { return true }
            if let f = frame.function { return Wildcard.valgrind(pattern, f) }
            return frame.mangled == nil && Wildcard.valgrind(pattern, "???")
        case .obj(let pattern):
            return Wildcard.valgrind(pattern, frame.object ?? "???")
        case .src(let file, let line):
            guard let path = frame.file else { return false }
            let base = Fingerprint.baseName(path)
            guard Wildcard.valgrind(file, base) || Wildcard.valgrind(file, path) else { return false }
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
