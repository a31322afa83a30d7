/// "did you mean …?" for a mistyped flag or command.
public enum Suggestions {
    /// The closest candidate within a small edit distance, or nil. The allowed
    /// distance grows with the word (1 for short words, at most 3) so that an
    /// unrelated word such as `--bogus` gets no suggestion; a unique candidate
    /// that starts with the word (`--manifest` for `--manifest-path`) is offered too.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let bare = word.drop { $0 == "-" }
        // One letter (`-x`) is too little to guess from.
        guard bare.count >= 2 else { return nil }
        let limit = min(3, max(1, bare.count / 3))
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if d <= limit, best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        if let best { return best.0 }
        if bare.count >= 3 {
            let prefixed = candidates.filter { $0.hasPrefix(word) }
            if prefixed.count == 1 { return prefixed[0] }
        }
        return nil
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and
    /// adjacent transpositions (`--jbos`) each cost 1.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
