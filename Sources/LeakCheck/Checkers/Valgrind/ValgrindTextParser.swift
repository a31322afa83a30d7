import Foundation

/// Parses memcheck's human-readable log (`--log-file`, stderr), with or without
/// the `==PID==` prefixes (valgrind's regression files have them filtered away).
///
/// Only lines that look like valgrind's are read: when the log has prefixes,
/// unprefixed lines are the program's own output; without prefixes, figures are
/// only taken from loss-record sentences and from inside a `LEAK SUMMARY:` block,
/// so a program line like `leaked: 80 bytes in 5 blocks` is never a figure.
public enum ValgrindTextParser {
    ///
    /// Lines may end in `\n`, `\r\n` or `\r`. The figures are reconciled with
    /// the last LEAK SUMMARY and the ERROR SUMMARY (see `SummaryReconciliation`),
    /// and the parse stops early, incomplete, when `Cancellation` is requested.
    public static func parse(text: String) -> CheckerOutput {
        var prefixed = false
        forEachLine(text) { line in
            if pidPrefix(line) != nil {
                prefixed = true
                return false
            }
            return true
        }
        let terminated = text.utf8.last == 0x0A || text.utf8.last == 0x0D
        return parseLines(prefixed: prefixed, emptyInput: text.isEmpty, terminated: { terminated }) { line in
            forEachLine(text, line)
        }
    }

    /// `parse(text:)` of the file at `path`, streamed: the file is read twice
    /// in chunks (once up to its first `==PID==` line, to know whether it has
    /// prefixes, then to parse) and never held whole. Throws `ParseError`
    /// only when the file cannot be opened or read.
    public static func parse(fileAt path: String) throws -> CheckerOutput {
        var prefixed = false
        let first = try LineReader.forEachLine(fileAt: path) { line in
            if pidPrefix(line) != nil {
                prefixed = true
                return false
            }
            return true
        }
        var summary = LineReader.Summary()
        var failure: Error?
        var out = parseLines(prefixed: prefixed, emptyInput: first.bytes == 0, terminated: { summary.terminated }) {
            line in
            do { summary = try LineReader.forEachLine(fileAt: path, line) } catch { failure = error }
        }
        if let failure { throw failure }
        if summary.cutLines > 0 { out.warnings.append(ParseBounds.lineNote(summary.cutLines)) }
        return out
    }

    /// The one line-by-line parse both entry points share: `lines` calls its
    /// argument with each line until it returns false; `terminated` (asked
    /// after the last line) says whether the input ended with a line end.
    static func parseLines(
        prefixed: Bool, emptyInput: Bool, terminated: () -> Bool, lines: ((Substring) -> Bool) -> Void
    ) -> CheckerOutput {
        var state = TextState()
        state.prefixed = prefixed
        var sincePoll = 0
        var lastLine: Substring?
        lines { whole in
            var line = whole
            if line.utf8.count > ParseBounds.maxLineBytes {
                // A giant line (a 50 MB function name) is cut before any parsing looks at it.
                line = Substring(line.utf8.prefix(ParseBounds.maxLineBytes))
                state.bounds.cutLines += 1
            }
            sincePoll += 1
            if sincePoll >= Cancellation.pollInterval {
                sincePoll = 0
                if Cancellation.isRequested {
                    state.interrupted = true
                    return false
                }
            }
            if let (pid, rest) = pidPrefix(line) {
                if !state.pids.contains(pid) { state.pids.append(pid) }
                state.sawValgrindLine = true
                state.handle(rest)
                lastLine = rest
            } else if !prefixed {
                state.handle(line)
                lastLine = line
            }
            return true
        }
        var out = state.finish(emptyInput: emptyInput)
        if out.complete, !terminated(), let last = lastLine, let why = cutStructureLine(last) {
            out.complete = false
            out.incompleteReason = why
        }
        return out
    }

