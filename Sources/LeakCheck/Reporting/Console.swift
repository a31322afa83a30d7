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
    /// Guards every write; holds whether a live status line is on stderr now.
    private let lock = Mutex(false)

    /// `environment` decides colour (nil: the process's own).
    public init(verbosity: Verbosity = .normal, environment: [String: String]? = nil) {
        let env = environment ?? ProcessInfo.processInfo.environment
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
    public func out(_ text: String) { write(1, text) }
    /// Progress and notes (stderr), hidden by --quiet.
    public func progress(_ text: String) { if verbosity >= .normal { write(2, text) } }
    /// Details shown with --verbose (stderr).
    public func detail(_ text: String) { if verbosity >= .verbose { write(2, text) } }
    /// Errors: always shown (stderr).
    public func error(_ text: String) {
        write(2, Self.paint("error:", [.red, .bold], enabled: useColourOnStderr) + " " + text)
    }
    public func warning(_ text: String) {
        write(2, Self.paint("warning:", [.yellow, .bold], enabled: useColourOnStderr) + " " + text)
    }

    /// A live line on a terminal (cargo's and cmake's build progress): replaces the
    /// previous status line in place, cut to the terminal's width so it never wraps.
    /// Does nothing when stderr is not a terminal or with --quiet: CI logs get the
    /// caller's summary lines instead. The next ordinary line clears it first.
    public func status(_ text: String) {
        guard isTerminal, verbosity >= .normal else { return }
        let width = Self.terminalWidth(2)
        var line = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
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

    private func write(_ fd: Int32, _ text: String) {
        var line = text
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
