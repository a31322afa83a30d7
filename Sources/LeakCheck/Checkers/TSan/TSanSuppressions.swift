import Foundation

/// ThreadSanitizer's suppression kinds (tsan_suppressions.cpp), applied by the tool with
/// accounting, as LSan's `leak:`: PATTERN matches a frame's function, source file or module
/// in the stacks the kind looks at.
enum TSanSuppressions {
    /// The kinds this tool applies to TSan findings; others (`interceptor_via_fun:` …) do not apply.
    static let kinds: Set<String> = ["race", "race_top", "deadlock", "thread", "mutex", "signal", "called_from_lib"]

    static func matches(_ s: Suppression, _ f: Finding) -> Bool {
        let stacks: [[Frame]]
        switch s.kind {
        case "race", "race_top":
            guard f.kind == .dataRace else { return false }
            // Both accesses: the current one and the previous one (auxiliary stacks whose
            // title names an access, not the threads' creation).
            let accesses = f.auxiliary.filter { Self.isAccess($0.what) }.map(\.stack)
            stacks = [f.stack] + accesses
            if s.kind == "race_top" { return stacks.contains { $0.first.map { frameMatches(s.pattern, $0) } ?? false } }
        case "deadlock":
            guard f.kind == .lockOrder else { return false }
            stacks = [f.stack] + f.auxiliary.map(\.stack)
        case "thread":
            guard f.kind == .threadLeak else { return false }
            stacks = [f.stack]
        case "mutex":
            guard f.kind == .threadMisuse, !f.rawKind.contains("signal") else { return false }
            stacks = [f.stack] + f.auxiliary.map(\.stack)
        case "signal":
            guard f.kind == .threadMisuse, f.rawKind.contains("signal") else { return false }
            stacks = [f.stack]
        case "called_from_lib":
            guard threadKinds.contains(f.kind) else { return false }
            return ([f.stack] + f.auxiliary.map(\.stack)).joined().contains {
                $0.object.map { Wildcard.sanitizer(s.pattern, $0) } ?? false
            }
        default:
            return false
        }
        return stacks.joined().contains { frameMatches(s.pattern, $0) }
    }

    /// What TSan reports: `called_from_lib:` covers any of it.
    static let threadKinds: Set<FindingKind> = [.dataRace, .lockOrder, .threadMisuse, .threadLeak, .other]

    /// One entry per finding: its kind's word and the innermost function outside the runtime,
    /// anchored to the whole name (`race:^bump$`).
    static func generate(for findings: [Finding]) -> String {
        var seen = Set<String>()
        var out = ""
        for f in findings {
            let word: String
            switch f.kind {
            case .dataRace: word = "race"
            case .lockOrder: word = "deadlock"
            case .threadLeak: word = "thread"
            case .threadMisuse: word = f.rawKind.contains("signal") ? "signal" : "mutex"
            default: continue
            }
            guard let fn = f.stack.first(where: { !isRuntime($0) && $0.function != nil })?.function
            else { continue }
            let line = "\(word):^\(fn)$"
            if seen.insert(line).inserted { out += line + "\n" }
        }
        return out
    }

    /// A frame of the TSan runtime itself (its interceptors: `pthread_mutex_lock` in gcc's
    /// libtsan or in compiler-rt's runtime linked into the program).
    static func isRuntime(_ frame: Frame) -> Bool {
        if FrameSelector.isRuntime(frame) { return true }
        if let object = frame.object, (object as NSString).lastPathComponent.hasPrefix("libtsan.so") { return true }
        guard let file = frame.file else { return false }
        return file.contains("/libsanitizer/") || file.contains("compiler-rt/lib/")
    }

    static func isAccess(_ title: String) -> Bool {
        for p in ["Previous ", "Read ", "Write ", "Atomic "] where title.hasPrefix(p) { return true }
        return false
    }

    static func frameMatches(_ pattern: String, _ frame: Frame) -> Bool {
        if let fn = frame.function, Wildcard.sanitizer(pattern, fn) { return true }
        if let file = frame.file, Wildcard.sanitizer(pattern, file) { return true }
        if let m = frame.object, Wildcard.sanitizer(pattern, m) { return true }
        return false
    }
}
