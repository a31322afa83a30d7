import Foundation

/// Reads valgrind and sanitizer suppression files into `Suppression` values.
/// Pure: text in, entries out; every problem is a `SuppressionFileError` naming
/// the file and line, never a trap.
public enum SuppressionParser {
    /// Memcheck's suppression kinds (mc_errors.c, `MC_(is_recognised_suppression)`).
    static let memcheckKinds: Set<String> = [
        "Leak", "Param", "User", "CoreMem", "Free", "Overlap", "Jump", "Cond", "FishyValue",
        "ReallocZero", "Addr1", "Addr2", "Addr4", "Addr8", "Addr16", "Addr32",
        "Value0", "Value1", "Value2", "Value4", "Value8", "Value16", "Value32",
    ]

    /// Kinds the sanitizers' suppression files accept: LSan, ASan, TSan and UBSan
    /// (one file may be shared between tools; only `leak:` changes leak findings).
    static let sanitizerKinds: [String] = [
        "leak",
        "interceptor_name", "interceptor_via_fun", "interceptor_via_lib", "odr_violation",
        "race", "race_top", "mutex", "thread", "signal", "deadlock", "called_from_lib",
        "alignment", "bool", "bounds", "enum", "float-cast-overflow", "float-divide-by-zero",
        "function", "implicit-integer-sign-change", "implicit-signed-integer-truncation",
        "implicit-unsigned-integer-truncation", "integer-divide-by-zero", "invalid-builtin-use",
        "nonnull-attribute", "null", "nullability-arg", "nullability-assign",
        "nullability-return", "object-size", "pointer-overflow", "return",
        "returns-nonnull-attribute", "shift-base", "shift-exponent", "signed-integer-overflow",
        "unreachable", "unsigned-integer-overflow", "vla-bound", "vptr",
    ]

    static let leakKindWords: [String: FindingKind] = [
        "definite": .definitelyLost, "indirect": .indirectlyLost,
        "possible": .possiblyLost, "reachable": .stillReachable,
    ]

    /// Parses one file's text, detecting its format from the first meaningful
    /// line: `{` (or anything that is not `kind:pattern`) means valgrind.
    public static func parse(text: String, file: String) throws -> [Suppression] {
        let lines = splitLines(text)
        guard let first = lines.first(where: { !isBlankOrComment($0.text) }) else { return [] }
        if looksLikeSanitizerLine(first.text) {
            return try parseSanitizer(lines, file: file)
        }
        return try parseValgrind(lines, file: file)
    }

