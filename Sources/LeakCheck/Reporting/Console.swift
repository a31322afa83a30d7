import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Serialised writes to stdout/stderr with `write(2)`: no buffering surprises
/// when mixed with children's output, and no trap on EPIPE (`| head`).
public final class Console: Sendable {
    public enum Verbosity: Int, Sendable, Comparable {
        case quiet, normal, verbose
        public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
    }

    /// A text style. Only ANSI SGR codes every terminal knows.
    public enum Style: String, Sendable {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case bold = "1"
        case dim = "2"
    }

    public let verbosity: Verbosity
    /// stderr is a terminal (live progress lines are for terminals only).
    public let isTerminal: Bool
    /// Colour on stdout (the summary and results): see `colourEnabled`.
    public let useColour: Bool
    /// Colour on stderr (the `error:`/`warning:` prefixes).
    public let useColourOnStderr: Bool
    /// Where `out` and `progress` write (stdout and stderr; a test's files).
    let outputFD: Int32
    let errorFD: Int32
    /// Guards every write; holds whether a live status line is on stderr now.
    private let lock = Mutex(false)

    /// `environment` decides colour (nil: the process's own).
    public convenience init(verbosity: Verbosity = .normal, environment: [String: String]? = nil) {
        self.init(verbosity: verbosity, environment: environment, output: 1, errors: 2)
    }

    /// A console writing to `output` and `errors` (tests read what it printed).
    init(verbosity: Verbosity, environment: [String: String]?, output: Int32, errors: Int32) {
        let env = environment ?? ProcessInfo.processInfo.environment
        self.outputFD = output
        self.errorFD = errors
        self.verbosity = verbosity
        self.isTerminal = isatty(2) == 1
        self.useColour = Self.colourEnabled(isTerminal: isatty(1) == 1, environment: env)
        self.useColourOnStderr = Self.colourEnabled(isTerminal: self.isTerminal, environment: env)
    }

    /// The usual conventions, in this order: `NO_COLOR` (non-empty) turns colour off
    /// (no-color.org); `CLICOLOR_FORCE` (non-empty, not `0`) turns it on even into a pipe
    /// or CI log; `CLICOLOR=0` or `TERM=dumb` turns it off; otherwise colour only on a
    /// terminal. NO_COLOR wins over CLICOLOR_FORCE, as in cargo's terminal handling.
    public static func colourEnabled(isTerminal: Bool, environment env: [String: String]) -> Bool {
        if let v = env["NO_COLOR"], !v.isEmpty { return false }
        if let v = env["CLICOLOR_FORCE"], !v.isEmpty, v != "0" { return true }
        if env["CLICOLOR"] == "0" || env["TERM"] == "dumb" { return false }
        return isTerminal
    }

    /// `text` in `styles` when `enabled`, else unchanged. For text built before it
    /// knows its console.
    public static func paint(_ text: String, _ styles: [Style], enabled: Bool) -> String {
        guard enabled, !styles.isEmpty, !text.isEmpty else { return text }
        return "\u{1B}[\(styles.map(\.rawValue).joined(separator: ";"))m\(text)\u{1B}[0m"
    }

    /// `text` styled for stdout (plain when colour is off).
    public func paint(_ text: String, _ styles: Style...) -> String { Self.paint(text, styles, enabled: useColour) }
    /// A red ✗ (a failing item) for stdout.
    public var cross: String { paint("✗", .red, .bold) }
    /// A green ✓ (a clean item) for stdout.
    public var check: String { paint("✓", .green, .bold) }
    /// A yellow ! (a warning item) for stdout.
    public var bang: String { paint("!", .yellow, .bold) }
    /// Bold text for stdout (headings, figures).
    public func bold(_ text: String) -> String { paint(text, .bold) }

    /// The human summary and results (stdout).
    public func out(_ text: String) { write(outputFD, text) }
    /// A GitHub workflow command the tool itself made (`GitHubAnnotations`, whose
    /// fields are escaped): the one kind of line allowed to start with `::`.
    public func annotation(_ line: String) { write(outputFD, Self.field(line), trusted: true) }
    /// Progress and notes (stderr), hidden by --quiet.
    public func progress(_ text: String) { if verbosity >= .normal { write(errorFD, text) } }
    /// Details shown with --verbose (stderr).
    public func detail(_ text: String) { if verbosity >= .verbose { write(errorFD, text) } }
    /// Errors: always shown (stderr).
    public func error(_ text: String) {
        write(errorFD, Self.paint("error:", [.red, .bold], enabled: useColourOnStderr) + " " + text)
    }
    public func warning(_ text: String) {
        write(errorFD, Self.paint("warning:", [.yellow, .bold], enabled: useColourOnStderr) + " " + text)
    }

    /// A live line on a terminal (cargo's and cmake's build progress): replaces the
    /// previous status line in place, cut to the terminal's width so it never wraps.
    /// Does nothing when stderr is not a terminal or with --quiet: CI logs get the
    /// caller's summary lines instead. The next ordinary line clears it first.
    public func status(_ text: String) {
        guard isTerminal, verbosity >= .normal else { return }
        let width = Self.terminalWidth(2)
        // A build log's own colours (CARGO_TERM_COLOR=always) are dropped, every other control escaped.
        var line = Self.field(Self.withoutStyles(text))
        if let width, line.count > width - 1 { line = String(line.prefix(max(0, width - 1))) }
        lock.withLock { showing in
            Self.writeAll(2, "\r\u{1B}[K" + line)
            showing = true
        }
    }

