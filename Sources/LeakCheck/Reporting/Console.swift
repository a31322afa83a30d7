#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Serialised writes to stdout/stderr with `write(2)`: no buffering surprises
/// when mixed with children's output, and no trap on EPIPE (`| head`).
public final class Console: Sendable {
    public enum Verbosity: Int, Sendable, Comparable {
        case quiet, normal, verbose
        public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
    }
    public let verbosity: Verbosity
    /// stderr is a terminal: progress may use colour-free single lines either way.
    public let isTerminal: Bool
    private let lock = Mutex(())

    public init(verbosity: Verbosity = .normal) {
        self.verbosity = verbosity
        self.isTerminal = isatty(2) == 1
    }

    /// The human summary and results (stdout).
    public func out(_ text: String) { write(1, text) }
    /// Progress and notes (stderr), hidden by --quiet.
    public func progress(_ text: String) { if verbosity >= .normal { write(2, text) } }
    /// Details shown with --verbose (stderr).
    public func detail(_ text: String) { if verbosity >= .verbose { write(2, text) } }
    /// Errors: always shown (stderr).
    public func error(_ text: String) { write(2, "error: " + text) }
    public func warning(_ text: String) { write(2, "warning: " + text) }

    private func write(_ fd: Int32, _ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        lock.withLock { _ in
            var bytes = Array(line.utf8)
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
}
