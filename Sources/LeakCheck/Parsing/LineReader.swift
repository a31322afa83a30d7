#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lines of a file, read in fixed-size chunks: only the current chunk and
/// the line being read are in memory, never the file.
///
/// Lines end in `\n`, `\r\n` or `\r` and are delivered without their
/// terminator, exactly as `Lines.forEach` splits a whole text (a terminator at
/// the very end adds no empty line). A line longer than `maxLineBytes` is cut
/// there (its first `maxLineBytes` bytes are delivered, the rest skipped, and
/// `Summary.cutLines` counts it), so no input can grow the buffer or a parser's
/// work without bound.
struct LineReader {
    /// What the reader saw of the whole file, for checks on its end.
    struct Summary {
        var bytes = 0
        /// The file's last byte is `\n` or `\r`.
        var terminated = false
        /// Lines longer than `maxLineBytes`, delivered cut.
        var cutLines = 0
    }

    static let chunkSize = 1 << 20
    static let maxLineBytes = ParseBounds.maxLineBytes

    /// Calls `body` with each line until it returns false. Throws `ParseError`
    /// when the file cannot be opened or read.
    @discardableResult
    static func forEachLine(
        fileAt path: String, chunkSize: Int = chunkSize, maxLineBytes: Int = maxLineBytes,
        _ body: (Substring) -> Bool
    ) throws -> Summary {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ParseError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var summary = Summary()
        var line: [UInt8] = []  // the line read so far (it began in an earlier chunk)
        var pendingCR = false  // the previous chunk ended in `\r`: skip a `\n` right after it
        var skipping = false  // the current line was delivered cut: skip to its end
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        func deliver(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            if line.isEmpty { return body(Substring(String(decoding: bytes, as: UTF8.self))) }
            line.append(contentsOf: bytes)
            defer { line.removeAll(keepingCapacity: line.count <= chunkSize) }
            return line.withUnsafeBufferPointer { body(Substring(String(decoding: $0, as: UTF8.self))) }
        }
        while true {
            let n = read(fd, chunk, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParseError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            summary.bytes += n
            summary.terminated = chunk[n - 1] == 0x0A || chunk[n - 1] == 0x0D
            var start = 0
            if pendingCR && chunk[0] == 0x0A { start = 1 }
            pendingCR = false
            var i = start
            while i < n {
                let b = chunk[i]
                if skipping && b != 0x0A && b != 0x0D {
                    // The rest of a cut line: jump to its end.
                    var k = i
                    while k < n && chunk[k] != 0x0A && chunk[k] != 0x0D { k += 1 }
                    i = k
                    start = k
                    continue
                }
                if b == 0x0A || b == 0x0D {
                    if skipping {
                        skipping = false
                    } else if !deliver(UnsafeBufferPointer(start: chunk + start, count: i - start)) {
                        return summary
                    }
                    if b == 0x0D {
                        if i + 1 < n {
                            if chunk[i + 1] == 0x0A { i += 1 }
                        } else {
                            pendingCR = true
                        }
                    }
                    start = i + 1
                } else if line.count + (i - start) >= maxLineBytes {
                    summary.cutLines += 1
                    if !deliver(UnsafeBufferPointer(start: chunk + start, count: i - start)) { return summary }
                    skipping = true
                    start = i
                    continue
                }
                i += 1
            }
            if start < n && !skipping {
                line.append(contentsOf: UnsafeBufferPointer(start: chunk + start, count: n - start))
            }
        }
        if !line.isEmpty {
            let rest = line
            line = []
            _ = rest.withUnsafeBufferPointer { body(Substring(String(decoding: $0, as: UTF8.self))) }
        }
        return summary
    }
}