    /// Removes the live status line, if one is showing.
    public func clearStatus() {
        lock.withLock { showing in
            if showing { Self.writeAll(2, "\r\u{1B}[K") }
            showing = false
        }
    }

    /// Columns of the terminal on `fd`, nil when it is not one or reports 0.
    static func terminalWidth(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    private func write(_ fd: Int32, _ text: String, trusted: Bool = false) {
        var line = trusted ? text : Self.neutralise(text, keepStyles: true)
        if !line.hasSuffix("\n") { line += "\n" }
        lock.withLock { showing in
            // A status line is on stderr's terminal: clear it so this line starts clean.
            if showing {
                Self.writeAll(2, "\r\u{1B}[K")
                showing = false
            }
            Self.writeAll(fd, line)
        }
    }

    // MARK: - Names are data

    /// Untrusted text (a function name, a path, a test name, a line of a child's
    /// output) as one printable line: newline, CR, tab, ESC and every other C0,
    /// DEL and C1 control, and the Unicode line and paragraph separators are
    /// written as escapes (`\n`, `\e`, `\u{2028}`), so a name can neither start a
    /// line of its own (a GitHub `::error` workflow command) nor reach the terminal
    /// as a control sequence. Printable text is unchanged.
    public static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            guard isUnsafe(c) else {
                out.append(c)
                continue
            }
            out.append(contentsOf: escaped(c).unicodeScalars)
        }
        return String(out)
    }

    /// Every line the console prints, and the text reports: the last line of
    /// defence when a name reached the text unescaped. Controls other than
    /// newline and tab are escaped as in `field` (with `keepStyles`, the tool's own
    /// colour codes `ESC[…m` stay), and a line that would start a workflow command
    /// (`::` or `##[` after blanks) is prefixed with `\`: only `annotation` prints those.
    public static func neutralise(_ text: String, keepStyles: Bool) -> String {
        if isNeutral(text) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var atLineStart = true
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if atLineStart {
                var j = i
                while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
                if startsCommand(scalars, at: j) { out.append("\\") }
                atLineStart = false
            }
            if c == "\n" {
                out.append(c)
                atLineStart = true
            } else if c == "\t" {
                out.append(c)
            } else if c == "\u{1B}", keepStyles, let end = styleEnd(scalars, at: i) {
                out.append(contentsOf: scalars[i..<end])
                i = end
                continue
            } else if isUnsafe(c) {
                out.append(contentsOf: escaped(c).unicodeScalars)
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// One pass over the bytes, no allocation: true when `neutralise` would change
    /// nothing (the common case; the text reports can be large). Conservative:
    /// any ESC (the tool's colours too), a C1 control, a possible U+2028/2029, a `:`
    /// or `#` after blanks at a line start sends the text to the slow path.
    static func isNeutral(_ text: String) -> Bool {
        var atLineStart = true
        var previous: UInt8 = 0
        for b in text.utf8 {
            if atLineStart {
                if b == 0x20 || b == 0x09 { continue }
                if b == UInt8(ascii: ":") || b == UInt8(ascii: "#") { return false }
                atLineStart = false
            }
            switch b {
            case 0x0A: atLineStart = true
            case 0x09: break
            case 0x1B: return false
            case 0x00..<0x20, 0x7F: return false
            // C1 controls are C2 80–C2 9F; U+2028/2029 are E2 80 A8/A9.
            case 0x80...0x9F where previous == 0xC2: return false
            case 0xA8...0xA9 where previous == 0x80: return false
            default: break
            }
            previous = b
        }
        return true
    }

    /// `text` without SGR colour sequences (`ESC[…m`); other escapes stay for `field`.
    static func withoutStyles(_ text: String) -> String {
        guard text.utf8.contains(0x1B) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}", let end = styleEnd(scalars, at: i) {
                i = end
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    static func isUnsafe(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
    }

    static func escaped(_ c: Unicode.Scalar) -> String {
        switch c {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{1B}": return "\\e"
        default: return "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// `::` (GitHub's workflow commands) or `##[` (their older form) at `i`.
    static func startsCommand(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        if i + 1 < s.count, s[i] == ":", s[i + 1] == ":" { return true }
        return i + 2 < s.count && s[i] == "#" && s[i + 1] == "#" && s[i + 2] == "["
    }

    /// The end of an SGR sequence `ESC[<digits;>m` (what `paint` writes) at `i`.
    static func styleEnd(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        guard i + 2 < s.count, s[i + 1] == "[" else { return nil }
        var j = i + 2
        while j < s.count, ("0"..."9").contains(s[j]) || s[j] == ";" { j += 1 }
        return j < s.count && s[j] == "m" ? j + 1 : nil
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return  // EPIPE and friends: the reader went away; nothing to do
            }
            offset += n
        }
        bytes.removeAll()
    }
}