    /// Lines whose cut form would otherwise be read as harmless text.
    static let structureLines = [
        "LEAK SUMMARY:", "HEAP SUMMARY:", "ERROR SUMMARY:", "All heap blocks were freed -- no leaks are possible",
        "Memcheck, a memory error detector",
        "Reachable blocks (those to which a pointer was found) are not shown.",
        "To see them, rerun with: --leak-check=full --show-leak-kinds=all",
        "For lists of detected and suppressed errors, rerun with: -s",
        "For a detailed leak analysis, rerun with: --leak-check=full",
        "For counts of detected and suppressed errors, rerun with: -v",
        "Use --track-origins=yes to see where uninitialised values come from",
    ]

    /// The log's unterminated last line is a cut valgrind line: a proper prefix
    /// of a summary header, or a LEAK SUMMARY row or loss record without its end.
    static func cutStructureLine(_ line: Substring) -> String? {
        let t = line.trimmingSpaces
        guard !t.isEmpty else { return nil }
        let why = "valgrind log ends inside a line (\(t.prefix(40))): output truncated"
        let s = String(t)
        for header in structureLines where header.hasPrefix(s) && header != s { return why }
        for row in ["definitely lost:", "indirectly lost:", "possibly lost:", "still reachable:", "suppressed:"]
        where (row.hasPrefix(s) || s.hasPrefix(row)) && !s.hasSuffix(" blocks") {
            return why
        }
        if t.byteRange(of: " bytes in ") != nil && t.byteRange(of: " in loss record ") == nil { return why }
        return nil
    }

    /// Calls `body` with each line (without its `\n`, `\r\n` or `\r`) until it
    /// returns false; no array of lines is built, so a big log is not held twice.
    static func forEachLine(_ text: String, _ body: (Substring) -> Bool) {
        Lines.forEach(text, body)
    }

    /// `==123== rest` → (123, rest). valgrind's `--123--` (debug) and `**123**`
    /// (internal) lines are not findings: nil, so they never end a block.
    static func pidPrefix(_ line: Substring) -> (Int, Substring)? {
        let u = line.utf8
        guard u.count >= 5, let c = u.first,
            c == UInt8(ascii: "=") || c == UInt8(ascii: "-") || c == UInt8(ascii: "*")
        else { return nil }
        var i = u.startIndex
        guard u[i] == c, u[u.index(after: i)] == c else { return nil }
        i = u.index(i, offsetBy: 2)
        var pid = 0
        var digits = 0
        while i < u.endIndex, let d = Optional(u[i]), d >= 0x30 && d <= 0x39 {
            pid = pid * 10 + Int(d - 0x30)
            digits += 1
            i = u.index(after: i)
            if digits > 9 { return nil }
        }
        guard digits > 0, i < u.endIndex, u[i] == c else { return nil }
        i = u.index(after: i)
        guard i < u.endIndex, u[i] == c else { return nil }
        i = u.index(after: i)
        // One space separates the prefix from the message.
        if i < u.endIndex, u[i] == UInt8(ascii: " ") { i = u.index(after: i) }
        guard c == UInt8(ascii: "=") else { return nil }
        return (pid, Substring(line.utf8[i...]))
    }
}

/// Line-by-line state of the text parser.
private struct TextState {
    var pids: [Int] = []
    var findings: [Finding] = []
    /// Leak-check index of each finding (nil for non-leak findings).
    var checkOf: [Int?] = []
    var warnings: [String] = []
    /// What the frame and name caps cut (notes at the end).
    var bounds = BoundsTally()
    var command: [String]?
    var fatalSignal: String?

    // The finding being read.
    var kind: FindingKind?
    var rawKind = ""
    var message = ""
    var stack: [Frame] = []
    var aux: [AuxiliaryStack] = []
    var bytes: Int?
    var blocks: Int?
    var indirect: Int?
    var isFatal = false
    var fatalEventTaken = false
    var pendingThread: String?
    var thread: String?

    // Leak checks: records are grouped so only the last check counts.
    var check = 0
    var lastRecordWasDelta: Bool?
    var lastRecordNumber: Int?
    var checkBoundaryPending = false
    var sawLeakRecord = false

