import Foundation

/// The declarations of a C header that the FFI boundary needs: function prototypes and
/// struct definitions. Not a C compiler: it reads the shapes FFI headers use (export
/// macros, `extern "C"` guards, typedef'd structs, multi-line prototypes, function
/// pointer typedefs and parameters) and skips anything else.
public struct CHeader: Sendable, Hashable {
    public struct Parameter: Sendable, Hashable {
        /// Normalised type: single spaces, `*` separated from the base type (`const char *`).
        public var type: String
        public var name: String?
        public init(type: String, name: String? = nil) {
            self.type = type
            self.name = name
        }
    }

    public struct Prototype: Sendable, Hashable {
        public var name: String
        /// Normalised return type without export macros or storage classes (`MoqClient *`).
        public var returnType: String
        /// Empty for `(void)` and `()`.
        public var parameters: [Parameter]
        /// 1-based line of the function name.
        public var line: Int
        public init(name: String, returnType: String, parameters: [Parameter], line: Int) {
            self.name = name
            self.returnType = returnType
            self.parameters = parameters
            self.line = line
        }
    }

    public struct StructDefinition: Sendable, Hashable {
        /// Every name it can be referred to by: the tag and/or the typedef name.
        public var names: [String]
        public var fields: [Parameter]
        public var line: Int
        public init(names: [String], fields: [Parameter], line: Int) {
            self.names = names
            self.fields = fields
            self.line = line
        }
    }

    public var path: String?
    public var prototypes: [Prototype]
    public var structs: [StructDefinition]

    public init(path: String? = nil, prototypes: [Prototype] = [], structs: [StructDefinition] = []) {
        self.path = path
        self.prototypes = prototypes
        self.structs = structs
    }

    public func prototype(named name: String) -> Prototype? { prototypes.first { $0.name == name } }

    /// The struct a type names (`MoqResult`, `struct MoqResult`, `const MoqResult`), when defined here.
    public func structDefinition(forType type: String) -> StructDefinition? {
        let base = type.split(separator: " ").filter { !["const", "volatile", "struct"].contains($0) }
        guard base.count == 1 else { return nil }
        return structs.first { $0.names.contains(String(base[0])) }
    }

    /// Reads a header file; a missing or unreadable file is a one-line `ParseError`.
    public static func parse(fileAt path: String) throws -> CHeader {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(file: path, "cannot read the C header \(path)")
        }
        var header = parse(text: String(decoding: data, as: UTF8.self))
        header.path = path
        return header
    }

    public static func parse(text: String) -> CHeader {
        var parser = CHeaderParser(tokens: CHeaderLexer.tokens(of: text))
        return parser.parse()
    }

    /// `char *` with any qualifiers (`const char *`, `char *restrict`): a C string.
    public static func isCharPointer(_ type: String) -> Bool {
        type.split(separator: " ").filter { !["const", "volatile", "restrict", "signed", "unsigned"].contains($0) }
            == ["char", "*"]
    }
}

// MARK: - Lexing

struct CHeaderToken: Hashable {
    enum Kind: Hashable { case identifier, punctuation, literal }
    var kind: Kind
    var text: String
    var line: Int
}

