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
            let d = Spelling.distance(word, c)
            if d <= limit, best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        if let best { return best.0 }
        if bare.count >= 3 {
            let prefixed = candidates.filter { $0.hasPrefix(word) }
            if prefixed.count == 1 { return prefixed[0] }
        }
        return nil
    }
}
