#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses a checker log from disk in bounded memory: the file is read in
/// chunks, never whole, and findings are deduplicated as they arrive
/// (`FindingAccumulator`), so memory grows with the number of distinct
/// findings, not with the file's size.
///
/// - valgrind XML: `ValgrindXMLParser.parse(fileAt:onFinding:)` streams every
///   finding into the accumulator.
/// - sanitizer logs: the file is cut into batches of whole reports (a batch
///   ends after a `SUMMARY:` line or before an `ERROR:` line once it holds
///   `batchBytes`) and each batch
///   goes through `SanitizerLogParser.parse(text:)`; the batches' outputs are
///   combined (`SanitizerBatchCombiner`). A single report longer than the
///   batch is held whole until its SUMMARY: a log is never cut inside a report.
public enum StreamingLogParser {
    /// Size of each `read(2)`.
    static let chunkSize = 1 << 20
    /// A sanitizer batch is handed to the parser at the first report end after this many bytes.
    static let defaultBatchBytes = 4 << 20

    /// A valgrind XML file, findings deduplicated. Throws `ParseError` only
    /// when the file cannot be opened or read.
    public static func parseValgrindXML(fileAt path: String) throws -> CheckerOutput {
        let box = AccumulatorBox()
        var output = try ValgrindXMLParser.parse(fileAt: path) { box.accumulator.add($0) }
        output.findings = box.accumulator.findings
        return output
    }

    /// A sanitizer log, findings deduplicated; `mentionsAddressSanitizer` says
    /// whether any line names AddressSanitizer (the run was ASan, not
    /// standalone LSan). Throws `ParseError` only when the file cannot be
    /// opened or read.
    public static func parseSanitizerLog(fileAt path: String) throws -> (
        output: CheckerOutput, mentionsAddressSanitizer: Bool
    ) {
        try parseSanitizerLog(fileAt: path, batchBytes: defaultBatchBytes)
    }

    /// `batchBytes` is a parameter so tests can cut at every report end.
    static func parseSanitizerLog(fileAt path: String, batchBytes: Int) throws -> (
        output: CheckerOutput, mentionsAddressSanitizer: Bool
    ) {
        var combiner = SanitizerBatchCombiner()
        var asan = false
        var cutLines = 0
        var droppedFrameLines = 0
        try forEachBatch(
            fileAt: path, batchBytes: batchBytes, boundary: sanitizerBoundary, cutLines: &cutLines,
            droppedFrameLines: &droppedFrameLines
        ) { batch in
            let text = String(decoding: batch, as: UTF8.self)
            if !asan && text.contains("AddressSanitizer") { asan = true }
            combiner.add(SanitizerLogParser.parse(text: text))
            guard Cancellation.isRequested else { return true }
            // Interrupted: read no further, and the rest unread makes the output incomplete.
            var rest = CheckerOutput(format: .sanitizer)
            rest.complete = false
            rest.incompleteReason = Cancellation.reason
            combiner.add(rest)
            return false
        }
        if cutLines > 0 { combiner.addNote(ParseBounds.lineNote(cutLines)) }
        if droppedFrameLines > 0 {
            combiner.addNote(
                "\(droppedFrameLines) frame line(s) numbered \(ParseBounds.maxFrames) or more were skipped while reading (the frame cap)")
        }
        return (combiner.finish(), asan)
    }

    /// Where a line may end a batch of a sanitizer log.
    enum Boundary {
        case none
        /// A batch may end after this line.
        case after
        /// A batch may begin with this line.
        case before
        /// A batch may begin with this line (the `=====` rule a report opens
        /// with, `AddressSanitizer:DEADLYSIGNAL` announcing one), unless it
        /// follows another opening line, and not with the line right after it.
        case opening
    }

    /// A batch may end after a report's last line (`SUMMARY: AddressSanitizer: …`,
    /// also LeakSanitizer, ThreadSanitizer, behind a `==PID==` or harness prefix)
    /// and before the first line of a report (`AddressSanitizer:DEADLYSIGNAL`,
    /// the `=====` rule, or `==PID==ERROR: AddressSanitizer: …` when neither
    /// precedes it), which
    /// closes whatever report came before it anyway. A batch never ends on
    /// an opening line: the parser reads that as a log cut where a report starts.
    static func sanitizerBoundary(_ line: UnsafeBufferPointer<UInt8>) -> Boundary {
        if isRule(line) { return .opening }
        guard ByteSearch.contains(line, "Sanitizer") else { return .none }
        if ByteSearch.contains(line, "Sanitizer:DEADLYSIGNAL") { return .opening }
        if ByteSearch.contains(line, "SUMMARY: ") { return .after }
        if ByteSearch.contains(line, "ERROR: ") { return .before }
        return .none
    }

