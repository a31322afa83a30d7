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
        try parseChecked(bytes: Array(text.utf8), file: file).entries
    }

    /// Reads and parses a file; an unreadable file is an error naming the path.
    public static func parseFile(_ path: String) throws -> [Suppression] {
        try parseFileChecked(path).entries
    }

    /// Entries and the warnings found while reading them (`file:line: warning: …`).
    static func parseChecked(bytes: [UInt8], file: String) throws -> (entries: [Suppression], warnings: [String]) {
        let lines = try splitLines(bytes, file: file)
        guard let first = lines.first(where: { !isBlankOrComment($0.text) }) else { return ([], []) }
        if looksLikeSanitizerLine(first.text) {
            return (try parseSanitizer(lines, file: file), [])
        }
        var warnings: [String] = []
        if bytes.contains(0x0D), !bytes.contains(0x0A) {
            warnings.append(
                "\(file):1: warning: lines end in CR only: moq-leakcheck reads them, valgrind itself reads the file as one line and refuses it"
            )
        }
        let entries = try parseValgrind(lines, file: file, warnings: &warnings)
        return (entries, warnings)
    }

    static func parseFileChecked(_ path: String) throws -> (entries: [Suppression], warnings: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw SuppressionFileError(
                    file: path, line: nil,
                    isDir.boolValue ? "is a directory, not a suppression file" : "cannot read the file")
            }
            throw SuppressionFileError(file: path, line: nil, "no such suppression file")
        }
        return try parseChecked(bytes: [UInt8](data), file: path)
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

    /// Checks the files as `suppressions check` does. Errors are what makes a
    /// file unusable (the run refuses it, or valgrind itself would stop on it);
    /// warnings are entries that parse but do not do what their author meant:
    /// a tool name no valgrind tool reads (`memcheck:Leak`), another tool's
    /// unknown kind, a duplicate name, an entry that matches every stack. With
    /// `strict`, every warning is an error, reported without its `warning: ` label.
    public static func checkResult(files: [String], strict: Bool = false) -> CheckResult {
        var result = CheckResult()
        func error(_ message: String) {
            result.errors.append(message)
            result.messages.append(message)
        }
        func warn(_ message: String) {
            guard strict else {
                result.warnings.append(message)
                result.messages.append(message)
                return
            }
            let label = message.range(of: ": warning: ")
            error(label.map { message.replacingCharacters(in: $0, with: ": ") } ?? message)
        }
        var seen: [String: Suppression] = [:]
        for path in files {
            let parsed: (entries: [Suppression], warnings: [String])
            do {
                parsed = try parseFileChecked(path)
            } catch let e as SuppressionFileError {
                error(e.description)
                continue
            } catch let e {
                error("\(path): \(e)")
                continue
            }
            result.entryCount += parsed.entries.count
            // Reading warnings carry their own line (the Tool:Kind line): they come first, in file order.
            parsed.warnings.forEach(warn)
            for s in parsed.entries {
                let key = "\(s.format.rawValue)\u{0}\(s.name)"
                var found = warnings(for: s)
                if let earlier = seen[key] {
                    let what = s.format == .valgrind ? "suppression name" : "entry"
                    found.insert(
                        "\(s.source): warning: duplicate \(what) '\(s.name)' (first at \(earlier.source))", at: 0)
                } else {
                    seen[key] = s
                }
                found.forEach(warn)
            }
        }
        return result
    }

    /// Entries that parse but almost certainly do not do what their author meant.
    static func warnings(for s: Suppression) -> [String] {
        var out: [String] = []
        switch s.format {
        case .lsan:
            // Any kind: `race:*` hides every race as `leak:*` every leak.
            do {
                let p = s.pattern
                if p.isEmpty || p.allSatisfy({ $0 == "*" || $0 == "^" || $0 == "$" }) {
                    out.append("\(s.source): warning: '\(s.name)' matches every \(s.kind == "leak" ? "leak" : "\(s.kind) report")")
                } else if p.first == " " {
                    out.append(
                        "\(s.source): warning: '\(s.name)': the pattern starts with a space, which LSan matches literally"
                    )
                }
            }
        case .valgrind:
            if s.frames.allSatisfy(matchesEveryFrame) {
                out.append(
                    "\(s.source): warning: '\(s.name)' matches every stack (its frame lines are only '...' and '*'): it hides every \(s.tools.joined(separator: ",")):\(s.kind) error, the crate's own included"
                )
            } else if let first = s.frames.first, first == .ellipsis,
                s.frames.dropFirst().allSatisfy({ isUnanchoredWildcard($0) })
            {
                out.append(
                    "\(s.source): warning: '\(s.name)' starts with '...' followed only by wildcard patterns: it can match any stack that passes through such a frame, including test bodies"
                )
            }
        }
        return out
    }

    /// `...`, `fun:*`, `obj:*` (or `**`…): a line every frame satisfies. An
    /// unnamed frame is `???` to both, so even those match.
    static func matchesEveryFrame(_ p: FramePattern) -> Bool {
        switch p {
        case .ellipsis: return true
        case .fun(let s), .obj(let s): return !s.isEmpty && s.allSatisfy { $0 == "*" }
        case .src: return false
        }
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
    /// trim), numbered from 1. `\n`, `\r\n` and a lone `\r` all end a line; a
    /// UTF-8 byte-order mark at the start is skipped. A line that is not UTF-8, or
    /// that keeps a control byte (NUL, ESC, …) once trimmed, is an error: valgrind
    /// would read a NUL as the end of the line and match the rest as written.
    static func splitLines(_ bytes: [UInt8], file: String) throws -> [Line] {
        var result: [Line] = []
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var n = 0
        var i = start
        func finish(_ end: Int) throws {
            n += 1
            let raw = bytes[start..<end]
            guard let text = decodeUTF8(raw) else {
                throw SuppressionFileError(file: file, line: n, "not valid UTF-8")
            }
            let trimmed = trim(text[...])
            if let c = trimmed.unicodeScalars.first(where: isControl) {
                throw SuppressionFileError(
                    file: file, line: n,
                    "control character \(controlName(c)) in the line: a suppression file is plain text")
            }
            result.append(Line(number: n, text: trimmed))
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                try finish(i)
                i += (b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) ? 2 : 1
                start = i
            } else {
                i += 1
            }
        }
        try finish(bytes.count)
        return result
    }

    /// The bytes as a String, or nil when they are not valid UTF-8.
    static func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let v): scalars.append(v)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    /// C0 controls and DEL, except the tab (valid inside a line).
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F
    }

    static func controlName(_ c: Unicode.Scalar) -> String {
        let names: [UInt32: String] = [
            0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
        ]
        let hex = String(c.value, radix: 16, uppercase: true)
        let code = "0x" + (hex.count < 2 ? "0" + hex : hex)
        return names[c.value].map { "\(code) (\($0))" } ?? code
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
                let hint = Spelling.closest(to: kind, in: sanitizerKinds).map { ", did you mean \($0)?" } ?? ""
                throw SuppressionFileError(
                    file: file, line: line.number,
                    "unknown suppression kind '\(kind)'\(hint) (expected leak, interceptor_name, interceptor_via_fun, interceptor_via_lib, odr_violation, called_from_lib, race, … )"
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

    /// valgrind's limit on an entry's frame lines (`VG_DEEPEST_BACKTRACE`): with
    /// `--num-callers=500` it stops on the 501st ("too many callers in stack trace").
    static let maxFrameLines = 500

    static func parseValgrind(_ lines: [Line], file: String, warnings: inout [String]) throws -> [Suppression] {
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
                    throw fail(
                        open.number,
                        "unterminated entry: '{' has no matching '}' before the next '{' at line \(l.number)")
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
                // valgrind stops on this line ("unknown tool suppression type"): an error, not a warning.
                let hint =
                    Spelling.closest(to: kind, in: memcheckKinds.sorted()).map { ", did you mean Memcheck:\($0)?" }
                    ?? ""
                throw fail(
                    toolLine.number,
                    "unknown Memcheck suppression kind '\(kind)'\(hint) (expected Leak, Addr1/2/4/8/16/32, Value1/2/4/8/16/32, Cond, Free, Param, Overlap, Jump, User, CoreMem, FishyValue, ReallocZero)"
                )
            }
            if tools.contains("core") {
                throw fail(
                    toolLine.number,
                    "'\(toolLine.text)': valgrind has no core suppression kinds and stops on this line")
            }
            warnings += toolWarnings(tools: tools, kind: kind, line: toolLine, file: file)

            var entry = Suppression(
                name: nameLine.text, format: .valgrind, file: file, line: open.number, tools: tools,
                kind: kind)

            // Kind-specific extra line. Only Memcheck's Param and FishyValue have
            // one (Helgrind and DRD read none), so every other body is frame lines.
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
                if entry.frames.count == maxFrameLines {
                    throw fail(
                        l.number,
                        "entry '\(entry.name)' has more than \(maxFrameLines) frame lines (valgrind's limit)")
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
        if trim(text[...]).isEmpty {
            // valgrind stops here ("bad or missing extra suppression info").
            throw SuppressionFileError(
                file: file, line: line,
                "empty match-leak-kinds: (expected definite, indirect, possible, reachable, all or none)")
        }
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

    /// valgrind 3.19's tools that read suppressions (their `details_name`), with
    /// their kinds (hg_errors.c, drd_error.c; Memcheck's are `memcheckKinds`).
    static let otherToolKinds: [String: [String]] = [
        "Helgrind": [
            "Race", "FreeMemLock", "UnlockUnlocked", "UnlockForeign", "UnlockBogus", "PthAPIerror",
            "LockOrder", "Misc",
        ],
        "drd": [
            "ConflictingAccess", "MutexErr", "CondErr", "CondDestrErr", "CondRaceErr", "CondWaitErr",
            "SemaphoreErr", "BarrierErr", "RwlockErr", "HoldtimeErr", "GenericErr", "InvalidThreadId",
            "UnimpHgClReq", "UnimpDrdClReq",
        ],
    ]

    static let toolNames = ["Memcheck", "Helgrind", "drd"]

    /// A tool name no valgrind tool answers to (valgrind compares it exactly, so
    /// `memcheck:Leak` is read by nobody and hides nothing), or another tool's
    /// unknown kind (that tool would stop on it; Memcheck skips it).
    static func toolWarnings(tools: [String], kind: String, line: Line, file: String) -> [String] {
        var out: [String] = []
        for tool in tools where tool != "Memcheck" {
            if let kinds = otherToolKinds[tool] {
                guard !kinds.contains(kind) else { continue }
                let hint = Spelling.closest(to: kind, in: kinds).map { " (did you mean \(tool):\($0)?)" } ?? ""
                out.append(
                    "\(file):\(line.number): warning: unknown \(tool) suppression kind '\(kind)' in '\(line.text)': \(tool) would stop on this line\(hint)"
                )
                continue
            }
            let suggestion = Spelling.closest(to: tool, in: toolNames).map { known -> String in
                let kinds = known == "Memcheck" ? memcheckKinds.sorted() : otherToolKinds[known] ?? []
                let k = kinds.contains(kind) ? kind : Spelling.closest(to: kind, in: kinds) ?? kind
                return "did you mean \(known):\(k)?"
            }
            out.append(
                "\(file):\(line.number): warning: unknown tool '\(tool)' in '\(line.text)': no valgrind tool reads this entry, so it hides nothing (\(suggestion ?? "the tools are Memcheck, Helgrind and drd"))"
            )
        }
        return out
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
