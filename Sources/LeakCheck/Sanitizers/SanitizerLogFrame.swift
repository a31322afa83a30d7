/// Parsing of one sanitizer stack-frame line (`#3 0x4c2a in foo /src/x.c:12:3`),
/// in every shape gcc's libasan, compiler-rt and ClusterFuzz's symbolizer print:
///
///     #0 0x7f4 in malloc /llvm/compiler-rt/lib/asan/asan_malloc_linux.cpp:67:3
///     #1 0x55d in make_node /src/leak.c:10                      (gcc: no column)
///     #5 0x55f in main (/tmp/bin+0xfedbd) (BuildId: 46c1a2f8…)  (module, BuildId)
///     #2 0x400 (/home/x/a.out+0x400858)                        (unsymbolized)
///     #20 0x7fe  (<unknown module>)
///     #0 0x13d in __asan_memset+0xe4 (C:\b\chrome.exe+0x6ae084)  (Windows)
///     #0 0x7f3 in __interceptor_malloc ??:?
///     #18 0x7fe in Builtin_impl /v8/builtins.cc:1115 (discriminator 1)
///     #0 0x4d5 in malloc _asan_rtl_                             (ClusterFuzz runtime marker)
enum SanitizerLogFrame {
    /// Parses the text after the frame number (`0x4c2a in foo /src/x.c:12:3`).
    /// Returns nil when the text does not start with an address.
    static func parse(afterNumber text: Substring) -> Frame? {
        var rest = text.drop(while: { $0 == " " || $0 == "\t" })
        guard rest.hasPrefix("0x") else { return nil }
        let addressEnd = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
        var frame = Frame(address: String(rest[..<addressEnd]))
        rest = trimmed(rest[addressEnd...])
        rest = stripTrailingGroup(rest, prefix: "(BuildId:")
        rest = stripTrailingGroup(rest, prefix: "(discriminator ")

        var body: Substring
        if rest.hasPrefix("in ") {
            body = trimmed(rest.dropFirst(3))
        } else {
            body = rest
        }
        // Trailing `(module+0xoffset)` or `(<unknown module>)`.
        if body.hasSuffix(")"), let open = matchingOpenParen(body) {
            let inner = body[body.index(after: open)..<body.index(before: body.endIndex)]
            if inner == "<unknown module>" {
                body = trimmed(body[..<open])
            } else if let plus = inner.lastRange(of: "+0x"),
                isHex(inner[plus.upperBound...])
            {
                frame.object = String(inner[..<plus.lowerBound])
                body = trimmed(body[..<open])
            }
        }
        guard !body.isEmpty, rest.hasPrefix("in ") else { return frame }

        // The source location, when present, is the last space-separated token.
        var function = body
        if let space = body.lastIndex(of: " ") {
            let token = body[body.index(after: space)...]
            if token == "_asan_rtl_" {
                // ClusterFuzz prints this marker for frames inside the ASan runtime.
                function = trimmed(body[..<space])
            } else if let (file, line) = location(token) {
                frame.file = file
                frame.line = line
                function = trimmed(body[..<space])
            }
        }
        function = stripOffset(function)
        if !function.isEmpty && function != "??" {
            let cleaned = SanitizerLogFrame.cleanRustName(String(function))
            frame.function = cleaned.function
            frame.mangled = cleaned.mangled
        }
        return frame
    }

    /// Demangles a still-mangled Rust symbol and strips the legacy `::h<16 hex>`
    /// hash of a demangled one. `mangled` is the raw text when it differed.
    static func cleanRustName(_ name: String) -> (function: String, mangled: String?) {
        if name.hasPrefix("_ZN") || name.hasPrefix("_R") || name.hasPrefix("__ZN")
            || name.hasPrefix("__R")
        {
            if let demangled = RustDemangler.demangle(name) {
                return (demangled, name)
            }
            return (name, nil)
        }
        let stripped = RustDemangler.stripLegacyHash(name)
        return stripped == name ? (name, nil) : (stripped, name)
    }

    /// `path:line`, `path:line:col`, `??:?`, `??:0` or a bare path (with a
    /// directory separator). Nil when the token does not look like a location.
    static func location(_ token: Substring) -> (String?, Int?)? {
        if token.hasPrefix("??") { return (nil, nil) }
        // Split up to two trailing `:digits` groups.
        var path = token
        var numbers: [Int] = []
        for _ in 0..<2 {
            guard let colon = path.lastIndex(of: ":") else { break }
            let digits = path[path.index(after: colon)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let n = Int(digits)
            else { break }
            numbers.insert(n, at: 0)
            path = path[..<colon]
        }
        if path.isEmpty || path.hasSuffix(":") { return nil }
        if !numbers.isEmpty {
            // A Rust/C++ name never ends in `name:12`; a path always has a dot or slash.
            guard path.contains(where: { $0 == "/" || $0 == "\\" || $0 == "." }) else {
                return nil
            }
            return (String(path), numbers[0])
        }
        if (token.contains("/") || token.contains("\\")) && !token.contains("<")
            && !token.contains("(")
        {
            return (String(token), nil)
        }
        return nil
    }

    static func trimmed(_ s: Substring) -> Substring {
        var s = s
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }

    /// Removes a trailing ` (prefix…)` group.
    static func stripTrailingGroup(_ s: Substring, prefix: String) -> Substring {
        guard s.hasSuffix(")"), let r = s.lastRange(of: " " + prefix),
            !s[r.upperBound...].dropLast().contains(")")
        else { return s }
        return trimmed(s[..<r.lowerBound])
    }

    /// `__asan_memset+0xe4` → `__asan_memset`.
    static func stripOffset(_ s: Substring) -> Substring {
        guard let r = s.lastRange(of: "+0x"), isHex(s[r.upperBound...]) else {
            return s
        }
        return s[..<r.lowerBound]
    }

    static func isHex(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    }

    /// Index of the `(` matching the final `)`.
    static func matchingOpenParen(_ s: Substring) -> Substring.Index? {
        var depth = 0
        var i = s.endIndex
        while i > s.startIndex {
            i = s.index(before: i)
            switch s[i] {
            case ")": depth += 1
            case "(":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
        }
        return nil
    }
}

extension Substring {
    /// Last occurrence of `needle` (no Foundation needed).
    func lastRange(of needle: String) -> Range<Index>? {
        let n = needle.utf8.count
        guard n > 0, utf8.count >= n else { return nil }
        var i = utf8.index(utf8.endIndex, offsetBy: -n)
        while true {
            if utf8[i...].starts(with: needle.utf8) {
                let end = utf8.index(i, offsetBy: n)
                return i..<end
            }
            if i == utf8.startIndex { return nil }
            i = utf8.index(before: i)
        }
    }
}
