/// "Did you mean …?" for misspelled tool names and suppression kinds.
enum Spelling {
    /// The candidate closest to `word`, when it is close enough to be a typo:
    /// equal ignoring case, or within 1 edit (words under 5 characters) or 2 edits
    /// (longer ones), a swap of neighbours counting as one. Ties go to the first
    /// candidate; nil when `word` is itself a candidate or nothing is close.
    static func closest(to word: String, in candidates: [String]) -> String? {
        guard !candidates.contains(word) else { return nil }
        let lowered = word.lowercased()
        if let same = candidates.first(where: { $0.lowercased() == lowered }) { return same }
        let limit = word.count < 5 ? 1 : 2
        var best: (String, Int)?
        for c in candidates {
            let d = distance(lowered, c.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent swaps).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