    /// 20 or more `=` and nothing else but spaces or a `\r`.
    static func isRule(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var equals = 0
        for b in line {
            if b == UInt8(ascii: "=") { equals += 1 } else if b != 0x20 && b != 0x0D && b != 0x09 { return false }
        }
        return equals >= 20
    }

    /// Reads the file in `chunkSize` reads and calls `body` with consecutive
    /// batches of whole lines that together are exactly the file. Once a
    /// batch holds at least `batchBytes` it ends at the next place `boundary`
    /// allows (after or before a line); the rest of the file is the last batch.
    /// Stops when `body` returns false. Lines are split
    /// at `\n` only (a `\r` stays in its line, as the parsers expect).
    ///
    /// A line longer than `ParseBounds.maxLineBytes` is cut there and the rest
    /// of it skipped (`cutLines` counts them): the buffer never holds a giant line.
    static func forEachBatch(
        fileAt path: String, batchBytes: Int, boundary: (UnsafeBufferPointer<UInt8>) -> Boundary,
        maxLineBytes: Int = ParseBounds.maxLineBytes, cutLines: inout Int, droppedFrameLines: inout Int,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ParseError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batchBytes + 2 * chunkSize)
        var scanned = 0  // bytes of `buffer` whose lines were already looked at
        var afterOpening = false  // the last non-empty line was an `.opening` one
        var stopped = false  // `body` asked for no more batches
        var skipping = false  // inside the rest of a line cut at `maxLineBytes`
        var deepFrames = DeepFrameFilter()
        defer { droppedFrameLines += deepFrames.dropped }
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParseError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            var from = 0
            if skipping {
                // The rest of a cut line: dropped up to its newline.
                guard let nl = memchr(chunk, 0x0A, n) else { continue }
                from = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) - UnsafePointer(chunk)
                skipping = false
            }
            buffer.append(contentsOf: UnsafeBufferPointer(start: chunk + from, count: n - from))
            if buffer.count > 4 * batchBytes {
                // A report far longer than a batch (one leak with 10^6 frames) is held until its
                // SUMMARY: keep only the frames the parser would keep, not the text of the rest.
                deepFrames.filter(&buffer, from: scanned)
            }
            var start = 0  // where the current batch begins in `buffer`
            buffer.withUnsafeBufferPointer { b in
                while let nl = ByteSearch.index(of: 0x0A, in: b, from: scanned) {
                    let line = UnsafeBufferPointer(rebasing: b[scanned..<nl])
                    var cut: Int?
                    let kind = boundary(line)
                    switch kind {
                    case .after where nl + 1 - start >= batchBytes: cut = nl + 1
                    case .before where !afterOpening && scanned - start >= batchBytes: cut = scanned
                    case .opening where !afterOpening && scanned - start >= batchBytes: cut = scanned
                    default: break
                    }
                    if !line.isEmpty { afterOpening = kind == .opening }
                    if let cut {
                        if !body(UnsafeBufferPointer(rebasing: b[start..<cut])) { stopped = true }
                        start = cut
                        if stopped { return }
                    }
                    scanned = nl + 1
                }
            }
            if stopped { return }
            if buffer.count - scanned > maxLineBytes {
                // No newline within the cap: keep the line's first bytes, skip the rest.
                buffer.removeSubrange((scanned + maxLineBytes)...)
                cutLines += 1
                skipping = true
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                scanned -= start
            }
        }
        deepFrames.flush(into: &buffer)
        if !buffer.isEmpty { _ = buffer.withUnsafeBufferPointer { body($0) } }
    }
}

/// Drops, from whole lines not yet scanned, the sanitizer frame lines numbered
/// `ParseBounds.maxFrames` or more, keeping the last `ParseBounds.outerFrames`
/// of a run of them (put back before the next other line): exactly the frames
/// `BoundsTally` would keep, without holding the text of the others.
struct DeepFrameFilter {
    private var ring: [[UInt8]] = []
    private var next = 0
    private(set) var dropped = 0

