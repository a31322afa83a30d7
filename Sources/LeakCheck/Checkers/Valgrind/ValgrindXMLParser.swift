#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses memcheck's `--xml=yes` output (protocols 4, 5 and 6) into findings.
///
/// The parser is a hand-written byte scanner that streams the file in 1 MiB
/// chunks: memory stays flat whatever the file size (Foundation's
/// `XMLParser(data:)` fails above ~10 MB on Linux and is several times slower).
/// It never throws on bad XML: whatever was read is returned with
/// `complete == false` and a reason.
public enum ValgrindXMLParser {
    /// Size of each `read(2)`.
    static let defaultChunkSize = 1 << 20

    /// Streams the file at `path`. Throws `ParseError` only when the file cannot
    /// be opened or read.
    public static func parse(fileAt path: String) throws -> CheckerOutput {
        try parse(fileAt: path, chunkSize: defaultChunkSize, sink: nil)
    }

    /// Streams the file and hands each finding to `onFinding` as soon as it is
    /// complete, keeping none: memory stays constant however many errors the file
    /// has. The returned output has everything else (completeness, summary, pids,
    /// suppression counts) and empty `findings`. Leak records from client-requested
    /// leak checks (before the FINISHED status) are delivered at the end, and only
    /// if no exit leak check supersedes them.
    public static func parse(fileAt path: String, onFinding: @escaping (Finding) -> Void) throws
        -> CheckerOutput
    {
        try parse(fileAt: path, chunkSize: defaultChunkSize, sink: onFinding)
    }

    /// `chunkSize` is a parameter so tests can force tokens across chunk boundaries.
    static func parse(fileAt path: String, chunkSize: Int, sink: ((Finding) -> Void)? = nil) throws
        -> CheckerOutput
    {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw ParseError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var scanner = ValgrindXMLScanner(sink: sink)
        var capacity = chunkSize
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var kept = 0
        while true {
            if kept == capacity {
                // One token longer than the buffer (a huge comment): grow, bounded.
                guard capacity < 64 << 20 else {
                    var out = scanner.finish()
                    out.complete = false
                    out.incompleteReason = "valgrind XML has a single token longer than 64 MiB"
                    return out
                }
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: kept)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = read(fd, buffer + kept, capacity - kept)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParseError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            let available = kept + n
            let atEOF = n == 0
            let used = scanner.scan(UnsafePointer(buffer), available, atEOF: atEOF)
            kept = available - used
            if kept > 0 && used > 0 { memmove(buffer, buffer + used, kept) }
            if atEOF || scanner.interrupted { break }
        }
        return scanner.finish()
    }

    /// Parses a whole document held in memory.
    public static func parse(bytes: [UInt8]) -> CheckerOutput {
        var scanner = ValgrindXMLScanner()
        bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress {
                _ = scanner.scan(base, b.count, atEOF: true)
            }
        }
        return scanner.finish()
    }

    /// Convenience for tests and the `parse` subcommand.
    public static func parse(text: String) -> CheckerOutput {
        parse(bytes: Array(text.utf8))
    }
}