    /// Reads and parses a file; an unreadable file is an error naming the path.
    public static func parseFile(_ path: String) throws -> [Suppression] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw SuppressionFileError(
                    file: path, line: nil,
                    isDir.boolValue ? "is a directory, not a suppression file" : "cannot read the file")
            }
            throw SuppressionFileError(file: path, line: nil, "no such suppression file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SuppressionFileError(file: path, line: nil, "not UTF-8 text")
        }
        return try parse(text: text, file: path)
    }

    /// Everything `moq-leakcheck suppressions check FILE…` prints: one error per
    /// unusable file, and warnings (duplicate names, patterns that match everything).
    /// Empty means every file is fine.
    public static func check(files: [String]) -> [String] {
        checkResult(files: files).messages
    }

    /// `check(files:)` split for the CLI: any error means exit code 2.
    public struct CheckResult: Sendable {
        /// `file:line: message` (or `file: message`) for each unusable file.
        public var errors: [String] = []
        /// `file:line: warning: …`.
        public var warnings: [String] = []
        /// Entries read from the usable files.
        public var entryCount = 0
        /// Errors and warnings in the order they were found.
        public var messages: [String] = []
    }

    public static func checkResult(files: [String]) -> CheckResult {
        var result = CheckResult()
        var messages: [String] = []
        var seen: [String: Suppression] = [:]
        for path in files {
            let entries: [Suppression]
            do {
                entries = try parseFile(path)
            } catch let error as SuppressionFileError {
                messages.append(error.description)
                result.errors.append(error.description)
                continue
            } catch {
                messages.append("\(path): \(error)")
                result.errors.append("\(path): \(error)")
                continue
            }
            result.entryCount += entries.count
            for s in entries {
                let key = "\(s.format.rawValue)\u{0}\(s.name)"
                var found = warnings(for: s)
                if let earlier = seen[key] {
                    let what = s.format == .valgrind ? "suppression name" : "entry"
                    found.insert(
                        "\(s.source): warning: duplicate \(what) '\(s.name)' (first at \(earlier.source))", at: 0)
                } else {
                    seen[key] = s
                }
                messages.append(contentsOf: found)
                result.warnings.append(contentsOf: found)
            }
        }
        result.messages = messages
        return result
    }

    /// Entries that parse but almost certainly do not do what their author meant.
    static func warnings(for s: Suppression) -> [String] {
        var out: [String] = []
        switch s.format {
        case .lsan:
            if s.kind == "leak" {
                let p = s.pattern
                if p.isEmpty || p.allSatisfy({ $0 == "*" || $0 == "^" || $0 == "$" }) {
                    out.append("\(s.source): warning: '\(s.name)' matches every leak")
                } else if p.first == " " {
                    out.append(
                        "\(s.source): warning: '\(s.name)': the pattern starts with a space, which LSan matches literally")
                }
            }
        case .valgrind:
            if let first = s.frames.first, first == .ellipsis,
                s.frames.dropFirst().allSatisfy({ isUnanchoredWildcard($0) })
            {
                out.append(
                    "\(s.source): warning: '\(s.name)' starts with '...' followed only by wildcard patterns: it can match any stack that passes through such a frame, including test bodies")
            }
        }
        return out
    }

    static func isUnanchoredWildcard(_ p: FramePattern) -> Bool {
        switch p {
        case .fun(let s), .obj(let s): return s.hasPrefix("*")
        case .ellipsis: return true
        case .src: return false
        }
    }

    // MARK: - Lines

    struct Line {
        var number: Int
        var text: String
    }

    /// Lines with surrounding whitespace removed (valgrind and the sanitizers both
    /// trim), numbered from 1. `\r\n` endings are accepted.
    static func splitLines(_ text: String) -> [Line] {
        var result: [Line] = []
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            result.append(Line(number: n, text: trim(raw)))
        }
        return result
    }

    static func trim(_ s: Substring) -> String {
        var t = s[...]
        while let c = t.first, c == " " || c == "\t" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
            t = t.dropFirst()
        }
        while let c = t.last, c == " " || c == "\t" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
            t = t.dropLast()
        }
        return String(t)
    }

    static func isBlankOrComment(_ s: String) -> Bool { s.isEmpty || s.hasPrefix("#") }

    /// `kind:pattern` with a lowercase sanitizer-style kind, and not one of
    /// valgrind's own `fun:`/`obj:`/`src:`/`match-leak-kinds:` prefixes.
    static func looksLikeSanitizerLine(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let kind = s[..<colon]
        guard !kind.isEmpty,
            kind.allSatisfy({ ($0 >= "a" && $0 <= "z") || $0 == "_" || $0 == "-" })
        else { return false }
        return !["fun", "obj", "src", "match-leak-kinds"].contains(String(kind))
    }

    // MARK: - Sanitizers

    static func parseSanitizer(_ lines: [Line], file: String) throws -> [Suppression] {
        var out: [Suppression] = []
        for line in lines where !isBlankOrComment(line.text) {
            guard let colon = line.text.firstIndex(of: ":") else {
                throw SuppressionFileError(
                    file: file, line: line.number,
                    "expected 'kind:pattern' (e.g. leak:my_function), found '\(line.text)'")
            }
            let kind = String(line.text[..<colon])
            guard sanitizerKinds.contains(kind) else {
                throw SuppressionFileError(
                    file: file, line: line.number,
                    "unknown suppression kind '\(kind)' (expected leak, interceptor_name, interceptor_via_fun, interceptor_via_lib, odr_violation, called_from_lib, race, … )"
                )
            }
            // The sanitizers keep the pattern exactly as written after the colon.
            let pattern = String(line.text[line.text.index(after: colon)...])
            out.append(
                Suppression(
                    name: line.text, format: .lsan, file: file, line: line.number, kind: kind,
                    pattern: pattern))
        }
        return out
    }

    // MARK: - valgrind

    static func parseValgrind(_ lines: [Line], file: String) throws -> [Suppression] {
        var out: [Suppression] = []
        // Meaningful lines only: valgrind skips blank and `#` lines everywhere, inside entries too.
        let body = lines.filter { !isBlankOrComment($0.text) }
        var i = 0
        func fail(_ line: Int, _ message: String) -> SuppressionFileError {
            SuppressionFileError(file: file, line: line, message)
        }
        while i < body.count {
            let open = body[i]
            if open.text == "}" { throw fail(open.number, "'}' without a matching '{'") }
            guard open.text == "{" else {
                throw fail(open.number, "expected '{' or end of file, found '\(open.text)'")
            }
            i += 1
            /// The next line of this entry; a new `{` or the end of the file means this one was never closed.
            func next() throws -> Line {
                guard i < body.count else {
                    throw fail(open.number, "unterminated entry: '{' has no matching '}' before the end of the file")
                }
                let l = body[i]
                if l.text == "{" {
                    throw fail(open.number, "unterminated entry: '{' has no matching '}' before the next '{' at line \(l.number)")
                }
                i += 1
                return l
            }

            let nameLine = try next()
            if nameLine.text == "}" { throw fail(nameLine.number, "entry has no name") }
            if isToolKindLine(nameLine.text), i < body.count, isFrameOrExtraLine(body[i].text) {
                throw fail(
                    nameLine.number,
                    "entry has no name: '\(nameLine.text)' is the 'Tool:Kind' line, the name line must come first")
            }

            let toolLine = try next()
            if toolLine.text == "}" {
                throw fail(toolLine.number, "entry '\(nameLine.text)' has no 'Tool:Kind' line (e.g. Memcheck:Leak)")
            }
            guard let colon = toolLine.text.firstIndex(of: ":"), colon != toolLine.text.startIndex else {
                throw fail(
                    toolLine.number,
                    "expected 'Tool:Kind' (e.g. Memcheck:Leak) in entry '\(nameLine.text)', found '\(toolLine.text)'")
            }
            let tools = toolLine.text[..<colon].split(separator: ",").map { trim($0) }
            let kind = trim(toolLine.text[toolLine.text.index(after: colon)...])
            let isMemcheck = tools.contains("Memcheck")
            if isMemcheck, !memcheckKinds.contains(kind) {
                throw fail(
                    toolLine.number,
                    "unknown Memcheck suppression kind '\(kind)' (expected Leak, Addr1/2/4/8/16/32, Value1/2/4/8/16/32, Cond, Free, Param, Overlap, Jump, User, CoreMem, FishyValue, ReallocZero)"
                )
            }

            var entry = Suppression(
                name: nameLine.text, format: .valgrind, file: file, line: open.number, tools: tools,
                kind: kind)

            // Like valgrind, skip the body of another tool's entry (Helgrind, DRD, …)
            // unread: its extra lines are that tool's business. Frame lines are kept.
            if !isMemcheck {
                while true {
                    let l = try next()
                    if l.text == "}" { break }
                    if let pattern = parseFrameLine(l.text) { entry.frames.append(pattern) }
                }
                out.append(entry)
                continue
            }

            // Kind-specific extra line.
            if isMemcheck, kind == "Param" || kind == "FishyValue" {
                let extra = try next()
                if extra.text == "}" || isFrameOrExtraLine(extra.text) {
                    let example = kind == "Param" ? "write(buf)" : "__builtin_memcpy(n)"
                    throw fail(
                        extra.number,
                        "\(kind) entry '\(entry.name)' needs its extra line (e.g. \(example)) before the frames")
                }
                entry.extra = extra.text
            }
            if i < body.count, body[i].text.hasPrefix("match-leak-kinds:") {
                let l = body[i]
                i += 1
                guard isMemcheck, kind == "Leak" else {
                    throw fail(l.number, "match-leak-kinds: only applies to Memcheck:Leak entries")
                }
                entry.matchLeakKinds = try parseLeakKinds(
                    String(l.text.dropFirst("match-leak-kinds:".count)), line: l.number, file: file)
            }

            // Frames up to the closing brace.
            while true {
                let l = try next()
                if l.text == "}" { break }
                guard let pattern = parseFrameLine(l.text) else {
                    throw fail(
                        l.number,
                        "unknown line '\(l.text)' in entry '\(entry.name)': expected fun:, obj:, src: or ...")
                }
                entry.frames.append(pattern)
            }
            if entry.frames.isEmpty {
                throw fail(open.number, "entry '\(entry.name)' has no frame lines (fun:, obj:, src: or ...)")
            }
            if entry.frames.allSatisfy({ $0 == .ellipsis }) {
                throw fail(open.number, "entry '\(entry.name)' needs at least one frame line that is not '...'")
            }
            out.append(entry)
        }
        return out
    }

    static func parseLeakKinds(_ text: String, line: Int, file: String) throws -> Set<FindingKind> {
        var kinds = Set<FindingKind>()
        for word in text.split(separator: ",").map({ trim($0) }) {
            switch word {
            case "all": kinds.formUnion(leakKindWords.values)
            case "none": break
            default:
                guard let k = leakKindWords[word] else {
                    throw SuppressionFileError(
                        file: file, line: line,
                        "unknown leak kind '\(word)' in match-leak-kinds (expected definite, indirect, possible, reachable, all or none)"
                    )
                }
                kinds.insert(k)
            }
        }
        return kinds
    }

    static func parseFrameLine(_ s: String) -> FramePattern? {
        if s == "..." { return .ellipsis }
        if s.hasPrefix("fun:") { return .fun(String(s.dropFirst(4))) }
        if s.hasPrefix("obj:") { return .obj(String(s.dropFirst(4))) }
        if s.hasPrefix("src:") {
            let rest = s.dropFirst(4)
            if let colon = rest.lastIndex(of: ":"), let n = Int(rest[rest.index(after: colon)...]) {
                return .src(file: String(rest[..<colon]), line: n)
            }
            return .src(file: String(rest), line: nil)
        }
        return nil
    }

    /// `Memcheck:Leak`, `Memcheck,Helgrind:Cond`: a tool list and a kind.
    static func isToolKindLine(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let tools = s[..<colon]
        let kind = s[s.index(after: colon)...]
        guard let f = tools.first, f.isUppercase || tools.hasPrefix("exp-") else { return false }
        return !kind.isEmpty && !kind.contains(" ")
            && tools.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "," || $0 == "-" })
            && kind.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
    }

    static func isFrameOrExtraLine(_ s: String) -> Bool {
        s == "..." || s.hasPrefix("fun:") || s.hasPrefix("obj:") || s.hasPrefix("src:")
            || s.hasPrefix("match-leak-kinds:")
    }
}
