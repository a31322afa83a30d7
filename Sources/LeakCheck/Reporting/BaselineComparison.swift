import Foundation

/// A fingerprint that survives what changes between two runs of the same code:
/// rebuilds (cargo's `-<16 hex>` metadata hash, legacy `::h<16 hex>` symbol
/// hashes), checkouts in another directory (only file base names count),
/// line shifts (lines never count), addresses (never used), and the checker or
/// toolchain (allocator, `/rustc/` and std frames are skipped, and the two
/// demanglings of one name — `<moq_ffi::MoqResult>::error` and
/// `moq_ffi::MoqResult::error`, `{closure#0}` and `{{closure}}` — agree).
///
/// `Finding.fingerprint` (`Fingerprint.of`) hashes the first 12 frames as
/// printed, allocator and std frames included, so valgrind and ASan give the
/// same leak two fingerprints, and a frame without a function name hashes its
/// object's absolute path with the cargo hash in it.
public enum StableFingerprint {
    /// How many frames past the runtime identify the site: the allocating
    /// function, its callers up to the test; deeper frames are harness and
    /// differ with the checker's stack depth.
    static let depth = 4

    public static func of(_ f: Finding) -> String { of(kind: f.kind, stack: f.stack) }

    public static func of(kind: FindingKind, stack: [Frame]) -> String {
        // Frames below `main` (glibc's start code) are printed by ASan and not by
        // valgrind, which stops at `main`: they never identify a site.
        var frames = stack.filter { !FrameSelector.isRuntime($0) && !isProcessStart($0) }
        if frames.isEmpty { frames = stack }
        var parts = [kind.rawValue]
        // The library call the site made (`Box::new`, `Vec::with_capacity`, `CString::new`):
        // two allocations in one function differ here, and it reads the same
        // whatever the toolchain (`new<moq_ffi::Buffer>` / `<alloc::boxed::Box<moq_ffi::Buffer>>::new`).
        if let first = stack.firstIndex(where: { !FrameSelector.isRuntime($0) }), first > 0 {
            let callee = stack[first - 1]
            if let name = checkerAllocator(callee) {
                // A C program's `malloc` is the checker's replacement: valgrind's
                // `malloc (vg_replace_malloc.c)`, ASan's `__interceptor_malloc (asan_malloc_linux.cpp)`.
                parts.append(name)
                parts.append("")
            } else {
                parts.append(lastComponent(normalizedFunction(callee)))
                parts.append(callee.file.map(Fingerprint.baseName) ?? "")
            }
        }
        for frame in frames.prefix(depth) {
            parts.append(normalizedFunction(frame))
            parts.append(frame.file.map(Fingerprint.baseName) ?? "")
        }
        return fnv1a(parts)
    }

    /// glibc's start code below `main`.
    static func isProcessStart(_ frame: Frame) -> Bool {
        guard let fn = frame.function else { return false }
        return fn == "_start" || fn.hasPrefix("__libc_start_")
    }

    /// The allocator's name when `frame` is a checker's replacement of it, else nil.
    static func checkerAllocator(_ frame: Frame) -> String? {
        guard var fn = frame.function else { return nil }
        let file = frame.file ?? ""
        let object = frame.object ?? ""
        let replaced =
            file.contains("vg_replace_malloc") || file.contains("asan_") || object.contains("vgpreload")
            || object.contains("libasan") || fn.hasPrefix("__interceptor_") || fn.hasPrefix("___interceptor_")
        guard replaced else { return nil }
        for prefix in ["___interceptor_", "__interceptor_"] where fn.hasPrefix(prefix) { fn.removeFirst(prefix.count) }
        return fn
    }

    static func lastComponent(_ name: String) -> String {
        name.range(of: "::", options: .backwards).map { String(name[$0.upperBound...]) } ?? name
    }

