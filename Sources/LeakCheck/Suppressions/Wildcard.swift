/// The two pattern languages, ported from the checkers' own sources so that our
/// matcher agrees with them on every input, quirks included.
enum Wildcard {
    /// valgrind's `VG_(string_match)` (m_libcbase.c): the whole string must match;
    /// `*` is any run of characters, `?` one character, `\` escapes the next one.
    static func valgrind(_ pattern: String, _ string: String) -> Bool {
        let p = Array(pattern.utf8)
        let s = Array(string.utf8)
        return p.withUnsafeBufferPointer { pp in
            s.withUnsafeBufferPointer { sp in globMatch(pp, 0, sp, 0) }
        }
    }

    private static func globMatch(
        _ p: UnsafeBufferPointer<UInt8>, _ pi0: Int, _ s: UnsafeBufferPointer<UInt8>, _ si0: Int
    ) -> Bool {
        var pi = pi0
        var si = si0
        while true {
            guard pi < p.count else { return si == s.count }
            switch p[pi] {
            case UInt8(ascii: "*"):
                // Collapse runs of stars, then try every split (valgrind recurses the same way).
                while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
                if pi == p.count { return true }
                var k = si
                while k <= s.count {
                    if globMatch(p, pi, s, k) { return true }
                    k += 1
                }
                return false
            case UInt8(ascii: "?"):
                guard si < s.count else { return false }
                pi += 1
                si += 1
            case UInt8(ascii: "\\"):
                pi += 1
                guard pi < p.count else { return false }  // a trailing backslash never matches
                guard si < s.count, p[pi] == s[si] else { return false }
                pi += 1
                si += 1
            default:
                guard si < s.count, p[pi] == s[si] else { return false }
                pi += 1
                si += 1
            }
        }
    }

    /// The sanitizers' `TemplateMatch` (sanitizer_common/sanitizer_suppressions.cpp):
    /// substring match unless `^` anchors the start; `*` is any run; `$` anchors
    /// the end. Like the original, each literal piece takes its first occurrence
    /// (no backtracking), and an empty string never matches.
    static func sanitizer(_ template: String, _ string: String) -> Bool {
        let t = Array(template.utf8)
        let s = Array(string.utf8)
        if s.isEmpty { return false }
        var ti = 0
        var si = 0
        var start = false
        if t.first == UInt8(ascii: "^") {
            start = true
            ti = 1
        }
        var asterisk = false
        while ti < t.count {
            if t[ti] == UInt8(ascii: "*") {
                ti += 1
                start = false
                asterisk = true
                continue
            }
            if t[ti] == UInt8(ascii: "$") { return si == s.count || asterisk }
            if si == s.count { return false }
            // The literal piece runs to the next `*` or `$`.
            var end = ti
            while end < t.count, t[end] != UInt8(ascii: "*"), t[end] != UInt8(ascii: "$") { end += 1 }
            let piece = t[ti..<end]
            guard let found = firstIndex(of: piece, in: s, from: si) else { return false }
            if start && found != si { return false }
            si = found + piece.count
            ti = end
            start = false
            asterisk = false
        }
        return true
    }

    private static func firstIndex(of needle: ArraySlice<UInt8>, in hay: [UInt8], from: Int) -> Int? {
        let n = needle.count
        if n == 0 { return from }
        guard hay.count - from >= n else { return nil }
        let first = needle[needle.startIndex]
        var i = from
        while i + n <= hay.count {
            if hay[i] == first, hay[i..<(i + n)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
