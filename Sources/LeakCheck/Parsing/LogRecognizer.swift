import Foundation

/// Decides from a file's first bytes whether it is a checker's output, and
/// which, by structural markers only: a word like "AddressSanitizer" in a
/// README or a build log is not a checker log.
///
/// Accepted:
/// - valgrind XML: the first element (after an optional BOM, `<?xml …?>`,
///   comments and a DOCTYPE) is `<valgrindoutput`;
/// - valgrind text: a line `==PID== Memcheck, a memory error detector`, or
///   `==PID== HEAP SUMMARY:` / `==PID== LEAK SUMMARY:` (a log whose start was lost);
/// - sanitizer: a line `==PID==ERROR: <Tool>Sanitizer` (also the 2012 form
///   `==PID== ERROR: …`), `<Tool>Sanitizer:DEADLYSIGNAL` (with or without the marker),
///   `==PID==LeakSanitizer has encountered a fatal error`, or a line starting
///   `SUMMARY: <Tool>Sanitizer`, with Tool one of Address, Leak, Memory,
///   Thread, UndefinedBehavior.
///
/// Lines may end in `\n`, `\r\n` or `\r`. The first marker in the prefix
/// decides when a log holds both kinds.
public enum LogRecognizer {
    /// Sanitizer tool names a header may carry.
    static let tools = ["Address", "Leak", "Memory", "Thread", "UndefinedBehavior"]

    /// The format of a log that starts with `prefix`; nil for anything else.
    public static func recognize(prefix: [UInt8]) -> CheckerOutput.Format? {
        if startsWithValgrindRoot(prefix) { return namesHelgrind(prefix) ? .helgrindXML : .valgrindXML }
        let text = String(decoding: prefix, as: UTF8.self)
        var found: CheckerOutput.Format?
        Lines.forEach(text) { line in
            found = classify(line)
            return found == nil
        }
        return found
    }

    /// valgrind's XML preamble names its tool (`<tool>helgrind</tool>`) before any error.
    static func namesHelgrind(_ b: [UInt8]) -> Bool {
        let text = String(decoding: b, as: UTF8.self)
        guard let tool = text.range(of: "<tool>") else { return false }
        return text[tool.upperBound...].hasPrefix("helgrind</tool>")
    }

    /// Same, from `Data`.
    public static func recognize(prefix: Data) -> CheckerOutput.Format? {
        recognize(prefix: [UInt8](prefix))
    }

    static func classify(_ line: Substring) -> CheckerOutput.Format? {
        // ThreadSanitizer reports have no pid marker and a format of their own.
        if line.hasBytePrefix("WARNING: ThreadSanitizer: ") || line.hasBytePrefix("SUMMARY: ThreadSanitizer: ") {
            return .threadSanitizer
        }
        if line.hasBytePrefix("SUMMARY: ") {
            return isToolName(line.dropFirst("SUMMARY: ".count)) ? .sanitizer : nil
        }
        for t in tools where line.hasBytePrefix(t + "Sanitizer:DEADLYSIGNAL") { return .sanitizer }
        guard let body = afterPidMarker(line) else { return nil }
        if body.hasBytePrefix(" Memcheck, a memory error detector") || body.hasBytePrefix(" HEAP SUMMARY:")
            || body.hasBytePrefix(" LEAK SUMMARY:")
        {
            return .valgrindText
        }
        var b = body
        if b.hasBytePrefix(" ") { b = b.dropFirst() }
        if b.hasBytePrefix("ERROR: ") { return isToolName(b.dropFirst("ERROR: ".count)) ? .sanitizer : nil }
        if b.hasBytePrefix("LeakSanitizer has encountered a fatal error") { return .sanitizer }
        for t in tools where b.hasBytePrefix(t + "Sanitizer:DEADLYSIGNAL") { return .sanitizer }
        return nil
    }

    /// `AddressSanitizer` followed by `:` or a space (`AddressSanitizer: heap-…`,
    /// `LeakSanitizer: detected memory leaks`).
    static func isToolName(_ s: Substring) -> Bool {
        for t in tools {
            let name = t + "Sanitizer"
            guard s.hasBytePrefix(name) else { continue }
            let rest = s.utf8.dropFirst(name.utf8.count)
            return rest.first == UInt8(ascii: ":") || rest.first == UInt8(ascii: " ")
        }
        return false
    }

    /// `==1234==rest` → `rest`; nil when the line does not start with a pid marker.
    static func afterPidMarker(_ line: Substring) -> Substring? {
        let u = line.utf8
        guard u.count >= 5, u.starts(with: [0x3D, 0x3D]) else { return nil }
        var i = u.index(u.startIndex, offsetBy: 2)
        var digits = 0
        while i < u.endIndex, u[i] >= 0x30 && u[i] <= 0x39 {
            digits += 1
            i = u.index(after: i)
        }
        guard digits > 0, digits < 12, u[i...].starts(with: [0x3D, 0x3D]) else { return nil }
        return Substring(u[u.index(i, offsetBy: 2)...])
    }

    /// Skips a BOM, whitespace, `<?…?>`, comments and `<!DOCTYPE …>`, then
    /// requires the first element to be `valgrindoutput`.
    static func startsWithValgrindRoot(_ b: [UInt8]) -> Bool {
        var i = 0
        let n = b.count
        if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        func skipSpace() { while i < n && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D) { i += 1 } }
        func find(_ pattern: [UInt8], from: Int) -> Int? {
            guard pattern.count <= n else { return nil }
            var k = from
            while k + pattern.count <= n {
                if b[k] == pattern[0] && Array(b[k..<(k + pattern.count)]) == pattern { return k }
                k += 1
            }
            return nil
        }
        while true {
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: "<") else { return false }
            if b[i...].starts(with: Array("<?".utf8)) {
                guard let e = find(Array("?>".utf8), from: i + 2) else { return false }
                i = e + 2
            } else if b[i...].starts(with: Array("<!--".utf8)) {
                guard let e = find(Array("-->".utf8), from: i + 4) else { return false }
                i = e + 3
            } else if b[i...].starts(with: Array("<!".utf8)) {
                guard let e = find([UInt8(ascii: ">")], from: i + 2) else { return false }
                i = e + 1
            } else {
                let name = Array("<valgrindoutput".utf8)
                guard b[i...].starts(with: name) else { return false }
                let after = i + name.count
                return after == n || b[after] == UInt8(ascii: ">") || b[after] == 0x20 || b[after] == 0x0A
                    || b[after] == 0x0D || b[after] == 0x09
            }
        }
    }
}
