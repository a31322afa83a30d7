/// Which checker's suppression syntax an entry was written in.
public enum SuppressionFormat: String, Sendable, Codable {
    /// valgrind's `{ name / Tool:Kind / frames }` blocks.
    case valgrind
    /// The sanitizers' `kind:pattern` lines (LSan `leak:`, ASan `interceptor_via_fun:`, …).
    case lsan
}

/// One line of a valgrind entry's call-stack part.
public enum FramePattern: Sendable, Hashable, CustomStringConvertible {
    /// `fun:PATTERN`, matched against the frame's mangled name (or demangled, see the matcher).
    case fun(String)
    /// `obj:PATTERN`, matched against the object path.
    case obj(String)
    /// `src:FILE` or `src:FILE:LINE`, matched against the source file's base name.
    case src(file: String, line: Int?)
    /// `...`: zero or more frames.
    case ellipsis

    public var description: String {
        switch self {
        case .fun(let p): return "fun:\(p)"
        case .obj(let p): return "obj:\(p)"
        case .src(let f, let l): return "src:\(f)\(l.map { ":\($0)" } ?? "")"
        case .ellipsis: return "..."
        }
    }
}

extension FramePattern {
    /// A line that names one function (or one source line) rather than a family
    /// of them: `fun:` without wildcards, or whose only wildcards stand for what
    /// differs between builds of the same code (a legacy hash `17h*E` or `::h*`,
    /// v0 crate disambiguators `Cs*_`), and `src:FILE:LINE`. `...`, `obj:` (a
    /// whole object) and file-wide `src:FILE` are not explicit.
    public var isExplicit: Bool {
        switch self {
        case .fun(let pattern):
            // `fun:::h*` leaves nothing once the hash is taken away: it names no function.
            let named = Wildcard.withoutBuildVaryingParts(pattern)
            return !named.isEmpty && !Wildcard.hasWildcard(named)
        case .src(let file, let line):
            return line != nil && !Wildcard.hasWildcard(file)
        case .obj, .ellipsis:
            return false
        }
    }
}

/// One suppression entry from a valgrind or sanitizer suppression file.
public struct Suppression: Sendable, Hashable {
    /// valgrind: the entry's name line. Sanitizers: the line's text (`leak:foo`).
    public var name: String
    public var format: SuppressionFormat
    /// File the entry was read from and the line it starts on.
    public var file: String
    public var line: Int

    // valgrind
    /// Tools named before the colon (`Memcheck`, or `Memcheck,Helgrind`).
    public var tools: [String]
    /// valgrind: the suppression kind after the colon (`Leak`, `Addr4`, `Cond`, `Param`, …).
    /// Sanitizers: the kind before the colon (`leak`, `interceptor_via_fun`, …).
    public var kind: String
    /// `match-leak-kinds:` as finding kinds; nil when the line is absent (every leak kind).
    public var matchLeakKinds: Set<FindingKind>?
    /// The extra line some kinds carry: `Param`'s syscall parameter (`write(buf)`),
    /// `FishyValue`'s `function(argument)`.
    public var extra: String?
    /// valgrind call-stack lines, innermost first.
    public var frames: [FramePattern]

    // sanitizers
    /// The text after `kind:` (wildcards `*`, anchors `^` and `$`).
    public var pattern: String

    public init(
        name: String, format: SuppressionFormat, file: String, line: Int, tools: [String] = [],
        kind: String, matchLeakKinds: Set<FindingKind>? = nil, extra: String? = nil,
        frames: [FramePattern] = [], pattern: String = ""
    ) {
        self.name = name
        self.format = format
        self.file = file
        self.line = line
        self.tools = tools
        self.kind = kind
        self.matchLeakKinds = matchLeakKinds
        self.extra = extra
        self.frames = frames
        self.pattern = pattern
    }

    /// Whether the entry's line `index` (a valgrind frame line; for sanitizer
    /// entries, 0 is the pattern) names a function explicitly. Sanitizer patterns
    /// are substring matches unless anchored, so only `^name$` (or `^name::h*`,
    /// the hash a generated entry leaves open) is explicit.
    public func lineIsExplicit(_ index: Int) -> Bool {
        switch format {
        case .valgrind:
            return frames.indices.contains(index) && frames[index].isExplicit
        case .lsan:
            guard index == 0, pattern.hasPrefix("^") else { return false }
            var body = pattern.dropFirst()
            if body.hasSuffix("$") {
                body = body.dropLast()
            } else if body.hasSuffix("::h*") {
                body = body.dropLast(4)
            } else {
                return false
            }
            return !body.isEmpty && !body.contains(where: { $0 == "*" || $0 == "$" || $0 == "^" })
        }
    }

    /// First tool named (`Memcheck`), empty for sanitizer entries.
    public var tool: String { tools.first ?? "" }

    /// `file:line` where the entry starts, as reports print it.
    public var source: String { "\(file):\(line)" }
}

/// A suppression file that cannot be used, with the place and the reason.
public struct SuppressionFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// Line the problem is on; nil when the file itself is the problem (unreadable).
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the shape compilers use so editors can jump to it.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
