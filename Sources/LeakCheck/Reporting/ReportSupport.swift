import Foundation

/// Paths as a reader of a CI page wants them: relative to the workspace, but
/// only when the workspace is a whole leading directory of the path
/// (`/src/mai` is not a prefix of `/src/main/x`).
public enum RelativePath {
    /// `path` relative to `root`, or nil when `path` is not inside `root`.
    public static func relative(_ path: String, to root: String) -> String? {
        guard !root.isEmpty, path.hasPrefix("/") else { return nil }
        var base = root
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        if base == "/" { return String(path.dropFirst()) }
        guard path.hasPrefix(base) else { return nil }
        let rest = path.dropFirst(base.count)
        // The next character must start a new component, or the path is the root itself.
        guard rest.hasPrefix("/") else { return nil }
        let inside = rest.drop(while: { $0 == "/" })
        return inside.isEmpty ? nil : String(inside)
    }

    /// The path relative to the first root that contains it, else the path as it was.
    public static func display(_ path: String, roots: [String]) -> String {
        for root in roots {
            if let r = relative(path, to: root) { return r }
        }
        return path
    }
}

/// One finding as the CI outputs show it: the same allocation site seen in
/// several runs (per test, per checker) is one entry naming every checker and
/// test that saw it.
public struct DistinctFinding: Sendable {
    /// The first occurrence, in report order.
    public var finding: Finding
    /// The key the occurrences share (`StableFingerprint`).
    public var key: String
    /// Every checker that saw it, in `Checker` order (the union of `seenBy` and the runs' checkers).
    public var checkers: [Checker]
    /// The tests it was attributed to, in report order.
    public var tests: [String]
    /// How many runs reported it.
    public var occurrences: Int
    /// The run of the first occurrence.
    public var run: RunResult
}

public enum DistinctFindings {
    /// Distinct findings of the report that `include` accepts, in report order
    /// (first occurrence), merged by `StableFingerprint` so a leak valgrind and
    /// ASan both saw, in three tests, is one entry.
    /// `poll`: a renderer's; when it says stop, the result is cut short.
    public static func of(
        _ report: Report, poll: RenderPoll? = nil, where include: (Finding) -> Bool
    ) -> [DistinctFinding] {
        var order: [String] = []
        var byKey: [String: DistinctFinding] = [:]
        scan: for run in report.runs {
            for f in run.findings where include(f) {
                if poll?.shouldStop(f.stack.count) == true { break scan }
                // Noise a suppression rightly hid (std's thread handle, reached from
                // each binary's harness) is one entry per suppression and kind;
                // over-broad ones hid real sites and stay one entry per site.
                let key =
                    f.suppressedBy != nil && f.suppressionOverBroad != true
                    ? StableFingerprint.fnv1a(["suppressed", f.suppressedBy!, f.kind.rawValue])
                    : StableFingerprint.of(f)
                if var d = byKey[key] {
                    d.occurrences = d.occurrences.addingSaturated(f.count ?? 1)
                    for c in [run.checker] + (f.seenBy ?? []) where !d.checkers.contains(c) { d.checkers.append(c) }
                    if let t = f.test ?? run.test, !d.tests.contains(t) { d.tests.append(t) }
                    byKey[key] = d
                } else {
                    var checkers = [run.checker]
                    for c in f.seenBy ?? [] where !checkers.contains(c) { checkers.append(c) }
                    byKey[key] = DistinctFinding(
                        finding: f, key: key, checkers: checkers, tests: (f.test ?? run.test).map { [$0] } ?? [],
                        occurrences: f.count ?? 1, run: run)
                    order.append(key)
                }
            }
        }
        return order.map { key in
            var d = byKey[key]!
            d.checkers.sort { Checker.allCases.firstIndex(of: $0)! < Checker.allCases.firstIndex(of: $1)! }
            return d
        }
    }
}

/// The call sites of the report's causes, in the causes' order (most severe
/// first), each with the first distinct finding seen there: what the
/// annotations and the step summary show once per site, whatever the checkers,
/// tests and partitions that reached it.
public enum CauseSites {
    public struct Entry: Sendable {
        public var cause: Cause
        public var site: Cause.Site
        public var finding: DistinctFinding
    }

    public static func of(
        _ report: Report, causes: [Cause], poll: RenderPoll? = nil, where include: (Finding) -> Bool
    ) -> [Entry] {
        let distinct = DistinctFindings.of(report, poll: poll, where: include)
        var byFingerprint: [String: Int] = [:]
        for (i, d) in distinct.enumerated() where byFingerprint[d.finding.fingerprint] == nil {
            byFingerprint[d.finding.fingerprint] = i
        }
        var out: [Entry] = []
        for c in causes {
            for s in c.sites {
                guard let first = s.fingerprints.compactMap({ byFingerprint[$0] }).min() else { continue }
                out.append(Entry(cause: c, site: s, finding: distinct[first]))
            }
        }
        return out
    }
}