    // Summaries.
    var inLeakSummary = false
    var summary: Totals?
    var current = Totals()
    var currentHasFigures = false
    var summaries = 0
    /// Placeholder figures (`x`, `...`) of the last LEAK SUMMARY.
    var summaryKnown = SummaryReconciliation.Known()
    var currentKnown = SummaryReconciliation.Known()
    /// Leak records read since the previous LEAK SUMMARY ended.
    var recordsSinceSummary = 0
    /// The last LEAK SUMMARY closed a leak check that showed records (or none at all were shown).
    var summaryHasOwnRecords = true
    /// Sum of `N errors from M contexts` over every ERROR SUMMARY (one per process).
    var errorContexts = 0
    var errorSummaries = 0
    /// An `ERROR SUMMARY:` line that is not whole (a cut log).
    var brokenErrorSummary = false
    var interrupted = false
    var sawPreamble = false
    /// The log has `==PID==` prefixes (a real `--log-file`, not a filtered regression file).
    var prefixed = false

    // Completeness.
    var sawValgrindLine = false
    var preambleOpen = false
    var heapSummaryOpen = false
    var exitOnFirstError = false

    // MARK: lines

    mutating func handle(_ line: Substring) {
        if inLeakSummary {
            if summaryLine(line) { return }
            endLeakSummary()
        }
        let content = line
        let u = content.utf8
        var indent = 0
        var bodyStart = u.startIndex
        while bodyStart < u.endIndex && u[bodyStart] == 0x20 {
            indent += 1
            bodyStart = u.index(after: bodyStart)
        }
        if bodyStart == u.endIndex || u[bodyStart...].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            flush()
            return
        }
        if indent == 0 {
            header(content)
            return
        }
        let body = Substring(u[bodyStart...])
        if indent >= 2 && (body.hasPrefix("at ") || body.hasPrefix("by ")) {
            if let frame = parseFrame(body.dropFirst(3)) { addFrame(frame) }
            return
        }
        if body == "..." { return }  // frames elided by the test filter
        if indent == 1 && kind != nil {
            let what = String(body)
            if isFatal {
                if !fatalEventTaken {
                    fatalEventTaken = true
                    message += ": " + what
                }
                return
            }
            aux.append(AuxiliaryStack(what: what, stack: []))
            return
        }
    }

    mutating func header(_ s: Substring) {
        if s.hasPrefix("LEAK SUMMARY:") {
            flush()
            sawValgrindLine = true
            inLeakSummary = true
            current = Totals()
            currentHasFigures = false
            currentKnown = SummaryReconciliation.Known()
            return
        }
        if s.hasPrefix("HEAP SUMMARY:") {
            flush()
            sawValgrindLine = true
            heapSummaryOpen = true
            checkBoundaryPending = true
            return
        }
        if s.hasPrefix("ERROR SUMMARY:") {
            flush()
            sawValgrindLine = true
            heapSummaryOpen = false
            if let contexts = Self.errorSummaryContexts(s) {
                preambleOpen = false
                brokenErrorSummary = false
                errorContexts = errorContexts.addingSaturated(contexts)
                errorSummaries += 1
            } else {
                // `ERROR SUMMARY: 0 er`: the log was cut inside its last line.
                brokenErrorSummary = true
            }
            return
        }
        if s.hasPrefix("All heap blocks were freed -- no leaks are possible") {
            flush()
            sawValgrindLine = true
            heapSummaryOpen = false
            checkBoundaryPending = true
            return
        }
        if s.hasPrefix("Memcheck, a memory error detector") {
            flush()
            sawValgrindLine = true
            preambleOpen = true
            sawPreamble = true
            return
        }
        if s.hasPrefix("Command: ") {
            command = s.dropFirst(9).split(separator: " ").map(String.init)
            return
        }
        if s.hasPrefix("Exit program on first error") {
            flush()
            sawValgrindLine = true
            exitOnFirstError = true
            return
        }
        if s.hasPrefix("Searching for pointers") {
            checkBoundaryPending = true
            return
        }
        if s.hasPrefix("Thread "), s.hasSuffix(":") {
            flush()
            let t = s.dropFirst(7).dropLast()
            if let sp = t.firstIndex(of: " ") {
                pendingThread = "\(t[t.startIndex..<sp]) (\(t[t.index(after: sp)...]))"
            } else {
                pendingThread = String(t)
            }
            return
        }
        if s.hasPrefix("Process terminating with default action of signal ") {
            begin(.fatalSignal, raw: "", message: String(s))
            isFatal = true
            var sig: String?
            if let open = s.lastIndex(of: "("), let close = s.lastIndex(of: ")"), open < close {
                sig = String(s[s.index(after: open)..<close])
            } else {
                let n = ValgrindKinds.number(s.dropFirst(51).prefix { $0 != " " })
                sig = n.flatMap { ValgrindKinds.signalNames[$0] }
            }
            rawKind = sig ?? "unknown signal"
            fatalSignal = sig ?? fatalSignal
            return
        }
        if let (k, raw) = errorKind(s) {
            begin(k, raw: raw, message: String(s))
            return
        }
        if let head = ValgrindKinds.lossRecord(s), let (k, raw) = ValgrindKinds.leakKind(phrase: head.kindPhrase) {
            leakRecord(head, kind: k, raw: raw, text: s)
            return
        }
        // Anything else at column 0 (warnings, hints, program output) is not a finding;
        // it does not end the current block, since program output can interleave.
    }

    /// `ERROR SUMMARY: 3 errors from 2 contexts (suppressed: 0 from 0)` → 2;
    /// nil unless the whole line is there.
    static func errorSummaryContexts(_ s: Substring) -> Int? {
        let t = s.dropFirst("ERROR SUMMARY:".count).trimmingSpaces
        guard let e = t.byteRange(of: " errors from "), Counts.parse(t[t.startIndex..<e.lowerBound]) != nil else {
            return nil
        }
        let rest = t[e.upperBound...]
        guard let c = rest.byteRange(of: " contexts") else { return nil }
        guard let contexts = Counts.parse(rest[rest.startIndex..<c.lowerBound]) else { return nil }
        let tail = rest[c.upperBound...]
        // valgrind always adds `(suppressed: N from M)`: without its `)`, the line was cut.
        if tail.isEmpty || !(tail.hasPrefix(" (suppressed: ") && tail.hasSuffix(")")) { return nil }
        return contexts.value
    }

    func errorKind(_ s: Substring) -> (FindingKind, String)? {
        if s.hasPrefix("Invalid read of size") { return (.invalidRead, "InvalidRead") }
        if s.hasPrefix("Invalid write of size") { return (.invalidWrite, "InvalidWrite") }
        if s.hasPrefix("Invalid free() / delete") { return (.invalidFree, "InvalidFree") }
        if s.hasPrefix("Mismatched free() / delete") { return (.mismatchedFree, "MismatchedFree") }
        if s.hasPrefix("Conditional jump or move depends on uninitialised value") {
            return (.uninitialisedValue, "UninitCondition")
        }
        if s.hasPrefix("Use of uninitialised value of size") { return (.uninitialisedValue, "UninitValue") }
        if s.hasPrefix("Syscall param ") { return (.syscallParam, "SyscallParam") }
        if s.hasPrefix("Source and destination overlap in ") { return (.overlap, "Overlap") }
        if s.hasPrefix("Jump to the invalid address") { return (.other, "InvalidJump") }
        if s.hasPrefix("Argument '"), s.byteRange(of: "fishy") != nil { return (.other, "FishyValue") }
        if s.hasSuffix("found during client check request") { return (.other, "ClientCheck") }
        if s.hasPrefix("realloc() with size 0") || s.hasPrefix("reallocarray() with size 0") {
            return (.other, "ReallocSizeZero")
        }
        if s.hasPrefix("Invalid alignment value") { return (.other, "InvalidAlignment") }
        if s.hasPrefix("Unsafe allocation with size of zero") { return (.other, "InvalidSize") }
        if s.hasPrefix("Illegal memory pool address") { return (.other, "InvalidMemPool") }
        return nil
    }

    mutating func leakRecord(
        _ head: ValgrindKinds.LossRecordHead, kind k: FindingKind, raw: String, text: Substring
    ) {
        let isDelta = text.byteRange(of: "(+") != nil || text.byteRange(of: "(-") != nil
        var number: Int?
        if let r = text.byteRange(of: " in loss record ") {
            number = ValgrindKinds.number(text[r.upperBound...].prefix { $0 != " " })
        }
        // A new leak check starts after a summary/heap marker, when numbering
        // restarts, or when delta records (client checks) give way to plain ones.
        if sawLeakRecord {
            var boundary = checkBoundaryPending
            if let n = number, let last = lastRecordNumber, n <= last { boundary = true }
            if let wasDelta = lastRecordWasDelta, wasDelta != isDelta { boundary = true }
            if boundary { check += 1 }
        }
        checkBoundaryPending = false
        sawLeakRecord = true
        recordsSinceSummary += 1
        lastRecordWasDelta = isDelta
        lastRecordNumber = number
        var message = String(text)
        if head.clamped {
            let note = Counts.clampNote("a figure of this loss record")
            message += " [\(note)]"
            warnings.append("\(raw): \(note)")
        }
        begin(k, raw: raw, message: message)
        let figures = ValgrindKinds.leakFigures(total: head.total, head: head)
        bytes = figures.bytes
        indirect = figures.indirect
        blocks = head.blocks
    }

    mutating func begin(_ k: FindingKind, raw: String, message m: String) {
        flush()
        sawValgrindLine = true
        kind = k
        rawKind = raw
        message = m
        thread = pendingThread
        pendingThread = nil
    }

    mutating func addFrame(_ frame: Frame) {
        guard kind != nil else { return }
        if aux.isEmpty { bounds.append(frame, to: &stack) } else { bounds.append(frame, to: &aux[aux.count - 1].stack) }
    }

    mutating func flush() {
        guard let k = kind else { return }
        var finalKind = k
        if !k.isLeak && !isFatal {
            finalKind = ValgrindKinds.kind(raw: rawKind, auxiliary: aux)
        }
        findings.append(
            ValgrindFinding.make(
                kind: finalKind, rawKind: rawKind, bytes: bytes, blocks: blocks,
                indirectBytes: indirect, message: message, stack: stack, auxiliary: aux,
                thread: thread))
        checkOf.append(k.isLeak ? check : nil)
        kind = nil
        rawKind = ""
        message = ""
        stack = []
        aux = []
        bytes = nil
        blocks = nil
        indirect = nil
        isFatal = false
        fatalEventTaken = false
        thread = nil
    }

    // MARK: frames

    /// `0x4C2A: fn (file.c:12)`, `0x4C2A: fn (in /lib/x.so)`, `0x4C2A: ???`.
    /// Works on bytes: names like `operator delete(void*)` or Rust generics hold
    /// parentheses too, so the location is the last balanced `(…)` group.
    func parseFrame(_ s: Substring) -> Frame? {
        var text = String(s)
        return text.withUTF8 { b -> Frame? in
            func str(_ lo: Int, _ hi: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
            }
            guard let colon = ValgrindKinds.find(b, ": ", 0, b.count) else {
                return b.count >= 2 && b[0] == UInt8(ascii: "0") && b[1] == UInt8(ascii: "x")
                    ? Frame(address: str(0, b.count)) : nil
            }
            var frame = Frame(address: str(0, colon))
            var lo = colon + 2
            var hi = b.count
            while lo < hi && b[lo] == 0x20 { lo += 1 }
            while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x0D) { hi -= 1 }
            if hi > lo && b[hi - 1] == UInt8(ascii: ")") {
                // Find the `(` that balances the final `)`, preceded by a space.
                var depth = 0
                var k = hi
                var open: Int?
                while k > lo {
                    k -= 1
                    if b[k] == UInt8(ascii: ")") {
                        depth += 1
                    } else if b[k] == UInt8(ascii: "(") {
                        depth -= 1
                        if depth == 0 {
                            open = k
                            break
                        }
                    }
                }
                if let open, open > lo, b[open - 1] == 0x20 {
                    let iLo = open + 1
                    let iHi = hi - 1
                    if iHi - iLo > 3 && b[iLo] == UInt8(ascii: "i") && b[iLo + 1] == UInt8(ascii: "n")
                        && b[iLo + 2] == 0x20
                    {
                        frame.object = str(iLo + 3, iHi)
                    } else {
                        var c = iHi
                        while c > iLo && b[c - 1] != UInt8(ascii: ":") { c -= 1 }
                        if c > iLo {
                            frame.file = str(iLo, c - 1)
                            frame.line = ValgrindKinds.number(UnsafeBufferPointer(rebasing: b[c..<iHi]))
                        } else {
                            frame.file = str(iLo, iHi)
                        }
                    }
                    hi = open - 1
                    while hi > lo && b[hi - 1] == 0x20 { hi -= 1 }
                }
            }
            if hi > lo { frame.function = str(lo, hi) }
            return frame
        }
    }

    // MARK: LEAK SUMMARY

    /// Reads one line of a LEAK SUMMARY block; false when the block has ended.
    mutating func summaryLine(_ line: Substring) -> Bool {
        guard line.first == " " else { return false }
        let t = line.trimmingSpaces
        let labels: [(String, WritableKeyPath<Totals, Tally>, FindingKind?)] = [
            ("definitely lost:", \.definitelyLost, .definitelyLost),
            ("indirectly lost:", \.indirectlyLost, .indirectlyLost),
            ("possibly lost:", \.possiblyLost, .possiblyLost),
            ("still reachable:", \.stillReachable, .stillReachable), ("suppressed:", \.suppressed, nil),
        ]
        for (label, path, kind) in labels where t.hasPrefix(label) {
            let v = t.dropFirst(label.count).trimmingSpaces
            guard let bi = v.byteRange(of: " bytes in ") else {
                // A cut or filtered line: its figures are unknown, not zero.
                if let kind {
                    currentKnown.bytes.remove(kind)
                    currentKnown.blocks.remove(kind)
                }
                return true
            }
            let b = Counts.parse(v[v.startIndex..<bi.lowerBound].prefix { $0 != " " })
            let k = Counts.parse(v[bi.upperBound...].prefix { $0 != " " })
            if b?.clamped == true || k?.clamped == true {
                warnings.append("LEAK SUMMARY \(label) " + Counts.clampNote("a figure"))
            }
            if let kind {
                if b == nil { currentKnown.bytes.remove(kind) }
                if k == nil { currentKnown.blocks.remove(kind) }
            }
            current[keyPath: path] = Tally(bytes: b?.value ?? 0, blocks: k?.value ?? 0)
            currentHasFigures = true
            return true
        }
        // `of which reachable via heuristic:` and its indented sub-lines.
        if t.hasPrefix("of which") || line.hasPrefix("          ") { return true }
        return false
    }

    mutating func endLeakSummary() {
        inLeakSummary = false
        if currentHasFigures {
            summary = current
            summaryKnown = currentKnown
            summaries += 1
            // Records before this summary belong to its leak check; none since the
            // previous summary (while earlier checks had some) means this check showed none.
            summaryHasOwnRecords = recordsSinceSummary > 0 || !sawLeakRecord
            recordsSinceSummary = 0
        }
        heapSummaryOpen = false
        checkBoundaryPending = true
    }

    // MARK: end

    mutating func finish(emptyInput: Bool) -> CheckerOutput {
        if inLeakSummary { endLeakSummary() }
        flush()
        var out = CheckerOutput(format: .valgrindText)
        // Only the last leak check counts: earlier (client-requested) checks repeat
        // or preview what the final one reports.
        var kept: [Finding] = []
        var dropped = 0
        var droppedErrors = 0
        for (f, c) in zip(findings, checkOf) {
            if let c, c != check {
                dropped += 1
                if f.kind != .stillReachable { droppedErrors += 1 }
                continue
            }
            kept.append(f)
        }
        if dropped > 0 {
            warnings.append(
                "\(dropped) loss record(s) from \(check) earlier leak check(s) superseded by the last one")
        }
        out.findings = kept
        warnings += bounds.notes
        out.pids = pids
        out.checkerSummary = summary
        out.command = command
        out.fatalSignal = fatalSignal
        reconcile(&out, supersededRecords: droppedErrors)
        out.warnings += warnings
        if interrupted {
            out.complete = false
            out.incompleteReason = Cancellation.reason
        } else if !sawValgrindLine {
            out.complete = false
            out.incompleteReason =
                emptyInput ? "empty valgrind output" : "no valgrind output found in the log"
        } else if exitOnFirstError {
            out.complete = false
            out.incompleteReason = "valgrind stopped at the first error (--exit-on-first-error)"
        } else if heapSummaryOpen {
            out.complete = false
            out.incompleteReason =
                "valgrind log ends inside the leak report, without LEAK SUMMARY (run killed or output truncated)"
        } else if prefixed && !sawPreamble && errorSummaries == 0 {
            // A real log starts with the preamble and ends with ERROR SUMMARY:
            // with neither, it is a fragment (cut inside its first line, or torn out).
            out.complete = false
            out.incompleteReason =
                "valgrind log has neither the Memcheck preamble nor an ERROR SUMMARY (output truncated)"
        } else if brokenErrorSummary {
            out.complete = false
            out.incompleteReason = "valgrind log ends inside its ERROR SUMMARY line (output truncated)"
        } else if preambleOpen {
            out.complete = false
            out.incompleteReason =
                "valgrind log ends before ERROR SUMMARY (run killed or output truncated)"
        } else if let contradiction {
            out.complete = false
            out.incompleteReason = contradiction
        }
        return out
    }

    var contradiction: String?

    /// The kept records against the last LEAK SUMMARY and the ERROR SUMMARY
    /// (`supersededRecords`: the earlier checks' records that can be errors)
    /// lines: summary-only findings for what only a summary counts, and
    /// `contradiction` when the records count more.
    mutating func reconcile(_ out: inout CheckerOutput, supersededRecords: Int) {
        var tally = SummaryReconciliation.RecordTally()
        for f in out.findings { tally.add(f) }
        var probe = CheckerOutput(format: .valgrindText)
        var added: [Finding] = []
        if let summary {
            var leakProbe = CheckerOutput(format: .valgrindText)
            let gaps = SummaryReconciliation.valgrindLeaks(
                summary: summary, known: summaryKnown, tally: tally, out: &leakProbe)
            if summaryHasOwnRecords || leakProbe.complete {
                added = gaps
                probe.warnings += leakProbe.warnings
                if !leakProbe.complete {
                    SummaryReconciliation.markIncomplete(&probe, leakProbe.incompleteReason ?? "")
                }
            } else {
                // A summary-only leak check (`VALGRIND_DO_LEAK_CHECK` in summary mode)
                // after the last one with records: blocks freed in between can make
                // the older records count more, which is no contradiction.
                warnings.append(
                    "the last LEAK SUMMARY closes a leak check that showed no loss records, and the records of the earlier check count more than it; they are not compared"
                )
            }
        } else if let f = SummaryReconciliation.valgrindSplitIndirect(tally: tally, suppressionsUsed: false) {
            // (A text log without LEAK SUMMARY does not say whether anything was suppressed.)
            added = [f]
        }
        if errorSummaries > 0,
            let f = SummaryReconciliation.valgrindErrors(
                contexts: errorContexts, tally: tally, leakRecords: tally.leakRecords + supersededRecords,
                leakGapAdded: !added.isEmpty, out: &probe)
        {
            added.append(f)
        }
        out.findings += added
        warnings += probe.warnings
        if !probe.complete { contradiction = probe.incompleteReason }
        if let summary, let r = SummaryReconciliation.beyondReach(summary, checker: "valgrind's LEAK SUMMARY") {
            contradiction = r
        } else if errorSummaries > 0,
            let r = SummaryReconciliation.beyondReach([errorContexts], checker: "valgrind's ERROR SUMMARY")
        {
            contradiction = r
        }
    }
}
