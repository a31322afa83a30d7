/// Line splitting shared by the text parsers: `\n`, `\r\n` and a lone `\r`
/// all end a line (a log written through a terminal or by a Windows tool can
/// use any of them, even mixed), and no array of lines is built.
enum Lines {
    /// Calls `body` with each line, without its terminator, until `body`
    /// returns false. A terminator at the very end does not add an empty line.
    static func forEach(_ text: String, _ body: (Substring) -> Bool) {
        let all = text[...]
        let u = all.utf8
        var start = u.startIndex
        let end = u.endIndex
        while start < end {
            var stop = start
            while stop < end {
                let b = u[stop]
                if b == 0x0A || b == 0x0D { break }
                stop = u.index(after: stop)
            }
            if !body(Substring(u[start..<stop])) { return }
            if stop == end { return }
            var next = u.index(after: stop)
            if u[stop] == 0x0D, next < end, u[next] == 0x0A { next = u.index(after: next) }
            start = next
        }
    }
}