/// Comments and preprocessor lines removed, the rest split into identifiers, punctuation
/// and literals, each with its line. Object-like macro names (`#define MOQ_API …`) are
/// remembered so they can be dropped from declarations.
enum CHeaderLexer {
    static func tokens(of text: String) -> (tokens: [CHeaderToken], macros: Set<String>) {
        let b = Array(text.utf8)
        var out: [CHeaderToken] = []
        var macros: Set<String> = []
        var i = 0
        var line = 1
        var atLineStart = true
        func isIdent(_ c: UInt8) -> Bool {
            c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
        }
        while i < b.count {
            let c = b[i]
            if c == 10 {
                line += 1
                i += 1
                atLineStart = true
                continue
            }
            if c == 32 || c == 9 || c == 13 || c == 12 || c == 11 {
                i += 1
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") {
                while i < b.count, b[i] != 10 { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i < b.count, !(b[i] == UInt8(ascii: "*") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/")) {
                    if b[i] == 10 { line += 1 }
                    i += 1
                }
                i += 2
                continue
            }
            if c == UInt8(ascii: "#"), atLineStart {
                // A directive, with backslash continuations; keep `#define NAME` names.
                let start = i
                while i < b.count {
                    if b[i] == 10 {
                        if i > start, b[i - 1] == UInt8(ascii: "\\") {
                            line += 1
                            i += 1
                            continue
                        }
                        break
                    }
                    i += 1
                }
                let directive = String(decoding: b[start..<i], as: UTF8.self)
                let words = directive.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" })
                if words.first == "define", words.count >= 2 {
                    let name = words[1].prefix { $0 != "(" }
                    // Only object-like macros stand in for words of a declaration.
                    if !words[1].contains("(") { macros.insert(String(name)) }
                }
                continue
            }
            atLineStart = false
            if isIdent(c) {
                let start = i
                while i < b.count, isIdent(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                let isNumber = c >= 48 && c <= 57
                out.append(CHeaderToken(kind: isNumber ? .literal : .identifier, text: word, line: line))
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                let start = i
                i += 1
                while i < b.count, b[i] != c, b[i] != 10 {
                    if b[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                i = min(i + 1, b.count)
                out.append(
                    CHeaderToken(kind: .literal, text: String(decoding: b[start..<i], as: UTF8.self), line: line))
                continue
            }
            if c == UInt8(ascii: "."), i + 2 < b.count, b[i + 1] == c, b[i + 2] == c {
                out.append(CHeaderToken(kind: .punctuation, text: "...", line: line))
                i += 3
                continue
            }
            out.append(CHeaderToken(kind: .punctuation, text: String(UnicodeScalar(c)), line: line))
            i += 1
        }
        return (out, macros)
    }
}

// MARK: - Parsing

struct CHeaderParser {
    var tokens: [CHeaderToken]
    var macros: Set<String>
    var prototypes: [CHeader.Prototype] = []
    var structs: [CHeader.StructDefinition] = []

    init(tokens: (tokens: [CHeaderToken], macros: Set<String>)) {
        self.macros = tokens.macros
        // Attributes and export decorations carry no type information: drop them
        // (`__attribute__((visibility("default")))`, `__declspec(dllimport)`).
        var kept: [CHeaderToken] = []
        var i = 0
        let t = tokens.tokens
        while i < t.count {
            if ["__attribute__", "__declspec", "__asm__", "asm", "__asm"].contains(t[i].text), i + 1 < t.count,
                t[i + 1].text == "("
            {
                i = Self.matching(t, from: i + 1, open: "(", close: ")") + 1
                continue
            }
            kept.append(t[i])
            i += 1
        }
        self.tokens = kept
    }

    /// Index of the bracket closing the one at `from` (or the last index).
    static func matching(_ t: [CHeaderToken], from: Int, open: String, close: String) -> Int {
        var depth = 0
        var i = from
        while i < t.count {
            if t[i].text == open { depth += 1 }
            if t[i].text == close {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return t.count - 1
    }

    mutating func parse() -> CHeader {
        var i = 0
        var declaration: [CHeaderToken] = []
        while i < tokens.count {
            let tok = tokens[i]
            // `extern "C" {` opens no scope for our purposes; its `}` is dropped below.
            if tok.text == "extern", i + 1 < tokens.count, tokens[i + 1].kind == .literal,
                tokens[i + 1].text.hasPrefix("\"")
            {
                if i + 2 < tokens.count, tokens[i + 2].text == "{" {
                    i += 3
                } else {
                    i += 2
                }
                continue
            }
            if tok.text == "}", declaration.isEmpty {
                i += 1
                continue
            }
            if tok.text == "{" {
                // A body inside a declaration: struct/union/enum fields or an inline function.
                let end = Self.matching(tokens, from: i, open: "{", close: "}")
                let body = Array(tokens[(i + 1)..<max(i + 1, end)])
                let isFunctionBody = declaration.last?.text == ")"
                if isFunctionBody {
                    finish(declaration, body: nil, isDefinition: true)
                    declaration = []
                    i = end + 1
                    continue
                }
                declaration.append(CHeaderToken(kind: .punctuation, text: "{}", line: tok.line))
                pendingBodies.append(body)
                i = end + 1
                continue
            }
            if tok.text == ";" {
                finish(declaration, body: pendingBodies.first, isDefinition: false)
                declaration = []
                pendingBodies = []
                i += 1
                continue
            }
            declaration.append(tok)
            i += 1
        }
        return CHeader(prototypes: prototypes, structs: structs)
    }

    var pendingBodies: [[CHeaderToken]] = []

    mutating func finish(_ declaration: [CHeaderToken], body: [CHeaderToken]?, isDefinition: Bool) {
        var decl = declaration.filter { !macros.contains($0.text) && !Self.looksLikeExportMacro($0) }
        guard !decl.isEmpty else { return }
        let isTypedef = decl.first?.text == "typedef"
        if isTypedef { decl.removeFirst() }

        // struct definitions: `struct T {…}` / `typedef struct [T] {…} U`.
        if let braces = decl.firstIndex(where: { $0.text == "{}" }), let body {
            guard braces >= 1 else { return }
            let keywordIndex = decl[..<braces].lastIndex { ["struct", "union", "enum"].contains($0.text) }
            guard let keywordIndex, decl[keywordIndex].text == "struct" else { return }
            var names: [String] = []
            if braces == keywordIndex + 2, decl[keywordIndex + 1].kind == .identifier {
                names.append(decl[keywordIndex + 1].text)
            }
            if isTypedef, let alias = decl[(braces + 1)...].last(where: { $0.kind == .identifier }),
                !names.contains(alias.text)
            {
                names.append(alias.text)
            }
            guard !names.isEmpty else { return }
            structs.append(
                CHeader.StructDefinition(
                    names: names, fields: Self.fields(body, macros: macros), line: decl[keywordIndex].line))
            return
        }
        if isTypedef { return }  // function pointer and other type aliases declare no function

        // A prototype: `<type> name ( params )`, the name not parenthesised.
        guard let open = decl.firstIndex(where: { $0.text == "(" }), open >= 1,
            decl[open - 1].kind == .identifier, decl.last?.text == ")"
        else { return }
        let close = Self.matching(decl, from: open, open: "(", close: ")")
        guard close == decl.count - 1 else { return }
        let storage: Set<String> = ["extern", "static", "inline", "__inline", "__inline__"]
        if decl.contains(where: { $0.text == "static" }) { return }  // not exported
        let returnTokens = decl[..<(open - 1)].filter { !storage.contains($0.text) }
        guard !returnTokens.isEmpty else { return }
        let params = Self.splitTopLevel(Array(decl[(open + 1)..<close]), at: ",")
        var parameters = params.compactMap { Self.parameter($0) }
        if parameters.count == 1, parameters[0].type == "void", parameters[0].name == nil { parameters = [] }
        prototypes.append(
            CHeader.Prototype(
                name: decl[open - 1].text, returnType: Self.normalise(Array(returnTokens)), parameters: parameters,
                line: decl[open - 1].line))
    }

    /// An export macro whose `#define` lives in another header (`FOO_API`, `BAR_EXPORT`):
    /// all capitals and named for what it does, so it cannot be a type like `FILE`.
    static func looksLikeExportMacro(_ token: CHeaderToken) -> Bool {
        guard token.kind == .identifier, token.text.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) else {
            return false
        }
        return ["API", "EXPORT", "DECL", "EXTERN", "PUBLIC"].contains { token.text.hasSuffix($0) }
    }

    static func fields(_ body: [CHeaderToken], macros: Set<String>) -> [CHeader.Parameter] {
        var out: [CHeader.Parameter] = []
        for member in splitTopLevel(body, at: ";") {
            let tokens = member.filter { !macros.contains($0.text) }
            // `int a, *b;`: the declarators share the specifiers before the first one.
            let declarators = splitTopLevel(tokens, at: ",")
            guard let first = declarators.first, let head = parameter(first) else { continue }
            out.append(head)
            let specifiers = head.type.split(separator: " ").filter { $0 != "*" }.map(String.init)
            for more in declarators.dropFirst() {
                let stars = more.filter { $0.text == "*" }.count
                guard let name = more.last(where: { $0.kind == .identifier }) else { continue }
                let type = normaliseWords(specifiers + Array(repeating: "*", count: stars))
                out.append(CHeader.Parameter(type: type, name: name.text))
            }
        }
        return out
    }

    /// Splits at a separator outside (), [] and {} nesting.
    static func splitTopLevel(_ t: [CHeaderToken], at separator: String) -> [[CHeaderToken]] {
        var parts: [[CHeaderToken]] = []
        var current: [CHeaderToken] = []
        var depth = 0
        for tok in t {
            if ["(", "[", "{"].contains(tok.text) { depth += 1 }
            if [")", "]", "}"].contains(tok.text) { depth -= 1 }
            if tok.text == separator, depth == 0 {
                parts.append(current)
                current = []
            } else {
                current.append(tok)
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts.filter { !$0.isEmpty }
    }

    static let typeWords: Set<String> = [
        "void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "const", "volatile",
        "restrict", "_Bool", "bool", "struct", "union", "enum", "_Complex", "__restrict",
    ]
    static let qualifierWords: Set<String> = [
        "const", "volatile", "restrict", "__restrict", "struct", "union", "enum", "signed", "unsigned",
    ]

    /// One parameter or field: its type and (when given) its name. Function pointers
    /// (`void (*cb)(int)`) keep their whole text as the type and `cb` as the name.
    static func parameter(_ tokens: [CHeaderToken]) -> CHeader.Parameter? {
        guard !tokens.isEmpty else { return nil }
        if tokens.count == 1, tokens[0].text == "..." { return CHeader.Parameter(type: "...") }
        if let open = tokens.firstIndex(where: { $0.text == "(" }), open + 1 < tokens.count,
            tokens[open + 1].text == "*"
        {
            let close = matching(tokens, from: open, open: "(", close: ")")
            let name = tokens[open..<close].last { $0.kind == .identifier }
            var typeTokens = tokens.map(\.text)
            if let name, let at = tokens.lastIndex(where: { $0 == name }) { typeTokens.remove(at: at) }
            return CHeader.Parameter(type: normaliseWords(typeTokens), name: name?.text)
        }
        var words = tokens.map(\.text)
        var arraySuffix = false
        if let bracket = words.firstIndex(of: "[") {
            words = Array(words[..<bracket])
            arraySuffix = true
        }
        var name: String?
        if let last = tokens[..<(arraySuffix ? tokens.firstIndex { $0.text == "[" }! : tokens.count)].last,
            last.kind == .identifier, !typeWords.contains(last.text)
        {
            let before = words.dropLast()
            // A lone identifier (`MoqClient`) or one after only qualifiers (`struct X`) is the type.
            if before.contains(where: { !qualifierWords.contains($0) }) {
                name = last.text
                words.removeLast()
            }
        }
        if arraySuffix { words.append("*") }
        return CHeader.Parameter(type: normaliseWords(words), name: name)
    }

    static func normalise(_ tokens: [CHeaderToken]) -> String { normaliseWords(tokens.map(\.text)) }

    /// Single spaces between words, `*` apart from the base type but `**` kept together.
    static func normaliseWords(_ words: [String]) -> String {
        var out = ""
        for (i, w) in words.enumerated() {
            if i > 0 && !(w == "*" && words[i - 1] == "*") { out += " " }
            out += w
        }
        return out
    }
}
