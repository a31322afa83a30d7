/// Names the test a finding came from by reading its stack, so a shard's
/// findings need no re-run when the test's own code is on the stack.
///
/// libtest names a test by its module path inside the crate
/// (`tests::leak_client_never_destroyed`; an integration-test binary's tests
/// sit at its root: `leak_subscriber_with_child`), and the symbol of the test
/// function is that path under the crate's name (`moq_ffi::tests::…`,
/// `lifecycle::leak_subscriber_with_child`). Two rules, tried in order:
/// 1. a frame whose function, without generic arguments, closure segments and
///    legacy `::h…` hash, is `crate::test` for a listed test (innermost wins);
/// 2. the first frame inside libtest's `test::__rust_begin_short_backtrace`
///    (the function libtest calls each test through) that is not a
///    `call_once` shim is the test's closure: it names a listed test when its
///    path ends with the test's name or the test's name ends with its path
///    (inlined frames lose their module path), and only one test fits. This
///    covers a crate name given wrong and inlined test bodies.
///
/// A closure written in the test body counts as the test's code
/// (`tests::spawns::{closure#0}` run on a spawned thread is attributed to
/// `tests::spawns`). A stack with neither (a thread running a named function,
/// a global, at-exit code, a fast-unwound sanitizer stack) gives nil: such a
/// finding needs `Bisection`.
public struct StackAttribution: Sendable {
    /// The crate the test binary was built from, as Rust spells it (`-` → `_`).
    public let crateName: String
    /// The listed test names.
    public let tests: [String]
    private let byPath: [String: String]

    /// `crateName`: the cargo target's name (the lib's name for unit tests, the
    /// integration test's name for `tests/NAME.rs`); `-` becomes `_` here.
    public init(crateName: String, tests: [String]) {
        self.crateName = crateName.replacingOccurrences(of: "-", with: "_")
        self.tests = tests
        var map: [String: String] = [:]
        for t in tests { map[self.crateName + "::" + t] = map[self.crateName + "::" + t] ?? t }
        byPath = map
    }

    /// The test `stack` (innermost first) belongs to, or nil.
    public func test(for stack: [Frame]) -> String? {
        let names = stack.map { $0.function.map(Self.normalize) }
        for name in names {
            if let name, let t = byPath[name] { return t }
        }
        guard let entry = stack.indices.first(where: { Self.isLibtestEntry(stack[$0], normalized: names[$0]) }) else {
            return nil
        }
        for i in stack.indices[..<entry].reversed() {
            guard let name = names[i], !name.isEmpty else { continue }
            if Self.isCallShim(stack[i].function!, normalized: name) { continue }
            let fits = tests.filter { t in
                name == t || name.hasSuffix("::" + t) || t.hasSuffix("::" + name)
            }
            return fits.count == 1 ? fits[0] : nil
        }
        return nil
    }

    /// `finding` with `test` and `attributedBy = .stack` set when its stack names
    /// a test; unchanged otherwise (a test already set is kept).
    public func attribute(_ finding: Finding) -> Finding {
        // A thread's stack starts at the thread: the stack of its creation (TSan's and ASan's
        // "Thread T8 … created by thread T7 at") names the test that spawned it.
        let creations = finding.auxiliary.filter { $0.what.contains("created by") }.map(\.stack)
        guard finding.test == nil, let t = ([finding.stack] + creations).lazy.compactMap(test(for:)).first else {
            return finding
        }
        var f = finding
        f.test = t
        f.attributedBy = .stack
        return f
    }

    /// A demangled function name reduced to its path: generic arguments
    /// (`::<…>`, `<…>` on a segment), closure and shim segments (`{{closure}}`,
    /// `{closure#0}`, `{shim:vtable#0}`, `{{vtable.shim}}`) and a legacy hash
    /// segment (`h` + 16 hex digits) removed. A name that is an impl path
    /// (`<X as Trait>::f`) keeps its `<…>` head.
    public static func normalize(_ function: String) -> String {
        var segments = splitPath(function)
        segments = segments.map { seg in
            guard !seg.hasPrefix("<"), let lt = seg.firstIndex(of: "<") else { return seg }
            return String(seg[..<lt])
        }
        while let last = segments.last,
            last.isEmpty || isClosureSegment(last) || isLegacyHash(last)
        {
            segments.removeLast()
        }
        return segments.joined(separator: "::")
    }

    /// Path segments split on `::` outside `<…>` (generic arguments hold `::` too);
    /// a `::<…>` turbofish segment is dropped.
    static func splitPath(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        var depth = 0
        let chars = Array(s)
        // `->` inside generic arguments must not close a `<`.
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "<" {
                depth += 1
            } else if c == ">", !(i > 0 && chars[i - 1] == "-") {
                depth = max(0, depth - 1)
            }
            if depth == 0, c == ":", i + 1 < chars.count, chars[i + 1] == ":" {
                out.append(current)
                current = ""
                i += 2
                continue
            }
            current.append(c)
            i += 1
        }
        out.append(current)
        return out.filter { !($0.hasPrefix("<") && $0.hasSuffix(">") && out.first != $0) }
    }

    static func isClosureSegment(_ seg: String) -> Bool {
        (seg.hasPrefix("{") && seg.hasSuffix("}"))
    }

    static func isLegacyHash(_ seg: String) -> Bool {
        seg.count == 17 && seg.hasPrefix("h") && seg.dropFirst().allSatisfy(\.isHexDigit)
    }

    /// libtest's `__rust_begin_short_backtrace` (not std's thread/main one):
    /// `test::__rust_begin_short_backtrace`, or the bare inlined name in
    /// `library/test/`.
    static func isLibtestEntry(_ frame: Frame, normalized: String?) -> Bool {
        guard let normalized else { return false }
        if normalized == "test::__rust_begin_short_backtrace" { return true }
        return normalized == "__rust_begin_short_backtrace" && (frame.file?.contains("library/test/") ?? false)
    }

    /// `call_once` and `FnOnce` trampolines between libtest and the test's closure.
    static func isCallShim(_ function: String, normalized: String) -> Bool {
        normalized == "call_once" || normalized.hasSuffix("::call_once")
            || function.hasPrefix("<fn()") || function.contains(" as core::ops::function::Fn")
    }
}