    /// The name with what differs between demanglers and builds taken out.
    static func normalizedFunction(_ frame: Frame) -> String {
        guard var fn = frame.function else {
            return frame.object.map { TargetName.strippingCargoHash(Fingerprint.baseName($0)) } ?? "?"
        }
        // Legacy mangling's hash suffix: `moq_ffi::f::h0123456789abcdef`.
        if let r = fn.range(of: "::h", options: .backwards) {
            let tail = fn[r.upperBound...]
            if tail.count == 16 && tail.allSatisfy(\.isHexDigit) { fn = String(fn[..<r.lowerBound]) }
        }
        fn = fn.replacingOccurrences(of: "{{closure}}", with: "{closure}")
        fn = fn.replacingOccurrences(of: "{closure#0}", with: "{closure}")
        // `<path>::name` (v0's inherent impl) → `path::name`; `<A as B>::f` stays.
        if fn.hasPrefix("<"), let close = matchingClose(fn), !fn[fn.startIndex..<close].contains(" as ") {
            let inner = fn[fn.index(after: fn.startIndex)..<close]
            fn = String(inner) + String(fn[fn.index(after: close)...])
        }
        // Generic arguments are printed by one demangler and not the other.
        return stripGenerics(fn)
    }

    static func matchingClose(_ s: String) -> String.Index? {
        var depth = 0
        for i in s.indices {
            if s[i] == "<" { depth += 1 }
            if s[i] == ">" {
                depth -= 1
                if depth == 0 { return i }
            }
        }
        return nil
    }

    /// Removes generic argument lists (`Vec<u8>`, `f<alloc::Global>`): a `<`
    /// right after a name; a leading `<A as B>` qualified path is kept.
    static func stripGenerics(_ s: String) -> String {
        var out = ""
        var depth = 0
        var previous: Character = " "
        for ch in s {
            if depth > 0 {
                if ch == "<" { depth += 1 }
                if ch == ">" { depth -= 1 }
                continue
            }
            if ch == "<" && (previous.isLetter || previous.isNumber || previous == "_") {
                depth = 1
                continue
            }
            if ch == "<" && out.hasSuffix("::") {  // turbofish `new::<&str>`
                out.removeLast(2)
                depth = 1
                continue
            }
            out.append(ch)
            previous = ch
        }
        return out
    }

    static func fnv1a(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in parts {
            for b in s.utf8 {
                hash ^= UInt64(b)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// `--baseline PATH`: which of this run's findings an earlier report already
/// had. Matching is by `StableFingerprint`, recomputed from the stacks on both
/// sides, so a baseline written by another build, in another directory or by an
/// older version of the tool still matches.
public enum BaselineComparison {
    /// The findings that count: unsuppressed, and not still-reachable (informational).
    static func relevant(_ f: Finding) -> Bool { f.suppressedBy == nil && f.kind != .stillReachable }

    /// Distinct findings of `current` that `baseline` lacks (`new`), that it has
    /// (`known`), and distinct findings of `baseline` that are gone (`fixed`).
    /// One entry per allocation site, first occurrence in report order.
    public static func compare(current: Report, baseline: Report) -> (
        new: [Finding], known: [Finding], fixed: [Finding]
    ) {
        let now = DistinctFindings.of(current, where: relevant)
        let before = DistinctFindings.of(baseline, where: relevant)
        let beforeKeys = Set(before.map(\.key))
        let nowKeys = Set(now.map(\.key))
        return (
            now.filter { !beforeKeys.contains($0.key) }.map(\.finding),
            now.filter { beforeKeys.contains($0.key) }.map(\.finding),
            before.filter { !nowKeys.contains($0.key) }.map(\.finding)
        )
    }

    /// `current` with `finding.baseline` set to `.new` or `.known` on every
    /// unsuppressed finding (suppressed ones stay nil: the baseline does not
    /// concern them). The gate then fails only on `.new` findings; the lead's
    /// policy decides that, this only marks.
    public static func mark(_ current: Report, against baseline: Report) -> Report {
        let known = Set(
            baseline.runs.flatMap { $0.findings.filter(relevant).map(StableFingerprint.of) })
        var report = current
        for r in report.runs.indices {
            for i in report.runs[r].findings.indices where report.runs[r].findings[i].suppressedBy == nil {
                let f = report.runs[r].findings[i]
                report.runs[r].findings[i].baseline = known.contains(StableFingerprint.of(f)) ? .known : .new
            }
        }
        return report
    }

    /// Reads a baseline (a JSON report an earlier run wrote). A missing or
    /// malformed file is a usage error with one line.
    public static func load(_ path: String) throws -> Report {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("--baseline \(path): cannot read the file")
        }
        do {
            return try JSONDecoder().decode(Report.self, from: data)
        } catch {
            throw UsageError("--baseline \(path): not a moq-leakcheck JSON report (\(Self.reason(error)))")
        }
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "bad value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "invalid JSON"
        default: return "\(error)"
        }
    }
}