    /// `#N ` after optional blanks, with N of at least `maxFrames`.
    static func isDeepFrame(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        while i < b.endIndex && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        guard i < b.endIndex, b[i] == UInt8(ascii: "#") else { return false }
        i += 1
        var n = 0
        var digits = 0
        while i < b.endIndex, b[i] >= 0x30 && b[i] <= 0x39, digits < 10 {
            n = n * 10 + Int(b[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0, i < b.endIndex, b[i] == 0x20 || b[i] == 0x09 else { return false }
        return n >= ParseBounds.maxFrames
    }

    mutating func filter(_ buffer: inout [UInt8], from: Int) {
        guard let lastNL = buffer[from...].lastIndex(of: 0x0A) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(lastNL + 1 - from)
        var i = from
        var changed = false
        while i <= lastNL {
            let nl = buffer[i...lastNL].firstIndex(of: 0x0A)!
            let line = buffer[i...nl]
            if Self.isDeepFrame(line) {
                changed = true
                if ring.count < ParseBounds.outerFrames {
                    ring.append(Array(line))
                } else {
                    ring[next] = Array(line)
                    next = (next + 1) % ring.count
                    dropped += 1
                }
            } else {
                if !ring.isEmpty {
                    flushRing(into: &out)
                    changed = true
                }
                out.append(contentsOf: line)
            }
            i = nl + 1
        }
        if changed { buffer.replaceSubrange(from...lastNL, with: out) }
    }

    private mutating func flushRing(into out: inout [UInt8]) {
        for k in 0..<ring.count { out.append(contentsOf: ring[(next + k) % ring.count]) }
        ring.removeAll()
        next = 0
    }

    /// At the end of the file: what the ring still holds goes after the last whole
    /// line (before an unterminated last line, which came after it).
    mutating func flush(into buffer: inout [UInt8]) {
        guard !ring.isEmpty else { return }
        var tail: [UInt8] = []
        flushRing(into: &tail)
        let at = buffer.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        buffer.insert(contentsOf: tail, at: at)
    }
}

/// The closure `ValgrindXMLParser` calls is escaping: the accumulator lives in a box.
private final class AccumulatorBox {
    var accumulator = FindingAccumulator()
}

/// Combines the outputs of consecutive batches of one sanitizer log into the
/// output of the whole log: findings deduplicated, counts and summaries
/// summed, pids in order of first appearance, the first incompleteness and
/// fatal signal kept. Each batch holds whole reports, so nothing a report's
/// own checks need (its SUMMARY against its entries) crosses a batch.
struct SanitizerBatchCombiner {
    private var output = CheckerOutput(format: .sanitizer)
    private var findings = FindingAccumulator()
    private var warningCount = 0
    private var seenPids = Set<Int>()
    /// Warnings kept verbatim; a log with a mismatch in every report would otherwise grow them without bound.
    static let maxWarnings = 100

    /// A note about the whole log (the line cap).
    mutating func addNote(_ note: String) {
        output.warnings.append(note)
    }

    mutating func add(_ part: CheckerOutput) {
        findings.add(contentsOf: part.findings)
        if !part.complete && output.complete {
            output.complete = false
            output.incompleteReason = part.incompleteReason
        }
        if output.fatalSignal == nil { output.fatalSignal = part.fatalSignal }
        for p in part.pids where seenPids.insert(p).inserted { output.pids.append(p) }
        for (name, n) in part.checkerSuppressionCounts { output.checkerSuppressionCounts[name, default: 0] += n }
        if let s = part.checkerSummary { output.checkerSummary = (output.checkerSummary ?? Totals()) + s }
        if let s = part.sanitizerLeakSummary {
            output.sanitizerLeakSummary = (output.sanitizerLeakSummary ?? .zero) + s
        }
        if output.command == nil { output.command = part.command }
        if output.protocolVersion == nil { output.protocolVersion = part.protocolVersion }
        for w in part.warnings {
            warningCount += 1
            if output.warnings.count < Self.maxWarnings { output.warnings.append(w) }
        }
    }

    func finish() -> CheckerOutput {
        var out = output
        out.findings = findings.findings
        if warningCount > out.warnings.count {
            out.warnings.append("\(warningCount - out.warnings.count) more parser warning(s) not shown")
        }
        return out
    }
}

/// Byte scans on raw buffers (no Foundation bridging in the hot loop).
enum ByteSearch {
    static func index(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < b.count, let base = b.baseAddress else { return nil }
        guard let p = memchr(base + start, Int32(byte), b.count - start) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    static func contains(_ b: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard n > 0, b.count >= n, let base = b.baseAddress else { return false }
        let first = needle.utf8Start.pointee
        var i = 0
        while let at = index(of: first, in: b, from: i) {
            if at + n > b.count { return false }
            if memcmp(base + at, needle.utf8Start, n) == 0 { return true }
            i = at + 1
        }
        return false
    }
}
