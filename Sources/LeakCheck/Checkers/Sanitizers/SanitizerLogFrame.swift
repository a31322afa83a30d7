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
        var rest = trimmed(text)
        guard rest.hasBytePrefix("0x") else { return nil }
        let addressEnd = rest.utf8.firstIndex(where: { $0 == 32 || $0 == 9 }) ?? rest.endIndex
        var frame = Frame(address: String(rest[..<addressEnd]))
        rest = trimmed(rest[addressEnd...])
        rest = stripTrailingGroup(rest, prefix: "(BuildId:")
        rest = stripTrailingGroup(rest, prefix: "(discriminator ")

        var body: Substring
        let symbolized = rest.hasBytePrefix("in ")
        if symbolized {
            body = trimmed(rest.dropFirst(3))
        } else {
            body = rest
        }
        // Trailing `(module+0xoffset)` or `(<unknown module>)`.
        if body.utf8.last == 41, let open = matchingOpenParen(body) {
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
        guard !body.isEmpty, symbolized else { return frame }

        // The source location, when present, is the last space-separated token.
        var function = body
        if let space = body.utf8.lastIndex(of: 32) {
            let token = body[body.utf8.index(after: space)...]
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
        guard stripped != name else { return (name, nil) }
        // gcc's libbacktrace leaves a legacy name's escapes in place:
        // `listen::_$u7b$$u7b$closure$u7d$$u7d$::h…` is `listen::{{closure}}`.
        guard stripped.contains("$") else { return (stripped, name) }
        let parts = stripped.components(separatedBy: "::").map { part in
            part.contains("$") ? RustDemangler.decodeLegacyIdent(ArraySlice(part.utf8)) ?? part : part
        }
        return (parts.joined(separator: "::"), name)
    }

    /// `path:line`, `path:line:col`, `??:?`, `??:0` or a bare path (with a
    /// directory separator). Nil when the token does not look like a location.
    static func location(_ token: Substring) -> (String?, Int?)? {
        if token.hasBytePrefix("??") { return (nil, nil) }
        // Split up to two trailing `:digits` groups.
        var path = token
        var numbers: [Int] = []
        for _ in 0..<2 {
            guard let colon = path.utf8.lastIndex(of: 58) else { break }
            let digits = path[path.utf8.index(after: colon)...]
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let n = Int(digits)
            else { break }
            numbers.insert(n, at: 0)
            path = path[..<colon]
        }
        if path.isEmpty || path.utf8.last == 58 { return nil }
        if !numbers.isEmpty {
            // A Rust/C++ name never ends in `name:12`; a path always has a dot or slash.
            guard path.utf8.contains(where: { $0 == 47 || $0 == 92 || $0 == 46 }) else {
                return nil
            }
            return (String(path), numbers[0])
        }
        let u = token.utf8
        if u.contains(where: { $0 == 47 || $0 == 92 }) && !u.contains(60) && !u.contains(40) {
            return (String(token), nil)
        }
        return nil
    }

    static func trimmed(_ s: Substring) -> Substring {
        let u = s.utf8
        var lo = u.startIndex
        var hi = u.endIndex
        while lo < hi, u[lo] == 32 || u[lo] == 9 || u[lo] == 13 { lo = u.index(after: lo) }
        while hi > lo {
            let p = u.index(before: hi)
            guard u[p] == 32 || u[p] == 9 || u[p] == 13 else { break }
            hi = p
        }
        return s[lo..<hi]
    }

    /// Removes a trailing ` (prefix…)` group.
    static func stripTrailingGroup(_ s: Substring, prefix: String) -> Substring {
        guard s.utf8.last == 41, let r = s.lastRange(of: " " + prefix),
            !s[r.upperBound...].utf8.dropLast().contains(41)
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
        let u = s.utf8
        var depth = 0
        var i = u.endIndex
        while i > u.startIndex {
            i = u.index(before: i)
            switch u[i] {
            case 41: depth += 1
            case 40:
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
        let n = needle.utf8
        guard let first = n.first, utf8.count >= n.count else { return nil }
        var end = utf8.endIndex
        // Jump between occurrences of the needle's first byte, from the end.
        while let i = utf8[utf8.startIndex..<end].lastIndex(of: first) {
            if utf8[i...].starts(with: n) {
                return i..<utf8.index(i, offsetBy: n.count)
            }
            end = i
        }
        return nil
    }
}

extension Substring {
    /// Byte-wise prefix test (no grapheme breaking).
    @inline(__always) func hasBytePrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Byte-wise suffix test.
    func hasByteSuffix(_ suffix: String) -> Bool {
        let n = suffix.utf8.count
        guard utf8.count >= n else { return false }
        return utf8[utf8.index(utf8.endIndex, offsetBy: -n)...].elementsEqual(suffix.utf8)
    }
}