/// Where a finding is best shown in the code: the caller that forgot to free
/// (the FFI boundary's caller), else the own-code frame of the test, else the
/// top own-code frame.
public enum FindingPlacement {
    public struct Place: Sendable, Hashable {
        public var file: String
        public var line: Int?
        public var function: String?
    }

    public static func place(_ f: Finding, test: String?, selector: FrameSelector) -> Place? {
        if let caller = f.boundary?.caller, let file = caller.file {
            return Place(file: file, line: caller.line, function: caller.function)
        }
        let own = f.stack.filter(selector.isOwnCode).filter { $0.file != nil }
        if let test = test ?? f.test, let frame = own.first(where: { isTestFrame($0, test: test) }) {
            return Place(file: frame.file!, line: frame.line, function: frame.function)
        }
        if let frame = own.first {
            return Place(file: frame.file!, line: frame.line, function: frame.function)
        }
        if let frame = selector.topFrames(f.stack, limit: 8).first(where: {
            $0.file != nil && !FrameSelector.isRuntime($0)
        }) {
            return Place(file: frame.file!, line: frame.line, function: frame.function)
        }
        return nil
    }

    /// `errors::leak_error_message` or `…::leak_error_message::{closure#0}` for test
    /// `leak_error_message`; `moq_ffi::tests::x` for `tests::x`.
    static func isTestFrame(_ frame: Frame, test: String) -> Bool {
        guard var fn = frame.function else { return false }
        for suffix in ["::{{closure}}", "::{closure#0}"] where fn.hasSuffix(suffix) { fn.removeLast(suffix.count) }
        return fn == test || fn.hasSuffix("::" + test)
    }

    /// The boundary sentence of the step summary and the HTML report:
    /// `37 bytes definitely lost: returned by moq_connect() to errors::leak_error_message
    /// (tests/errors.rs:74), never released: call moq_free_str()`.
    public static func boundarySentence(_ f: Finding, roots: [String]) -> String? {
        guard let b = f.boundary else { return nil }
        var s = ""
        if let bytes = f.bytes { s += "\(Figures.grouped(bytes)) bytes " }
        s += "\(f.kind.phrase): returned by \(b.function)()"
        if let caller = b.caller {
            s += " to \(caller.function ?? "the caller")"
            if let file = caller.file {
                s += " (\(RelativePath.display(file, roots: roots))\(caller.line.map { ":\($0)" } ?? ""))"
            }
        }
        s += ", never released"
        if let release = b.release { s += ": call \(release)()" }
        return s
    }
}

extension Frame {
    /// `function (file:line)` with the file relative to the first root that holds it.
    func display(roots: [String]) -> String {
        var frame = self
        if let file { frame.file = RelativePath.display(file, roots: roots) }
        return frame.display
    }
}

extension RenderContext {
    /// Roots paths are shown relative to: the workspace, then the source roots.
    var displayRoots: [String] { (workspaceRoot.map { [$0] } ?? []) + sourceRoots }
}

/// The cargo target name of a test executable: `moq_ffi-a3b17d4f1f71b605` →
/// `moq_ffi` (cargo appends a 16-hex metadata hash that changes with every build).
public enum TargetName {
    public static func of(executable: String) -> String {
        let base = (executable as NSString).lastPathComponent
        return strippingCargoHash(base)
    }

    public static func strippingCargoHash(_ name: String) -> String {
        guard let dash = name.lastIndex(of: "-") else { return name }
        let hash = name[name.index(after: dash)...]
        guard hash.count == 16, hash.allSatisfy(\.isHexDigit) else { return name }
        return String(name[..<dash])
    }
}

/// Small HTML/Markdown escaping shared by the renderers.
enum Escape {
    static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Text inside a Markdown code span: only a backtick or a line break would end it
    /// (entities are not decoded there, so `<` stays as it is). In a table cell a
    /// `|` still splits the cell even inside a span, so it is escaped (GFM).
    static func codeSpan(_ s: String, inTable: Bool = false) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "`": out += "'"
            case "\n", "\r": out += " "
            case "|" where inTable: out += "\\|"
            default:
                if ch.value < 0x20 { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Text inside a Markdown table cell or line: pipes and angle brackets would change the layout.
    static func markdown(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "`": out += "'"
            case "\n", "\r": out += " "
            default:
                if ch.value < 0x20 { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
