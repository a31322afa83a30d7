/// Splits one option value into words the way a POSIX shell would, without
/// expanding anything: `--ctest-args "-R 'net io' -L fast"` is three
/// arguments for ctest, not one.
public enum ShellWords {
    /// Whitespace separates words; single quotes keep everything literally; double
    /// quotes keep spaces and honour `\"`, `\\`, `\$` and `` \` ``; a backslash
    /// outside quotes escapes the next character. An unclosed quote is an error
    /// because guessing where the user meant it to end would run the wrong tests.
    public static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = text.makeIterator()
        while let c = chars.next() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'":
                inWord = true
                var closed = false
                while let q = chars.next() {
                    if q == "'" {
                        closed = true
                        break
                    }
                    current.append(q)
                }
                if !closed { throw UsageError("unclosed ' in \"\(text)\"") }
            case "\"":
                inWord = true
                var closed = false
                while let q = chars.next() {
                    if q == "\"" {
                        closed = true
                        break
                    }
                    if q == "\\" {
                        guard let e = chars.next() else { break }
                        if !["\"", "\\", "$", "`"].contains(e) { current.append("\\") }
                        current.append(e)
                    } else {
                        current.append(q)
                    }
                }
                if !closed { throw UsageError("unclosed \" in \"\(text)\"") }
            case "\\":
                inWord = true
                guard let e = chars.next() else { throw UsageError("trailing \\ in \"\(text)\"") }
                current.append(e)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
