/// The two pattern languages, ported from the checkers' own sources so that our
/// matcher agrees with them on every input, quirks included.
enum Wildcard {
    /// valgrind's `VG_(string_match)` (m_libcbase.c): the whole string must match;
    /// `*` is any run of characters, `?` one character, `\\` escapes the next one.
    static func valgrind(_ pattern: String, _ string: String) -> Bool {
        var work = 0
        return valgrind(pattern, string, work: &work)
    }

    /// Same, adding the characters compared to `work` (the matcher's budget).
    static func valgrind(_ pattern: String, _ string: String, work: inout Int) -> Bool {
        var p = pattern
        var s = string
        return p.withUTF8 { pp in s.withUTF8 { sp in glob(pp, sp, work: &work) } }
    }

    /// Iterative glob with one backtrack point (the last `*`): the same answers
    /// as valgrind's recursive matcher, in O(pattern × string) at worst.
    static func glob(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var work = 0
        return glob(p, s, work: &work)
    }

    static func glob(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>, work: inout Int) -> Bool {
        var iterations = 0
        defer { work &+= iterations }
        let star = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        let backslash = UInt8(ascii: "\\")
        var pi = 0
        var si = 0
        var starP = -1  // pattern index just after the last `*`
        var starS = 0  // string index that `*` currently extends to
        while si < s.count {
            iterations &+= 1
            if pi < p.count {
                let c = p[pi]
                if c == star {
                    pi += 1
                    starP = pi
                    starS = si
                    continue
                }
                if c == question {
                    pi += 1
                    si += 1
                    continue
                }
                if c == backslash {
                    if pi + 1 < p.count, p[pi + 1] == s[si] {
                        pi += 2
                        si += 1
                        continue
                    }
                    if pi + 1 >= p.count { return false }  // a trailing backslash never matches
                } else if c == s[si] {
                    pi += 1
                    si += 1
                    continue
                }
            }
            // Mismatch: let the last `*` swallow one more character, or fail.
            guard starP >= 0 else { return false }
            starS += 1
            si = starS
            pi = starP
        }
        while pi < p.count, p[pi] == star { pi += 1 }
        return pi == p.count
    }

    /// Whether a valgrind pattern has an unescaped `*` or `?`.
    static func hasWildcard(_ pattern: String) -> Bool {
        var escaped = false
        for c in pattern.utf8 {
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "*") || c == UInt8(ascii: "?") {
                return true
            }
        }
        return false
    }

    /// The pattern without the wildcards that stand for build-specific parts of
    /// a Rust symbol (what `SuppressionGenerator.widen` writes): a trailing
    /// legacy hash `17h*E` (mangled) or `::h*` (demangled), and v0 crate
    /// disambiguators `Cs*_` before an identifier's length.
    static func withoutBuildVaryingParts(_ pattern: String) -> String {
        var p = pattern
        if p.hasPrefix("_ZN"), p.hasSuffix("17h*E") {
            p.removeLast(5)
            return p
        }
        if p.hasSuffix("::h*") {
            p.removeLast(4)
            return p
        }
        if p.hasPrefix("_R") {
            var out = ""
            var rest = Substring(p)
            while let r = rest.range(of: "Cs*_") {
                out += rest[..<r.lowerBound]
                let after = rest[r.upperBound...]
                // Only before an identifier length: `Cs*_7moq_ffi`.
                if let d = after.first, d.isASCII, d.isNumber {
                    out += "Cs_"
                } else {
                    out += rest[r]
                }
                rest = after
            }
            return out + rest
        }
        return p
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
